/**
 * The plugin's REST answers (docs/admin-app-api.md and includes/rest/*.php). Free text in
 * them is HTML-escaped by the plugin: pass it through decodeEntities() and render it as text.
 */
import type { DkimAlgorithm, RecipientStatus } from '@relaypress/shared-types';

export type { DkimAlgorithm, RecipientStatus };

/** WordPress's REST error body. */
export interface RestErrorBody {
	code: string;
	message: string;
	data?: { status?: number; field?: string | null; relay_code?: string; relay_status?: number | null; [ key: string ]: unknown };
}

export interface WebhookState {
	registered: boolean;
	url: string;
	registered_at: string | null;
	error: { code: string; message: string; http_status: number | null; at: string | null; retry_at: string | null } | null;
}

export interface SettingsView {
	relay_url: string;
	token_set: boolean;
	token_hint: string | null;
	token_unusable: boolean;
	from_email: string;
	from_name: string;
	force_from: boolean;
	log_retention_days: number;
	body_retention_days: number;
	keep_data: boolean;
	backup_smtp_host: string;
	backup_smtp_port: number;
	backup_smtp_encryption: 'none' | 'ssl' | 'tls';
	backup_smtp_username: string;
	backup_smtp_password_set: boolean;
	backup_after_minutes: number;
	alert_email: string;
	alert_webhook_url: string;
	/** Ask the relay for an open pixel / click tracking on every send (core account mail never). */
	track_opens: boolean;
	track_clicks: boolean;
	locked: Record< string, boolean >;
	webhook: WebhookState;
}

/** What POST /settings accepts: any subset, secrets write-only, `<secret>_clear` flags. */
export type SettingsUpdate = Partial<
	Omit< SettingsView, 'token_set' | 'token_hint' | 'token_unusable' | 'backup_smtp_password_set' | 'locked' | 'webhook' > & {
		api_token: string;
		api_token_clear: boolean;
		backup_smtp_password: string;
		backup_smtp_password_clear: boolean;
	}
>;

export type ConnectionCode = 'ok' | 'not_configured' | 'unreachable' | 'tls_error' | 'unauthorized' | 'unexpected_response';

export interface ConnectionTestResult {
	ok: boolean;
	code: ConnectionCode;
	step: 'healthz' | 'auth';
	http_status: number | null;
	message: string;
}

export interface TestEmailResult {
	sent: boolean;
	log_id: number | null;
	log_status: string | null;
	outbox_status: string | null;
	via: 'relay' | 'wordpress';
}

export const LOG_STATUSES = [ 'queued', 'sent', 'deferred', 'delivered', 'bounced', 'failed' ] as const;
export type LogStatus = ( typeof LOG_STATUSES )[ number ];

export interface LogEntry {
	id: number;
	created_at: string | null;
	updated_at: string | null;
	status: LogStatus;
	sent_via: string;
	source: string;
	from: string;
	to: string[];
	cc: string[];
	bcc: string[];
	subject: string;
	message_id_header: string;
	relay_message_id: string | null;
	has_attachments: boolean;
	attempts: number;
	last_error: string | null;
	resent_from: number | null;
}

export interface LogEvent {
	id: string;
	type: string;
	recipient: string | null;
	occurred_at: string;
	description: string;
}

export interface LogEntryDetail extends LogEntry {
	outbox_status: string | null;
	next_attempt_at: string | null;
	body: { raw: string; size: number; mail_from: string; rcpt_to: string[] } | null;
	events: LogEvent[];
}

export interface LogPage {
	items: LogEntry[];
	total: number;
	totalPages: number;
}

export interface ResendResult {
	id: number;
	ok: boolean;
	new_log_id: number | null;
	status: string | null;
	error: string | null;
	message: string | null;
}

/** GET /relay/messages/:id: the relay's attempts with each MX reply. */
export interface RelayAttempt {
	id: string | null;
	at: string | null;
	outcome: string;
	category: string;
	response: string | null;
	response_code: number | null;
	enhanced_status: string | null;
	mx_host: string | null;
	tls: boolean;
	duration_ms: number | null;
}

export interface RelayMessageDetail {
	id: string | null;
	created_at: string | null;
	subject: string | null;
	recipients: Array< {
		id: string | null;
		email: string;
		status: RecipientStatus | string;
		attempts_count: number;
		next_attempt_at: string | null;
		last_response: string | null;
		attempts: RelayAttempt[];
	} >;
	events: Array< { id: string | null; type: string; at: string | null; recipient: string | null } >;
}

