import { screen } from '@testing-library/react';

import { Overview } from '../overview';
import { json, pending, renderApp, restError } from '../../test-support/render';

const figures = ( over: Record< string, number | null > = {} ) => ( {
	queued: 0, delivered: 90, deferred: 1, hard_bounced: 3, soft_bounced: 2, suppressed: 0, failed: 0, opened: 40, clicked: 10, spam_complaint: 1, unsubscribed: 2,
	delivery_rate: 0.9, bounce_rate: 0.05, open_rate: 0.444, click_rate: 0.111, complaint_rate: 0.011, unsubscribe_rate: 0.022,
	...over,
} );

const overview = {
	connection: { configured: true, reachable: true, code: 'ok', message: 'The relay answers.' },
	webhook: { registered: true, error: null },
	outbox: { pending: 4, retrying: 2, failed: 1 },
	log_24h: { sent: 10, delivered: 8, bounced: 1, failed: 0, queued: 1 },
};

describe( 'Overview', () => {
	it( 'shows loading states for health and figures', () => {
		renderApp( <Overview />, { 'GET overview': pending, 'GET analytics': pending } );
		expect( screen.getAllByText( 'Loading…' ) ).toHaveLength( 2 );
	} );

	it( 'shows health, backlog, counts and rates, and the chart figures as a table', async () => {
		renderApp( <Overview />, {
			'GET overview': json( overview ),
			'GET analytics': json( { from: null, to: null, group_by: 'day', tag: null, totals: figures(), data: [ { bucket: '2026-11-27T00:00:00Z', ...figures() }, { bucket: '2026-11-28T00:00:00Z', ...figures( { delivered: 7 } ) } ] } ),
		} );
		expect( await screen.findByText( 'Connected' ) ).toBeTruthy();
		expect( screen.getByText( 'Retrying' ).nextSibling?.textContent ).toBe( '2' );
		expect( ( await screen.findAllByText( '44.4%' ) )[ 0 ]?.className ).toBe( 'relaypress-tile__rate' );
		expect( screen.getAllByRole( 'img', { name: /per day/ } ) ).toHaveLength( 2 );
		expect( screen.getAllByRole( 'rowheader', { name: 'Nov 28' } ).length ).toBeGreaterThan( 0 );
	} );

	it( 'points to the wizard when not connected, and shows the analytics error', async () => {
		renderApp( <Overview />, {
			'GET overview': json( { ...overview, connection: { configured: false, reachable: false, code: 'not_configured', message: 'No relay URL or API token is configured.' } } ),
			'GET analytics': restError( 503, 'relaypress_relay_not_configured', 'No relay URL or API token is configured.' ),
		} );
		expect( await screen.findByRole( 'link', { name: 'Open the setup wizard' } ) ).toBeTruthy();
		expect( await screen.findByRole( 'button', { name: 'Try again' } ) ).toBeTruthy();
	} );

	it( 'has an empty state when nothing was sent', async () => {
		const zero = figures( { delivered: 0, hard_bounced: 0, soft_bounced: 0, opened: 0, clicked: 0, spam_complaint: 0, unsubscribed: 0, deferred: 0 } );
		renderApp( <Overview />, { 'GET overview': json( overview ), 'GET analytics': json( { from: null, to: null, group_by: 'day', tag: null, totals: zero, data: [] } ) } );
		expect( await screen.findByText( /No mail went through the relay/ ) ).toBeTruthy();
	} );
} );
