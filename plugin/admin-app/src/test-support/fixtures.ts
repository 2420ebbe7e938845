import type { Domain, LogEntry, LogEntryDetail, SettingsView } from '../api/types';

export const XSS = '<img src=x onerror=alert(1)>';
/** As the plugin sends it: esc_html()'d. */
export const XSS_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';

export function settings( overrides: Partial< SettingsView > = {} ): SettingsView {
	return {
		relay_url: 'https://relay.example.com',
		token_set: true,
		token_hint: '••••abcd',
		token_unusable: false,
		from_email: 'shop@example.com',
		from_name: 'Shop',
		force_from: false,
		log_retention_days: 30,
		body_retention_days: 7,
		keep_data: false,
		backup_smtp_host: '',
		backup_smtp_port: 587,
		backup_smtp_encryption: 'tls',
		backup_smtp_username: '',
		backup_smtp_password_set: false,
		backup_after_minutes: 15,
		alert_email: '',
		alert_webhook_url: '',
		track_opens: false,
		track_clicks: false,
		locked: {},
		webhook: { registered: true, url: 'https://site.test/wp-json/relaypress/v1/webhook', registered_at: '2026-11-01T10:00:00Z', error: null },
		...overrides,
	};
}

export function logEntry( overrides: Partial< LogEntry > = {} ): LogEntry {
	return {
		id: 7,
		created_at: '2026-11-28T09:00:00Z',
		updated_at: '2026-11-28T09:01:00Z',
		status: 'delivered',
		sent_via: 'relay',
		source: 'woocommerce',
		from: 'Shop &lt;shop@example.com&gt;',
		to: [ 'ann@example.org' ],
		cc: [],
		bcc: [],
		subject: 'Your order #1001',
		message_id_header: '<abc@example.com>',
		relay_message_id: 'msg_123',
		has_attachments: false,
		attempts: 1,
		last_error: null,
		resent_from: null,
		...overrides,
	};
}

export function logDetail( overrides: Partial< LogEntryDetail > = {} ): LogEntryDetail {
	return {
		...logEntry(),
		outbox_status: 'sent',
		next_attempt_at: null,
		body: null,
		events: [ { id: 'evt_1', type: 'delivered', recipient: 'ann@example.org', occurred_at: '2026-11-28T09:01:00.000Z', description: 'Delivered: 250 2.0.0 OK' } ],
		...overrides,
	};
}

export function domain( overrides: Partial< Domain > = {} ): Domain {
	return {
		id: 'dom_1',
		name: 'example.com',
		status: 'pending',
		return_path: 'bounces.example.com',
		tracking_host: null,
		verified_at: null,
		last_checked_at: null,
		records: [
			{ purpose: 'dkim', name: 'rp1._domainkey.example.com', type: 'TXT', value: 'v=DKIM1; k=rsa; p=MIIB', required: true, status: 'missing', found: [], message: null },
			{ purpose: 'spf', name: 'example.com', type: 'TXT', value: 'v=spf1 include:relay.example.com ~all', required: true, status: 'ok', found: [ 'v=spf1 include:relay.example.com ~all' ], message: null },
		],
		dkim_keys: [ { selector: 'rp1', algorithm: 'rsa', state: 'active', signing: true, verified_at: null, retired_at: null, remove_record_after: null } ],
		...overrides,
	};
}
