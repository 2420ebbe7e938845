import { screen, waitFor } from '@testing-library/react';

import { App } from '../app';
import { settings } from '../test-support/fixtures';
import { json, pending, renderApp, restError } from '../test-support/render';

const unconfigured = settings( { relay_url: '', token_set: false, token_hint: null } );
const overviewRoutes = {
	'GET overview': pending,
	'GET analytics': pending,
};

describe( 'App: the first screen', () => {
	it( 'shows no screen and asks nothing but the settings until they are known', () => {
		const { calls } = renderApp( <App />, { 'GET settings': pending, ...overviewRoutes } );
		expect( screen.getByText( 'Loading…' ) ).toBeTruthy();
		expect( screen.queryByRole( 'heading', { level: 2 } ) ).toBeNull();
		expect( calls.map( ( c ) => `${ c.method } ${ c.route }` ) ).toEqual( [ 'GET settings' ] );
	} );

	// Regression: the overview was rendered first (and asked the relay for analytics, a 503
	// "not configured" in the browser console) before the app moved on to the wizard.
	it( 'opens the wizard on an unconnected site without showing the overview first', async () => {
		const { calls } = renderApp( <App />, { 'GET settings': json( unconfigured ), ...overviewRoutes } );
		expect( await screen.findByRole( 'heading', { level: 2, name: 'Setup wizard' } ) ).toBeTruthy();
		expect( window.location.hash ).toBe( '#/setup' );
		expect( calls.map( ( c ) => c.route ) ).not.toContain( 'overview' );
		expect( calls.map( ( c ) => c.route ) ).not.toContain( 'analytics' );
	} );

	it( 'opens the overview on a connected site', async () => {
		renderApp( <App />, { 'GET settings': json( settings() ), ...overviewRoutes } );
		expect( await screen.findByRole( 'heading', { level: 2, name: 'Overview' } ) ).toBeTruthy();
		expect( window.location.hash ).toBe( '#/overview' );
	} );

	it( 'opens the overview when the settings cannot be read (it says what is wrong)', async () => {
		renderApp( <App />, { 'GET settings': restError( 500, 'internal', 'Broken.' ), ...overviewRoutes } );
		expect( await screen.findByRole( 'heading', { level: 2, name: 'Overview' } ) ).toBeTruthy();
	} );

	it( 'keeps the screen named in the address', async () => {
		const { calls } = renderApp( <App />, { 'GET settings': json( unconfigured ), 'GET suppressions': pending }, { hash: '#/suppressions' } );
		expect( screen.getByRole( 'heading', { level: 2, name: 'Suppressions' } ) ).toBeTruthy();
		await waitFor( () => expect( calls.map( ( c ) => c.route ) ).toContain( 'settings' ) );
		expect( window.location.hash ).toBe( '#/suppressions' );
	} );

	it( 'has a WooCommerce tab that opens its screen', async () => {
		const { calls } = renderApp( <App />, { 'GET settings': json( settings() ), 'GET woocommerce/emails': pending, 'GET woocommerce/schema': pending }, { hash: '#/woocommerce' } );
		expect( screen.getByRole( 'heading', { level: 2, name: 'WooCommerce' } ) ).toBeTruthy();
		expect( screen.getByRole( 'link', { name: 'WooCommerce' } ).getAttribute( 'aria-current' ) ).toBe( 'page' );
		await waitFor( () => expect( calls.map( ( c ) => c.route ) ).toContain( 'woocommerce/emails' ) );
	} );
} );
