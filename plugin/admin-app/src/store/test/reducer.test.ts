import { initialState, MAX_NOTICES, parseRoute, reducer, routeHash } from '../reducer';
import { settings } from '../../test-support/fixtures';

const start = initialState( { screen: 'overview', id: null } );

describe( 'routes', () => {
	it( 'reads a screen and an item id from the hash', () => {
		expect( parseRoute( '#/activity/42' ) ).toEqual( { screen: 'activity', id: '42' } );
		expect( parseRoute( '#/domains' ) ).toEqual( { screen: 'domains', id: null } );
	} );

	it( 'rejects unknown screens and an empty hash', () => {
		expect( parseRoute( '#/nope' ) ).toBeNull();
		expect( parseRoute( '' ) ).toBeNull();
	} );

	it( 'writes a hash that reads back the same', () => {
		const hash = routeHash( { screen: 'domains', id: 'dom 1/x' } );
		expect( parseRoute( hash ) ).toEqual( { screen: 'domains', id: 'dom 1/x' } );
	} );

	it( 'keeps the same state object when the route did not change', () => {
		expect( reducer( start, { type: 'route', route: { screen: 'overview', id: null } } ) ).toBe( start );
		expect( reducer( start, { type: 'route', route: { screen: 'settings', id: null } } ).route.screen ).toBe( 'settings' );
	} );

	it( 'clears notices when moving to another screen, keeps them within one', () => {
		const withNotice = reducer( start, { type: 'notice/add', status: 'success', message: 'Saved' } );
		expect( reducer( withNotice, { type: 'route', route: { screen: 'settings', id: null } } ).notices ).toEqual( [] );
		const detail = reducer( withNotice, { type: 'route', route: { screen: 'overview', id: 'x' } } );
		expect( detail.notices ).toHaveLength( 1 );
	} );
} );

describe( 'notices', () => {
	it( 'adds notices with increasing ids and removes them by id', () => {
		let state = reducer( start, { type: 'notice/add', status: 'success', message: 'Saved' } );
		state = reducer( state, { type: 'notice/add', status: 'error', message: 'Failed' } );
		expect( state.notices.map( ( n ) => [ n.id, n.status, n.message ] ) ).toEqual( [
			[ 1, 'success', 'Saved' ],
			[ 2, 'error', 'Failed' ],
		] );
		state = reducer( state, { type: 'notice/remove', id: 1 } );
		expect( state.notices.map( ( n ) => n.message ) ).toEqual( [ 'Failed' ] );
	} );

	it( 'replaces a repeated message instead of stacking it', () => {
		let state = reducer( start, { type: 'notice/add', status: 'error', message: 'Relay down' } );
		state = reducer( state, { type: 'notice/add', status: 'error', message: 'Relay down' } );
		expect( state.notices ).toHaveLength( 1 );
		expect( state.notices[ 0 ]?.id ).toBe( 2 );
	} );

	it( `keeps at most ${ MAX_NOTICES }, dropping the oldest`, () => {
		let state = start;
		for ( let i = 1; i <= MAX_NOTICES + 2; i++ ) {
			state = reducer( state, { type: 'notice/add', status: 'info', message: `n${ i }` } );
		}
		expect( state.notices.map( ( n ) => n.message ) ).toEqual( [ 'n3', 'n4', 'n5' ] );
	} );
} );

describe( 'settings', () => {
	it( 'goes from loading to ready or error', () => {
		const loading = reducer( start, { type: 'settings/loading' } );
		expect( loading.settings ).toEqual( { status: 'loading' } );
		const ready = reducer( loading, { type: 'settings/loaded', settings: settings() } );
		expect( ready.settings.status ).toBe( 'ready' );
		expect( reducer( loading, { type: 'settings/failed', message: 'nope' } ).settings ).toEqual( { status: 'error', message: 'nope' } );
	} );
} );
