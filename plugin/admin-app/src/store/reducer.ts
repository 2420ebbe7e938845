/**
 * The app's small shared state: where the user is, the notices on screen, and the plugin
 * settings (the wizard, the settings screen and the navigation all read them). Screen data
 * lives in the screens (useResource), since no other screen needs it.
 */
import type { SettingsView } from '../api/types';

export const SCREENS = [ 'setup', 'overview', 'activity', 'domains', 'suppressions', 'woocommerce', 'settings' ] as const;
export type Screen = ( typeof SCREENS )[ number ];

export interface Route {
	screen: Screen;
	/** The item in view (`#/activity/42` → `'42'`), if any. */
	id: string | null;
}

export interface AppNotice {
	id: number;
	status: 'success' | 'error' | 'warning' | 'info';
	message: string;
}

export type Loadable< T > = { status: 'idle' | 'loading' } | { status: 'ready'; value: T } | { status: 'error'; message: string };

export interface AppState {
	route: Route;
	notices: AppNotice[];
	nextNoticeId: number;
	settings: Loadable< SettingsView >;
}

export type Action =
	| { type: 'route'; route: Route }
	| { type: 'notice/add'; status: AppNotice[ 'status' ]; message: string }
	| { type: 'notice/remove'; id: number }
	| { type: 'settings/loading' }
	| { type: 'settings/loaded'; settings: SettingsView }
	| { type: 'settings/failed'; message: string };

/** Notices kept on screen at once: the oldest go first. */
export const MAX_NOTICES = 3;

export function parseRoute( hash: string ): Route | null {
	const [ screen, id ] = hash.replace( /^#\/?/, '' ).split( '/' );
	if ( ! screen || ! ( SCREENS as readonly string[] ).includes( screen ) ) {
		return null;
	}
	return { screen: screen as Screen, id: id ? decodeURIComponent( id ) : null };
}

export function routeHash( route: { screen: Screen; id?: string | number | null } ): string {
	return `#/${ route.screen }${ route.id !== undefined && route.id !== null ? `/${ encodeURIComponent( String( route.id ) ) }` : '' }`;
}

export function initialState( route: Route ): AppState {
	return { route, notices: [], nextNoticeId: 1, settings: { status: 'idle' } };
}

export function reducer( state: AppState, action: Action ): AppState {
	switch ( action.type ) {
		case 'route': {
			if ( state.route.screen === action.route.screen && state.route.id === action.route.id ) return state;
			// Notices belong to the screen that raised them: moving to another one clears them.
			const notices = state.route.screen === action.route.screen ? state.notices : [];
			return { ...state, route: action.route, notices };
		}
		case 'notice/add': {
			const notice: AppNotice = { id: state.nextNoticeId, status: action.status, message: action.message };
			// The same message again replaces the old one instead of stacking up.
			const others = state.notices.filter( ( n ) => n.message !== action.message );
			return { ...state, notices: [ ...others, notice ].slice( -MAX_NOTICES ), nextNoticeId: state.nextNoticeId + 1 };
		}
		case 'notice/remove':
			return { ...state, notices: state.notices.filter( ( n ) => n.id !== action.id ) };
		case 'settings/loading':
			return { ...state, settings: { status: 'loading' } };
		case 'settings/loaded':
			return { ...state, settings: { status: 'ready', value: action.settings } };
		case 'settings/failed':
			return { ...state, settings: { status: 'error', message: action.message } };
		default:
			return state;
	}
}