export const ANALYTICS_COUNTS = [ 'queued', 'delivered', 'deferred', 'hard_bounced', 'soft_bounced', 'suppressed', 'failed', 'opened', 'clicked', 'spam_complaint', 'unsubscribed' ] as const;
export const ANALYTICS_RATES = [ 'delivery_rate', 'bounce_rate', 'open_rate', 'click_rate', 'complaint_rate', 'unsubscribe_rate' ] as const;
export type AnalyticsFigures = Record< ( typeof ANALYTICS_COUNTS )[ number ], number > & Record< ( typeof ANALYTICS_RATES )[ number ], number | null >;

export interface Analytics {
	from: string | null;
	to: string | null;
	group_by: 'day' | 'hour' | null;
	tag: string | null;
	totals: AnalyticsFigures;
	/** With `by_tag`, one row per bucket and tag. */
	data: Array< AnalyticsFigures & { bucket: string | null; tag?: string | null } >;
}

export interface Overview {
	connection: { configured: boolean; reachable: boolean; code?: string; message: string };
	webhook: Pick< WebhookState, 'registered' | 'error' >;
	outbox: { pending: number; retrying: number; failed: number };
	log_24h: { sent: number; delivered: number; bounced: number; failed: number; queued: number };
}

export type RecordStatus = 'ok' | 'missing' | 'mismatched' | 'error' | 'unknown' | 'unchecked';

export interface DnsRecord {
	purpose: string;
	name: string;
	type: 'TXT' | 'MX' | 'CNAME';
	value: string;
	priority?: number | null;
	required: boolean;
	status: RecordStatus;
	found: string[];
	message: string | null;
}

export interface DkimKey {
	selector: string;
	algorithm: DkimAlgorithm;
	state: string;
	signing: boolean;
	verified_at: string | null;
	retired_at: string | null;
	remove_record_after: string | null;
}

export interface Domain {
	id: string;
	name: string;
	status: 'pending' | 'verified' | 'failing';
	return_path: string | null;
	tracking_host: string | null;
	verified_at: string | null;
	last_checked_at: string | null;
	records: DnsRecord[];
	dkim_keys: DkimKey[];
}

export type SuppressionReason = 'hard_bounce' | 'complaint' | 'unsubscribe' | 'manual' | string;

export interface Suppression {
	id: string;
	pattern: string;
	reason: SuppressionReason;
	note: string | null;
	created_at: string | null;
}

export interface CursorPage< T > {
	data: T[];
	next_cursor: string | null;
}

export interface ImportResult {
	imported: number;
	skipped: number;
}

/** GET /woocommerce/emails: one WooCommerce email with its mapping to a relay template. */
export interface WooEmail {
	id: string;
	class: string;
	title: string;
	description: string;
	customer_email: boolean;
	manual: boolean;
	/** WooCommerce's own on/off for this email. */
	woocommerce_enabled: boolean;
	template_id: string | null;
	/** Sent as the template (false: WooCommerce's HTML, the mapping kept). */
	mapping_enabled: boolean;
}

export interface WooEmailList {
	schema_version: number;
	emails: WooEmail[];
}

/** PUT /woocommerce/emails/:id: `template_id` null or '' unmaps, absent keeps it. */
export interface WooMappingUpdate {
	template_id?: string | null;
	enabled?: boolean;
}

export interface WooMapping {
	id: string;
	template_id: string | null;
	mapping_enabled: boolean;
}

/** GET /woocommerce/templates: one of the relay's templates (escaped text), sorted by name. */
export interface WooTemplate {
	id: string;
	name: string;
	/** The starter it was installed from, or null for the store's own. */
	starter: string | null;
	active_version: number;
	updated_at: string | null;
}

export interface WooOrder {
	id: number;
	order_number: string;
	status: string;
	customer: string;
	total: string;
	date: string | null;
}

/** POST /woocommerce/emails/:id/preview: `rendered` is the relay's render, not escaped. */
export interface WooPreview {
	template_id: string;
	subject: string;
	rendered: { subject?: string; html?: string; text?: string };
	data: Record< string, unknown >;
}

export interface WooTestResult {
	sent: boolean;
	to: string;
	log_id: number | null;
	log_status: string | null;
	note: string | null;
}

export interface WooStartersResult {
	installed: number;
	skipped: number;
	mapped: Array< { id: string; template_id: string } >;
	kept: string[];
}

export interface WooVariable {
	path: string;
	type: string;
	/** `all`, `order`, `refund`, `note` or `account`. */
	emails: string;
	description: string;
}

export interface WooSchema {
	schema_version: number;
	document: string;
	variables: WooVariable[];
}
