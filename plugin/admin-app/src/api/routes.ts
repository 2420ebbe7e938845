/**
 * One typed function per plugin route the app uses (docs/admin-app-api.md).
 */
import type { Client } from './client';
import type {
	Analytics,
	ConnectionTestResult,
	CursorPage,
	DkimAlgorithm,
	DkimKey,
	Domain,
	ImportResult,
	LogEntry,
	LogEntryDetail,
	LogPage,
	LogStatus,
	Overview,
	RelayMessageDetail,
	ResendResult,
	SettingsUpdate,
	SettingsView,
	Suppression,
	TestEmailResult,
	WooEmailList,
	WooMapping,
	WooMappingUpdate,
	WooOrder,
	WooPreview,
	WooSchema,
	WooStartersResult,
	WooTemplate,
	WooTestResult,
} from './types';

export interface LogQuery {
	q?: string;
	status?: LogStatus | '';
	page?: number;
	per_page?: number;
}

const id = ( value: string | number ) => encodeURIComponent( String( value ) );

export function createApi( client: Client ) {
	return {
		settings: () => client.get< SettingsView >( 'settings' ),
		saveSettings: ( update: SettingsUpdate ) => client.post< SettingsView >( 'settings', update ),
		testConnection: () => client.post< ConnectionTestResult >( 'connection-test' ),
		sendTestEmail: ( to: string ) => client.post< TestEmailResult >( 'test-email', { to } ),
		registerWebhook: () => client.post< { ok: boolean; code: string; message: string } >( 'webhook-registration' ),

		log: async ( query: LogQuery ): Promise< LogPage > => {
			const { data, headers } = await client.request< LogEntry[] >( 'GET', 'log', { query: { ...query } } );
			return {
				items: data,
				total: Number( headers.get( 'X-WP-Total' ) ?? data.length ),
				totalPages: Number( headers.get( 'X-WP-TotalPages' ) ?? 1 ),
			};
		},
		logEntry: ( entryId: number ) => client.get< LogEntryDetail >( `log/${ id( entryId ) }` ),
		resend: async ( ids: number[] ) => ( await client.post< { results: ResendResult[] } >( 'log/resend', { ids } ) ).results,
		relayMessage: ( messageId: string ) => client.get< RelayMessageDetail >( `relay/messages/${ id( messageId ) }` ),

		overview: () => client.get< Overview >( 'overview' ),
		analytics: ( query: { from?: string; to?: string; group_by?: 'day' | 'hour'; by_tag?: boolean } ) => client.get< Analytics >( 'analytics', query ),

		domains: async () => ( await client.get< { data: Domain[] } >( 'domains' ) ).data,
		domain: ( domainId: string ) => client.get< Domain >( `domains/${ id( domainId ) }` ),
		addDomain: ( domain: string ) => client.post< Domain >( 'domains', { domain } ),
		verifyDomain: ( domainId: string ) => client.post< Domain >( `domains/${ id( domainId ) }/verify` ),
		rotateDkimKey: ( domainId: string, algorithm: DkimAlgorithm ) => client.post< DkimKey >( `domains/${ id( domainId ) }/dkim-keys`, { algorithm } ),
		activateDkimKey: ( domainId: string, selector: string ) => client.post< Domain >( `domains/${ id( domainId ) }/dkim-keys/${ id( selector ) }/activate` ),
		removeDkimKey: ( domainId: string, selector: string ) => client.del( `domains/${ id( domainId ) }/dkim-keys/${ id( selector ) }` ),

		suppressions: ( query: { search?: string; limit?: number; cursor?: string | null } ) => client.get< CursorPage< Suppression > >( 'suppressions', query ),
		addSuppression: ( email: string, note?: string ) => client.post< Suppression >( 'suppressions', { email, reason: 'manual', ...( note ? { note } : {} ) } ),
		removeSuppression: ( suppressionId: string ) => client.del( `suppressions/${ id( suppressionId ) }` ),
		exportSuppressions: async () => ( await client.request< string >( 'GET', 'suppressions/export', { text: true } ) ).data,
		importSuppressions: async ( csv: string ) => ( await client.request< ImportResult >( 'POST', 'suppressions/import', { body: csv, contentType: 'text/csv' } ) ).data,

		wooEmails: () => client.get< WooEmailList >( 'woocommerce/emails' ),
		mapWooEmail: async ( emailId: string, update: WooMappingUpdate ) => ( await client.request< WooMapping >( 'PUT', `woocommerce/emails/${ id( emailId ) }`, { body: update } ) ).data,
		previewWooEmail: ( emailId: string, orderId?: number | null, templateId?: string | null ) =>
			client.post< WooPreview >( `woocommerce/emails/${ id( emailId ) }/preview`, { ...( orderId ? { order_id: orderId } : {} ), ...( templateId ? { template_id: templateId } : {} ) } ),
		wooTemplates: async () => ( await client.get< { templates: WooTemplate[] } >( 'woocommerce/templates' ) ).templates,
		sendWooTest: ( emailId: string, orderId?: number | null ) => client.post< WooTestResult >( `woocommerce/emails/${ id( emailId ) }/test`, orderId ? { order_id: orderId } : {} ),
		wooOrders: async () => ( await client.get< { orders: WooOrder[] } >( 'woocommerce/orders' ) ).orders,
		installWooStarters: () => client.post< WooStartersResult >( 'woocommerce/starters' ),
		wooSchema: () => client.get< WooSchema >( 'woocommerce/schema' ),
	};
}

export type Api = ReturnType< typeof createApi >;
