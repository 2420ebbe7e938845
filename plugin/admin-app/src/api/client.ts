/**
 * fetch() against the plugin's REST routes, with the REST nonce; every failure becomes an
 * ApiError carrying WordPress's error code, the HTTP status and a message fit to show.
 */
import { __, sprintf } from '@wordpress/i18n';

import { decodeEntities } from '../text';
import type { RestErrorBody } from './types';

export class ApiError extends Error {
	readonly code: string;
	readonly status: number | null;
	readonly field: string | null;

	constructor( message: string, code: string, status: number | null, field: string | null = null ) {
		super( message );
		this.name = 'ApiError';
		this.code = code;
		this.status = status;
		this.field = field;
	}
}

export type Query = Record< string, string | number | boolean | null | undefined >;

export interface RequestOptions {
	query?: Query;
	/** JSON-encoded unless it is a string (sent as is, with `contentType`). */
	body?: unknown;
	contentType?: string;
	/** Answer as text (CSV) instead of JSON. */
	text?: boolean;
}

export interface Client {
	request< T >( method: string, path: string, options?: RequestOptions ): Promise< { data: T; headers: Headers } >;
	get< T >( path: string, query?: Query ): Promise< T >;
	post< T >( path: string, body?: unknown ): Promise< T >;
	del< T = null >( path: string ): Promise< T >;
	/** The nonce in use (it is refreshed from X-WP-Nonce answers). */
	nonce(): string;
}

/**
 * `restRoot` is rest_url(): with pretty permalinks `…/wp-json/relaypress/v1/`, without them
 * `…/?rest_route=/relaypress/v1/`; the query string is joined accordingly.
 */
export function buildUrl( restRoot: string, path: string, query: Query = {} ): string {
	const root = restRoot.endsWith( '/' ) ? restRoot : `${ restRoot }/`;
	let url = root + path.replace( /^\/+/, '' );
	const params = new URLSearchParams();
	for ( const [ key, value ] of Object.entries( query ) ) {
		if ( value !== undefined && value !== null && value !== '' ) {
			params.append( key, String( value ) );
		}
	}
	const search = params.toString();
	if ( search ) {
		url += ( url.includes( '?' ) ? '&' : '?' ) + search;
	}
	return url;
}

/** The message to show for a failed request. */
export function errorMessage( error: unknown ): string {
	if ( error instanceof ApiError || error instanceof Error ) {
		return error.message;
	}
	return __( 'Something went wrong.', 'relaypress' );
}

const MESSAGES_BY_CODE: Record< string, () => string > = {
	rest_cookie_invalid_nonce: () => __( 'Your session has expired. Reload the page and try again.', 'relaypress' ),
	rest_forbidden: () => __( 'You are not allowed to manage RelayPress.', 'relaypress' ),
	relaypress_relay_not_configured: () => __( 'RelayPress is not connected to a relay yet. Open the setup wizard to connect it.', 'relaypress' ),
	relaypress_relay_unreachable: () => __( 'The relay did not answer. Check that it is running and reachable from this site.', 'relaypress' ),
};

async function failure( response: Response ): Promise< ApiError > {
	let body: Partial< RestErrorBody > | null = null;
	try {
		body = ( await response.json() ) as Partial< RestErrorBody >;
	} catch {
		body = null;
	}
	const code = typeof body?.code === 'string' ? body.code : 'http_error';
	const field = typeof body?.data?.field === 'string' ? decodeEntities( body.data.field ) : null;
	const known = MESSAGES_BY_CODE[ code ];
	let message: string;
	if ( typeof body?.message === 'string' && body.message !== '' ) {
		message = decodeEntities( body.message );
		if ( known && code.startsWith( 'rest_' ) ) {
			message = known();
		}
	} else if ( known ) {
		message = known();
	} else {
		/* translators: %d: HTTP status code */
		message = sprintf( __( 'The request failed (HTTP %d).', 'relaypress' ), response.status );
	}
	return new ApiError( message, code, response.status, field );
}

export function createClient( restRoot: string, initialNonce: string, fetchImpl: typeof fetch = ( ...args ) => window.fetch( ...args ) ): Client {
	let nonce = initialNonce;

	async function request< T >( method: string, path: string, options: RequestOptions = {} ): Promise< { data: T; headers: Headers } > {
		const headers: Record< string, string > = { Accept: options.text ? 'text/csv, */*' : 'application/json' };
		if ( nonce ) {
			headers[ 'X-WP-Nonce' ] = nonce;
		}
		let body: string | undefined;
		if ( options.body !== undefined ) {
			const isText = typeof options.body === 'string';
			body = isText ? ( options.body as string ) : JSON.stringify( options.body );
			headers[ 'Content-Type' ] = options.contentType ?? ( isText ? 'text/plain' : 'application/json' );
		}
		let response: Response;
		try {
			response = await fetchImpl( buildUrl( restRoot, path, options.query ), { method, headers, body, credentials: 'same-origin' } );
		} catch {
			throw new ApiError( __( 'Could not reach this WordPress site. Check your network connection.', 'relaypress' ), 'network_error', null );
		}
		const renewed = response.headers.get( 'X-WP-Nonce' );
		if ( renewed ) {
			nonce = renewed;
		}
		if ( ! response.ok ) {
			throw await failure( response );
		}
		if ( response.status === 204 ) {
			return { data: null as T, headers: response.headers };
		}
		if ( options.text ) {
			return { data: ( await response.text() ) as T, headers: response.headers };
		}
		try {
			return { data: ( await response.json() ) as T, headers: response.headers };
		} catch {
			throw new ApiError( __( 'WordPress answered with something that is not JSON. A plugin may be printing errors; check the PHP error log.', 'relaypress' ), 'invalid_json', response.status );
		}
	}

	return {
		request,
		get: async ( path, query ) => ( await request( 'GET', path, { query } ) ).data,
		post: async ( path, body ) => ( await request( 'POST', path, { body: body ?? {} } ) ).data,
		del: async ( path ) => ( await request( 'DELETE', path ) ).data,
		nonce: () => nonce,
	} as Client;
}
