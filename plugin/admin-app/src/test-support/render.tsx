/**
 * Renders a screen inside the store with a fake fetch that answers by "METHOD route".
 */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';

import { createClient } from '../api/client';
import { createApi } from '../api/routes';
import { Notices } from '../components/notices';
import { StoreProvider } from '../store';

export const REST_ROOT = 'http://site.test/wp-json/relaypress/v1/';

export interface FakeCall {
	method: string;
	route: string;
	query: URLSearchParams;
	headers: Record< string, string >;
	body: string | undefined;
}

type Answer = { status?: number; body?: unknown; headers?: Record< string, string > } | Promise< never >;
export type Routes = Record< string, Answer | ( ( call: FakeCall ) => Answer ) >;

export function json( body: unknown, status = 200, headers: Record< string, string > = {} ): Answer {
	return { status, body, headers };
}

export function restError( status: number, code: string, message: string, extra: Record< string, unknown > = {} ): Answer {
	return { status, body: { code, message, data: { status, ...extra } } };
}

/** A fetch that never answers: the screen stays loading. */
export const pending = (): Answer => new Promise< never >( () => {} );

/** jsdom has no fetch Response: the part of it the client reads. */
export function fakeResponse( body: string | null, status = 200, headers: Record< string, string > = {} ): Response {
	return {
		ok: status >= 200 && status < 300,
		status,
		headers: new Headers( headers ),
		json: async () => JSON.parse( body ?? '' ),
		text: async () => body ?? '',
	} as unknown as Response;
}

export function fakeFetch( routes: Routes ) {
	const calls: FakeCall[] = [];
	const fetchImpl = jest.fn( async ( input: RequestInfo | URL, init?: RequestInit ) => {
		const url = new URL( String( input ) );
		const route = url.pathname.replace( '/wp-json/relaypress/v1/', '' );
		const call: FakeCall = { method: init?.method ?? 'GET', route, query: url.searchParams, headers: ( init?.headers ?? {} ) as Record< string, string >, body: init?.body as string | undefined };
		calls.push( call );
		const handler = routes[ `${ call.method } ${ route }` ];
		if ( ! handler ) {
			return fakeResponse( JSON.stringify( { code: 'rest_no_route', message: `No route ${ call.method } ${ route }`, data: { status: 404 } } ), 404 );
		}
		const answer = await ( typeof handler === 'function' ? handler( call ) : handler );
		const status = answer.status ?? 200;
		return fakeResponse( status === 204 ? null : typeof answer.body === 'string' ? answer.body : JSON.stringify( answer.body ?? null ), status, { 'Content-Type': 'application/json', ...answer.headers } );
	} );
	return { fetchImpl: fetchImpl as unknown as typeof fetch, calls };
}

export function renderApp( ui: ReactElement, routes: Routes, { hash = '' }: { hash?: string } = {} ) {
	window.location.hash = hash;
	const { fetchImpl, calls } = fakeFetch( routes );
	const api = createApi( createClient( REST_ROOT, 'nonce-123', fetchImpl ) );
	const result = render(
		<StoreProvider api={ api } adminEmail="admin@site.test" locale="en_US">
			<Notices />
			{ ui }
		</StoreProvider>
	);
	return { ...result, calls };
}
