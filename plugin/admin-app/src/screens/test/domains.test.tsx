import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { Domains } from '../domains';
import { domain } from '../../test-support/fixtures';
import { json, renderApp, restError } from '../../test-support/render';

describe( 'Domains', () => {
	it( 'lists domains with their status', async () => {
		renderApp( <Domains />, { 'GET domains': json( { data: [ domain(), domain( { id: 'dom_2', name: 'shop.example', status: 'verified' } ) ] } ) }, { hash: '#/domains' } );
		expect( ( await screen.findByRole( 'link', { name: 'shop.example' } ) ).getAttribute( 'href' ) ).toBe( '#/domains/dom_2' );
		expect( screen.getByText( 'Verified' ) ).toBeTruthy();
	} );

	it( 'has an empty state and an error state', async () => {
		renderApp( <Domains />, { 'GET domains': json( { data: [] } ) }, { hash: '#/domains' } );
		expect( await screen.findByText( /No sending domains yet/ ) ).toBeTruthy();
	} );

	it( 'shows a relay error', async () => {
		renderApp( <Domains />, { 'GET domains': restError( 502, 'relaypress_relay_unreachable', 'cURL error 28: timed out' ) }, { hash: '#/domains' } );
		expect( await screen.findByText( 'cURL error 28: timed out' ) ).toBeTruthy();
	} );

	it( 'shows records with their status and verifies live', async () => {
		const { calls } = renderApp( <Domains />, { 'GET domains/dom_1': json( domain() ), 'POST domains/dom_1/verify': json( domain( { status: 'verified' } ) ) }, { hash: '#/domains/dom_1' } );
		expect( await screen.findByText( 'v=DKIM1; k=rsa; p=MIIB' ) ).toBeTruthy();
		expect( screen.getByText( 'Missing' ) ).toBeTruthy();
		await userEvent.click( screen.getByRole( 'button', { name: 'Verify now' } ) );
		await waitFor( () => expect( calls.some( ( c ) => c.route === 'domains/dom_1/verify' ) ).toBe( true ) );
		expect( await screen.findByText( /The domain is verified/, { selector: '.components-notice__content' } ) ).toBeTruthy();
	} );

	it( 'rotates the DKIM key with the chosen algorithm and activates a pending key', async () => {
		const pendingKey = { selector: 'rp2', algorithm: 'ed25519' as const, state: 'pending', signing: false, verified_at: null, retired_at: null, remove_record_after: null };
		const { calls } = renderApp(
			<Domains />,
			{
				'GET domains/dom_1': json( domain( { dkim_keys: [ ...domain().dkim_keys, pendingKey ] } ) ),
				'POST domains/dom_1/dkim-keys': json( pendingKey, 201 ),
				'POST domains/dom_1/dkim-keys/rp2/activate': json( domain() ),
			},
			{ hash: '#/domains/dom_1' }
		);
		await userEvent.selectOptions( await screen.findByLabelText( 'New key algorithm' ), 'ed25519' );
		await userEvent.click( screen.getByRole( 'button', { name: 'Rotate DKIM key' } ) );
		await waitFor( () => expect( calls.find( ( c ) => c.route === 'domains/dom_1/dkim-keys' )?.body ).toBe( '{"algorithm":"ed25519"}' ) );
		await userEvent.click( await screen.findByRole( 'button', { name: 'Activate' } ) );
		await waitFor( () => expect( calls.some( ( c ) => c.route === 'domains/dom_1/dkim-keys/rp2/activate' ) ).toBe( true ) );
	} );
} );
