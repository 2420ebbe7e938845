/**
 * The store as React context: state + dispatch, the API, and a few helpers screens use.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ReactNode } from 'react';

import { errorMessage } from '../api/client';
import type { Api } from '../api/routes';
import type { SettingsView } from '../api/types';
import { initialState, parseRoute, reducer, routeHash } from './reducer';
import type { Action, AppNotice, AppState, Route, Screen } from './reducer';

export * from './reducer';

interface StoreValue {
	state: AppState;
	dispatch: ( action: Action ) => void;
	api: Api;
	adminEmail: string;
	locale: string;
}

const StoreContext = createContext< StoreValue | null >( null );

interface ProviderProps {
	api: Api;
	adminEmail?: string;
	locale?: string;
	children: ReactNode;
}

const FALLBACK_ROUTE: Route = { screen: 'overview', id: null };

export function StoreProvider( { api, adminEmail = '', locale = 'en_US', children }: ProviderProps ) {
	const [ state, dispatch ] = useReducer( reducer, undefined, () => initialState( parseRoute( window.location.hash ) ?? FALLBACK_ROUTE ) );

	useEffect( () => {
		const onHashChange = () => {
			const route = parseRoute( window.location.hash );
			if ( route ) {
				dispatch( { type: 'route', route } );
			}
		};
		window.addEventListener( 'hashchange', onHashChange );
		return () => window.removeEventListener( 'hashchange', onHashChange );
	}, [] );

	const value = useMemo( () => ( { state, dispatch, api, adminEmail, locale } ), [ state, api, adminEmail, locale ] );
	return <StoreContext.Provider value={ value }>{ children }</StoreContext.Provider>;
}

export function useStore(): StoreValue {
	const store = useContext( StoreContext );
	if ( ! store ) {
		throw new Error( 'useStore() outside <StoreProvider>' );
	}
	return store;
}

export function useApi(): Api {
	return useStore().api;
}

export function useNotify() {
	const { dispatch } = useStore();
	return useMemo(
		() => ( {
			success: ( message: string ) => dispatch( { type: 'notice/add', status: 'success', message } ),
			error: ( error: unknown ) => dispatch( { type: 'notice/add', status: 'error', message: errorMessage( error ) } ),
			remove: ( id: AppNotice[ 'id' ] ) => dispatch( { type: 'notice/remove', id } ),
		} ),
		[ dispatch ]
	);
}

/**
 * One action at a time on a screen: `busy` names the running one (its button shows busy, the
 * others are disabled); a failure becomes an error notice.
 */
export function useBusyAction() {
	const notify = useNotify();
	const [ busy, setBusy ] = useState< string | null >( null );
	const run = useCallback(
		async ( what: string, action: () => Promise< void > ) => {
			setBusy( what );
			try {
				await action();
			} catch ( error ) {
				notify.error( error );
			} finally {
				setBusy( null );
			}
		},
		[ notify ]
	);
	return { busy, run };
}

/** Navigates by changing the hash (no reload); the hashchange listener updates the route. */
export function navigate( screen: Screen, id?: string | number | null ): void {
	const hash = routeHash( { screen, id } );
	if ( window.location.hash !== hash ) {
		window.location.hash = hash;
	}
}

/** The settings, loaded once and shared; `reload` after a change made elsewhere. */
export function useSettings() {
	const { state, dispatch, api } = useStore();
	const reload = useCallback( async (): Promise< SettingsView | null > => {
		dispatch( { type: 'settings/loading' } );
		try {
			const settings = await api.settings();
			dispatch( { type: 'settings/loaded', settings } );
			return settings;
		} catch ( error ) {
			dispatch( { type: 'settings/failed', message: errorMessage( error ) } );
			return null;
		}
	}, [ api, dispatch ] );
	useEffect( () => {
		if ( state.settings.status === 'idle' ) {
			void reload();
		}
	}, [ state.settings.status, reload ] );
	const replace = useCallback( ( settings: SettingsView ) => dispatch( { type: 'settings/loaded', settings } ), [ dispatch ] );
	return { settings: state.settings, reload, replace };
}

export type Resource< T > = { status: 'loading'; data: T | null } | { status: 'ready'; data: T } | { status: 'error'; data: T | null; message: string };

/**
 * Loads data for a screen; answers that arrive after the inputs changed are dropped, so a
 * slow older search never overwrites a newer one.
 */
export function useResource< T >( load: () => Promise< T >, deps: unknown[] ): Resource< T > & { reload: () => void; set: ( data: T ) => void } {
	const [ resource, setResource ] = useState< Resource< T > >( { status: 'loading', data: null } );
	const [ generation, setGeneration ] = useState( 0 );
	const latest = useRef( 0 );
	useEffect( () => {
		const ticket = ++latest.current;
		setResource( ( previous ) => ( { status: 'loading', data: previous.data } ) );
		load().then(
			( data ) => ticket === latest.current && setResource( { status: 'ready', data } ),
			( error: unknown ) => ticket === latest.current && setResource( ( previous ) => ( { status: 'error', data: previous.data, message: errorMessage( error ) } ) )
		);
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ ...deps, generation ] );
	const reload = useCallback( () => setGeneration( ( g ) => g + 1 ), [] );
	const set = useCallback( ( data: T ) => setResource( { status: 'ready', data } ), [] );
	return { ...resource, reload, set };
}
