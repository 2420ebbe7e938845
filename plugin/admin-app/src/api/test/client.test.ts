import { ApiError, buildUrl, createClient } from '../client';
import { createApi } from '../routes';
import { fakeFetch, fakeResponse, json, REST_ROOT, restError } from '../../test-support/render';

describe( 'buildUrl', () => {
	it( 'appends the route and query to a pretty-permalink root', () => {
		expect( buildUrl( REST_ROOT, 'log', { q: 'a b', page: 2, status: '' } ) ).toBe( 'http://site.test/wp-json/relaypress/v1/log?q=a+b&page=2' );
	} );

	it( 'joins the query with & when the root is ?rest_route= (plain permalinks)', () => {
		expect( buildUrl( 'http://site.test/?rest_route=/relaypress/v1/', 'log', { page: 2 } ) ).toBe( 'http://site.test/?rest_route=/relaypress/v1/log&page=2' );
	} );
} );

describe( 'the API client', () => {
	it( 'sends the REST nonce and same-origin credentials on every request', async () => {
		const { fetchImpl, calls } = fakeFetch( { 'GET settings': json( {} ), 'POST connection-test': json( { ok: true } ) } );
		const api = createApi( createClient( REST_ROOT, 'nonce-123', fetchImpl ) );
		await api.settings();
		await api.testConnection();
		expect( calls.map( ( c ) => c.headers[ 'X-WP-Nonce' ] ) ).toEqual( [ 'nonce-123', 'nonce-123' ] );
		expect( ( fetchImpl as jest.Mock ).mock.calls[ 0 ][ 1 ].credentials ).toBe( 'same-origin' );
	} );

	it( 'uses a renewed nonce from X-WP-Nonce for the next request', async () => {
		const { fetchImpl, calls } = fakeFetch( { 'GET settings': json( {}, 200, { 'X-WP-Nonce': 'fresh' } ) } );
		const client = createClient( REST_ROOT, 'old', fetchImpl );
		await client.get( 'settings' );
		await client.get( 'settings' );
		expect( calls.map( ( c ) => c.headers[ 'X-WP-Nonce' ] ) ).toEqual( [ 'old', 'fresh' ] );
	} );

	it( 'turns a WordPress error body into an ApiError with code, status, field and a decoded message', async () => {
		const { fetchImpl } = fakeFetch( { 'POST settings': restError( 400, 'rest_invalid_param', 'relay_url: must be an http or https URL &amp; more', { field: 'relay_url' } ) } );
		const api = createApi( createClient( REST_ROOT, 'n', fetchImpl ) );
		const error = await api.saveSettings( { relay_url: 'ftp://x' } ).catch( ( e: unknown ) => e );
		expect( error ).toBeInstanceOf( ApiError );
		expect( error ).toMatchObject( { code: 'rest_invalid_param', status: 400, field: 'relay_url', message: 'relay_url: must be an http or https URL & more' } );
	} );

	it( 'explains an expired nonce instead of showing WordPress’s wording', async () => {
		const { fetchImpl } = fakeFetch( { 'GET settings': restError( 403, 'rest_cookie_invalid_nonce', 'Cookie check failed' ) } );
		const error = await createClient( REST_ROOT, 'n', fetchImpl ).get( 'settings' ).catch( ( e: unknown ) => e );
		expect( ( error as Error ).message ).toMatch( /session has expired/ );
	} );

	it( 'names the HTTP status when the error is not JSON', async () => {
		const fetchImpl = jest.fn( async () => fakeResponse( '<html>Fatal error</html>', 500 ) ) as unknown as typeof fetch;
		const error = await createClient( REST_ROOT, 'n', fetchImpl ).get( 'overview' ).catch( ( e: unknown ) => e );
		expect( error ).toMatchObject( { code: 'http_error', status: 500, message: 'The request failed (HTTP 500).' } );
	} );

	it( 'reports a network failure as such', async () => {
		const fetchImpl = jest.fn( async () => {
			throw new TypeError( 'Failed to fetch' );
		} ) as unknown as typeof fetch;
		const error = await createClient( REST_ROOT, 'n', fetchImpl ).get( 'overview' ).catch( ( e: unknown ) => e );
		expect( error ).toMatchObject( { code: 'network_error', status: null } );
	} );

	it( 'reads the log totals from X-WP-Total headers', async () => {
		const { fetchImpl, calls } = fakeFetch( { 'GET log': json( [], 200, { 'X-WP-Total': '41', 'X-WP-TotalPages': '3' } ) } );
		const page = await createApi( createClient( REST_ROOT, 'n', fetchImpl ) ).log( { q: 'ann', page: 2, per_page: 20 } );
		expect( page ).toEqual( { items: [], total: 41, totalPages: 3 } );
		expect( calls[ 0 ]?.query.get( 'q' ) ).toBe( 'ann' );
	} );

	it( 'posts a CSV import as text/csv and answers 204 with null', async () => {
		const { fetchImpl, calls } = fakeFetch( { 'POST suppressions/import': json( { imported: 2, skipped: 0 } ), 'DELETE suppressions/sup_1': { status: 204 } } );
		const api = createApi( createClient( REST_ROOT, 'n', fetchImpl ) );
		expect( await api.importSuppressions( 'email\na@x.org\n' ) ).toEqual( { imported: 2, skipped: 0 } );
		expect( calls[ 0 ]?.headers[ 'Content-Type' ] ).toBe( 'text/csv' );
		expect( calls[ 0 ]?.body ).toBe( 'email\na@x.org\n' );
		expect( await api.removeSuppression( 'sup_1' ) ).toBeNull();
	} );
} );
