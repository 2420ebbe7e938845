import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { Activity } from '../activity';
import { logDetail, logEntry, XSS, XSS_ESCAPED } from '../../test-support/fixtures';
import { json, pending, renderApp, restError } from '../../test-support/render';

const page = ( items: unknown[], total = items.length ) => json( items, 200, { 'X-WP-Total': String( total ), 'X-WP-TotalPages': String( Math.max( 1, Math.ceil( total / 20 ) ) ) } );

describe( 'Activity list', () => {
	it( 'shows a loading state while the log loads', () => {
		renderApp( <Activity />, { 'GET log': pending }, { hash: '#/activity' } );
		expect( screen.getByRole( 'status' ).textContent ).toMatch( /Loading/ );
	} );

	it( 'says so when nothing was sent yet', async () => {
		renderApp( <Activity />, { 'GET log': page( [] ) }, { hash: '#/activity' } );
		expect( await screen.findByText( /No emails have been sent/ ) ).toBeTruthy();
	} );

	it( 'shows the error with a retry that loads again', async () => {
		let failed = false;
		const { calls } = renderApp(
			<Activity />,
			{
				'GET log': () => {
					if ( ! failed ) {
						failed = true;
						return restError( 500, 'db_error', 'The log table is missing.' );
					}
					return page( [ logEntry() ] );
				},
			},
			{ hash: '#/activity' }
		);
		expect( await screen.findByText( 'The log table is missing.' ) ).toBeTruthy();
		await userEvent.click( screen.getByRole( 'button', { name: 'Try again' } ) );
		expect( await screen.findByRole( 'link', { name: 'Your order #1001' } ) ).toBeTruthy();
		expect( calls.filter( ( c ) => c.route === 'log' ) ).toHaveLength( 2 );
	} );

	it( 'lists entries with recipient, subject link and status', async () => {
		renderApp( <Activity />, { 'GET log': page( [ logEntry(), logEntry( { id: 8, status: 'bounced', subject: 'Welcome', to: [ 'bob@example.org' ] } ) ] ) }, { hash: '#/activity' } );
		const link = await screen.findByRole( 'link', { name: 'Welcome' } );
		expect( link.getAttribute( 'href' ) ).toBe( '#/activity/8' );
		expect( screen.getByText( 'bob@example.org' ) ).toBeTruthy();
		expect( screen.getAllByText( 'Bounced' ).length ).toBeGreaterThan( 0 );
	} );

	it( 'renders an attacker’s subject as text, never as markup', async () => {
		const { container } = renderApp( <Activity />, { 'GET log': page( [ logEntry( { subject: XSS_ESCAPED, to: [ '&lt;script&gt;x&lt;/script&gt;@evil.test' ] } ) ] ) }, { hash: '#/activity' } );
		expect( await screen.findByRole( 'link', { name: XSS } ) ).toBeTruthy();
		expect( container.querySelector( 'img' ) ).toBeNull();
		expect( container.querySelector( 'script' ) ).toBeNull();
		expect( screen.getByText( '<script>x</script>@evil.test' ) ).toBeTruthy();
	} );

	it( 'searches and filters through the query string', async () => {
		const { calls } = renderApp( <Activity />, { 'GET log': page( [ logEntry() ] ) }, { hash: '#/activity' } );
		await screen.findByRole( 'link', { name: 'Your order #1001' } );
		await userEvent.type( screen.getByLabelText( 'Search recipient, sender or subject' ), 'ann' );
		await userEvent.selectOptions( screen.getByLabelText( 'Status' ), 'bounced' );
		await waitFor( () => expect( calls.some( ( c ) => c.query.get( 'q' ) === 'ann' && c.query.get( 'status' ) === 'bounced' ) ).toBe( true ) );
	} );

	it( 'pages through the log', async () => {
		const { calls } = renderApp( <Activity />, { 'GET log': page( [ logEntry() ], 45 ) }, { hash: '#/activity' } );
		await screen.findByText( 'Page 1 of 3' );
		await userEvent.click( screen.getByRole( 'button', { name: 'Next page' } ) );
		await waitFor( () => expect( calls.some( ( c ) => c.query.get( 'page' ) === '2' ) ).toBe( true ) );
	} );
} );

describe( 'Activity detail', () => {
	const relayMessage = {
		id: 'msg_123',
		created_at: '2026-11-28T09:00:00Z',
		subject: 'Your order #1001',
		recipients: [
			{
				id: 'rcpt_1',
				email: 'ann@example.org',
				status: 'bounced',
				attempts_count: 1,
				next_attempt_at: null,
				last_response: '550 5.1.1 &lt;ann@example.org&gt; user unknown',
				attempts: [ { id: 'att_1', at: '2026-11-28T09:00:05Z', outcome: 'bounced', category: 'bad_mailbox', response: '550 5.1.1 &lt;ann@example.org&gt;: user unknown', response_code: 550, enhanced_status: '5.1.1', mx_host: 'mx.example.org', tls: true, duration_ms: 120 } ],
			},
		],
		events: [],
	};

	it( 'shows the timeline and the MX replies as text', async () => {
		renderApp( <Activity />, { 'GET log/7': json( logDetail( { status: 'bounced' } ) ), 'GET relay/messages/msg_123': json( relayMessage ) }, { hash: '#/activity/7' } );
		expect( await screen.findByRole( 'heading', { name: 'Your order #1001' } ) ).toBeTruthy();
		expect( screen.getByText( 'Delivered: 250 2.0.0 OK' ) ).toBeTruthy();
		// The relay's reply as received (it starts with its code), not the code twice.
		expect( await screen.findByText( '550 5.1.1 <ann@example.org>: user unknown' ) ).toBeTruthy();
		expect( screen.getByText( 'mx.example.org' ) ).toBeTruthy();
	} );

	it( 'says when the entry does not exist', async () => {
		renderApp( <Activity />, { 'GET log/99': restError( 404, 'relaypress_not_found', 'No such log entry.' ) }, { hash: '#/activity/99' } );
		expect( await screen.findByText( 'No such log entry.' ) ).toBeTruthy();
	} );

	it( 'resends and opens the new entry', async () => {
		const { calls } = renderApp(
			<Activity />,
			{
				'GET log/7': json( logDetail( { relay_message_id: null } ) ),
				'POST log/resend': json( { results: [ { id: 7, ok: true, new_log_id: 12, status: 'sent', error: null, message: null } ] } ),
				'GET log/12': json( logDetail( { id: 12, relay_message_id: null } ) ),
			},
			{ hash: '#/activity/7' }
		);
		await userEvent.click( await screen.findByRole( 'button', { name: 'Resend' } ) );
		await waitFor( () => expect( window.location.hash ).toBe( '#/activity/12' ) );
		expect( JSON.parse( calls.find( ( c ) => c.route === 'log/resend' )?.body ?? '{}' ) ).toEqual( { ids: [ 7 ] } );
	} );
} );
