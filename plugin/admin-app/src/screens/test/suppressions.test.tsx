import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { Suppressions } from '../suppressions';
import { XSS, XSS_ESCAPED } from '../../test-support/fixtures';
import { json, pending, renderApp, restError } from '../../test-support/render';

const item = { id: 'sup_1', pattern: 'ann@example.org', reason: 'hard_bounce', note: null, created_at: '2026-11-20T08:00:00Z' };

describe( 'Suppressions', () => {
	it( 'shows loading, then the list with reason and date', async () => {
		renderApp( <Suppressions />, { 'GET suppressions': json( { data: [ item ], next_cursor: null } ) } );
		expect( screen.getByRole( 'status' ).textContent ).toMatch( /Loading/ );
		expect( await screen.findByText( 'ann@example.org' ) ).toBeTruthy();
		expect( screen.getByText( 'Hard bounce' ) ).toBeTruthy();
		expect( screen.getByText( /Nov 20, 2026/ ) ).toBeTruthy();
	} );

	it( 'has an empty state', async () => {
		renderApp( <Suppressions />, { 'GET suppressions': json( { data: [], next_cursor: null } ) } );
		expect( await screen.findByText( 'The suppression list is empty.' ) ).toBeTruthy();
	} );

	it( 'shows why the list could not load', async () => {
		renderApp( <Suppressions />, { 'GET suppressions': restError( 503, 'relaypress_relay_not_configured', 'No relay URL or API token is configured.' ) } );
		expect( await screen.findByText( 'No relay URL or API token is configured.' ) ).toBeTruthy();
	} );

	it( 'renders a note from the relay as text', async () => {
		const { container } = renderApp( <Suppressions />, { 'GET suppressions': json( { data: [ { ...item, note: XSS_ESCAPED } ], next_cursor: null } ) } );
		expect( await screen.findByText( XSS ) ).toBeTruthy();
		expect( container.querySelector( 'img' ) ).toBeNull();
	} );

	it( 'adds an address and says so', async () => {
		const { calls } = renderApp( <Suppressions />, {
			'GET suppressions': json( { data: [], next_cursor: null } ),
			'POST suppressions': json( { ...item, id: 'sup_2', pattern: 'bob@example.org', reason: 'manual' }, 201 ),
		} );
		await screen.findByText( 'The suppression list is empty.' );
		await userEvent.type( screen.getByLabelText( 'Email address' ), 'bob@example.org' );
		await userEvent.click( screen.getByRole( 'button', { name: 'Suppress' } ) );
		await waitFor( () => expect( calls.some( ( c ) => c.method === 'POST' && c.route === 'suppressions' ) ).toBe( true ) );
		expect( JSON.parse( calls.find( ( c ) => c.method === 'POST' )?.body ?? '' ) ).toEqual( { email: 'bob@example.org', reason: 'manual' } );
	} );

	it( 'removes an address with a labelled button', async () => {
		const { calls } = renderApp( <Suppressions />, { 'GET suppressions': json( { data: [ item ], next_cursor: null } ), 'DELETE suppressions/sup_1': { status: 204 } } );
		await userEvent.click( await screen.findByRole( 'button', { name: 'Remove ann@example.org' } ) );
		await waitFor( () => expect( calls.some( ( c ) => c.method === 'DELETE' && c.route === 'suppressions/sup_1' ) ).toBe( true ) );
	} );

	it( 'imports a CSV file as text/csv', async () => {
		const { calls } = renderApp( <Suppressions />, {
			'GET suppressions': json( { data: [], next_cursor: null } ),
			'POST suppressions/import': json( { imported: 2, skipped: 1 } ),
		} );
		await screen.findByText( 'The suppression list is empty.' );
		const file = new File( [ 'email\na@x.org\nb@x.org\n' ], 'list.csv', { type: 'text/csv' } );
		Object.defineProperty( file, 'text', { value: async () => 'email\na@x.org\nb@x.org\n' } );
		fireEvent.change( screen.getByLabelText( 'CSV file to import' ), { target: { files: [ file ] } } );
		await waitFor( () => expect( calls.find( ( c ) => c.route === 'suppressions/import' )?.body ).toBe( 'email\na@x.org\nb@x.org\n' ) );
		expect( calls.find( ( c ) => c.route === 'suppressions/import' )?.headers[ 'Content-Type' ] ).toBe( 'text/csv' );
	} );

	it( 'follows next_cursor to the next page and back', async () => {
		const { calls } = renderApp( <Suppressions />, { 'GET suppressions': json( { data: [ item ], next_cursor: 'cur_2' } ) } );
		await userEvent.click( await screen.findByRole( 'button', { name: 'Next page' } ) );
		await waitFor( () => expect( calls.some( ( c ) => c.query.get( 'cursor' ) === 'cur_2' ) ).toBe( true ) );
	} );

	it( 'keeps loading quietly while the relay is slow', () => {
		renderApp( <Suppressions />, { 'GET suppressions': pending } );
		expect( screen.getByText( 'Loading…' ) ).toBeTruthy();
	} );
} );
