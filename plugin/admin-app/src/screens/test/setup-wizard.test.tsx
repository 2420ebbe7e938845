import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { SetupWizard, TestEmailStep } from '../setup-wizard';
import { domain, logDetail, settings } from '../../test-support/fixtures';
import { json, renderApp } from '../../test-support/render';

const unconfigured = settings( { relay_url: '', token_set: false, token_hint: null } );

async function connect( code: string, message = '' ) {
	const routes = {
		'GET settings': json( unconfigured ),
		'POST settings': json( settings() ),
		'POST connection-test': json( { ok: code === 'ok', code, step: 'auth', http_status: code === 'unauthorized' ? 401 : null, message } ),
		'GET domains': json( { data: [ domain() ] } ),
		'POST domains/dom_1/verify': json( domain( { status: 'verified' } ) ),
	};
	const rendered = renderApp( <SetupWizard />, routes, { hash: '#/setup' } );
	await userEvent.type( await screen.findByLabelText( 'Relay URL' ), 'https://relay.example.com' );
	await userEvent.type( screen.getByLabelText( 'API token' ), 'rp_secret_token_1234' );
	await userEvent.click( screen.getByRole( 'button', { name: 'Save and test the connection' } ) );
	return rendered;
}

describe( 'Setup wizard', () => {
	it( 'saves the URL and token, then tests the connection', async () => {
		const { calls } = await connect( 'ok' );
		expect( await screen.findByText( /Connected: the relay is reachable/, { selector: 'strong' } ) ).toBeTruthy();
		const saved = JSON.parse( calls.find( ( c ) => c.method === 'POST' && c.route === 'settings' )?.body ?? '' );
		expect( saved ).toEqual( { relay_url: 'https://relay.example.com', api_token: 'rp_secret_token_1234' } );
		expect( ( screen.getByLabelText( 'API token' ) as HTMLInputElement ).value ).toBe( '' );
	} );

	it( 'removes WordPress’s “not configured yet” notice once the URL and token are saved, and only that one', async () => {
		document.body.insertAdjacentHTML( 'beforeend', '<div data-relaypress-notice="not-configured">not configured yet</div><div class="notice" id="other-notice">another plugin</div>' );
		try {
			await connect( 'ok' );
			await screen.findByText( /Connected: the relay is reachable/, { selector: 'strong' } );
			expect( document.querySelector( '[data-relaypress-notice="not-configured"]' ) ).toBeNull();
			expect( document.getElementById( 'other-notice' ) ).not.toBeNull();
		} finally {
			document.getElementById( 'other-notice' )?.remove();
		}
	} );

	it.each( [
		[ 'unreachable', /The relay is unreachable/ ],
		[ 'tls_error', /The secure \(TLS\) connection failed/ ],
		[ 'unauthorized', /Wrong token/ ],
	] )( 'explains a %s failure and shows the details as text', async ( code, advice ) => {
		await connect( code, 'cURL error 7: &lt;b&gt;refused&lt;/b&gt;' );
		expect( await screen.findByText( advice, { selector: 'strong' } ) ).toBeTruthy();
		expect( screen.getByText( /cURL error 7: <b>refused<\/b>/, { selector: 'p' } ) ).toBeTruthy();
		expect( screen.queryByRole( 'button', { name: 'Continue' } ) ).toBeNull();
	} );

	it( 'goes on to choose a domain, shows its DNS records with copy buttons, and verifies', async () => {
		await connect( 'ok' );
		await userEvent.click( await screen.findByRole( 'button', { name: 'Continue' } ) );
		await userEvent.selectOptions( await screen.findByLabelText( 'Send from a domain the relay knows' ), 'dom_1' );
		await userEvent.click( screen.getByRole( 'button', { name: 'Use this domain' } ) );
		expect( await screen.findByText( 'rp1._domainkey.example.com' ) ).toBeTruthy();
		expect( screen.getAllByRole( 'button', { name: 'Copy the record value' } ) ).toHaveLength( 2 );
		await userEvent.click( screen.getByRole( 'button', { name: 'Verify now' } ) );
		await waitFor( () => expect( screen.getAllByText( 'Verified' ).length ).toBeGreaterThan( 0 ) );
	} );
} );

describe( 'Test email step', () => {
	it( 'sends a test email and follows it to delivered', async () => {
		jest.useFakeTimers( { doNotFake: [ 'queueMicrotask', 'nextTick', 'setImmediate' ] } );
		try {
			let polls = 0;
			renderApp( <TestEmailStep />, {
				'POST test-email': json( { sent: true, log_id: 5, log_status: 'queued', outbox_status: 'pending', via: 'relay' } ),
				'GET log/5': () => json( logDetail( { id: 5, status: ++polls > 1 ? 'delivered' : 'sent', events: [] } ) ),
			} );
			const user = userEvent.setup( { advanceTimers: jest.advanceTimersByTime } );
			expect( ( screen.getByLabelText( 'Send a test email to' ) as HTMLInputElement ).value ).toBe( 'admin@site.test' );
			await user.click( screen.getByRole( 'button', { name: 'Send test email' } ) );
			expect( await screen.findByText( 'Sent' ) ).toBeTruthy();
			jest.advanceTimersByTime( 3000 );
			expect( await screen.findByText( /Delivered: the receiving server accepted/ ) ).toBeTruthy();
		} finally {
			jest.useRealTimers();
		}
	} );
} );
