import { SMTP_LOG_EVENTS } from './smtp/log-events.ts';

/**
 * Every stable `event` name the relay logs, with what it means. Operators alert and build
 * dashboards on these, so a name changes only together with this list; a test checks that
 * every `event:` in the sources is listed here, and docs/log-events.md is generated from it.
 * Lines about a message carry `messageId` (and `queueId` per recipient, `accountId`), the
 * ids that join the WordPress log row, the relay message and the MX reply.
 */
export const LOG_EVENTS: Record<string, string> = {
  'domain.status_changed': 'A background re-check changed a domain\'s status (`from`, `to`: pending, verified, failing); `failing` is logged as a warning.',
  'domain.recheck_failed': 'A background re-check round failed (database or DNS trouble); the next round tries again.',
  'relay.ready': 'The relay is listening; `ports` lists the bound ports, `database` the engine.',
  'relay.signal': 'SIGTERM/SIGINT received; a graceful drain starts.',
  'relay.stopped': 'The drain finished and the process is about to exit.',
  'relay.secret_key_generated': 'No RELAY_SECRET_KEY was set; one was generated into the data folder.',
  'relay.tls_reloaded': 'SIGHUP: the certificate and key files were read again; new TLS sessions use them.',
  'relay.tls_reload_failed': 'SIGHUP: the certificate or key did not load (missing, unreadable, not a pair); the previous ones stay in use.',
  'relay.tls_self_signed': 'No certificate was configured; a self-signed one is in use.',
  'relay.public_url_not_https': 'RELAY_PUBLIC_URL is not https; mailbox providers ignore one-click unsubscribe links on plain http.',
  'store.checkpoint_fallback': 'The SQLite checkpoint worker failed; checkpoints run on the main connection again.',
  'message.accepted': 'A message was committed to the queue (from SMTP or HTTP); `recipients`, `size`, `dkim` (signatures added).',
  'message.idempotent_replay': 'A POST with a known Idempotency-Key and the same body was answered from the first commit.',
  'delivery.delivered': 'A recipient was accepted by its MX (`mxHost`, `tls`, `response`).',
  'delivery.deferred': 'A temporary failure; the recipient is retried on the schedule.',
  'delivery.bounced': 'A permanent failure, or a temporary one past the maximum queue age.',
  'delivery.failed': 'The relay could not process the recipient (e.g. its message was deleted).',
  'delivery.lease_lost': 'A result arrived after another instance took the row over; it was not recorded.',
  'delivery.throttled': 'A destination domain was over its RELAY_DOMAIN_RATES allowance (or paused); the delivery was postponed without an attempt (debug level).',
  'delivery.domain_paused': 'A destination domain answered "rate limited"; it is paused (`until`) and slowed to half its rate for 10 minutes.',
  'delivery.unexpected_error': 'A delivery step threw (a relay bug); the recipient is deferred.',
  'delivery.claim_failed': 'Claiming due rows from the database failed; the worker retries.',
  'delivery.group_failed': 'A delivery group failed before recording; its rows return after the lease.',
  'delivery.leases_released': 'On shutdown, unfinished rows were handed back for another worker.',
  'suppression.added': 'A bounce during delivery suppressed its recipient (`kind`: hard, or soft past RELAY_SOFT_BOUNCE_LIMIT).',
  'suppression.add_failed': 'A bounced recipient could not be suppressed (database trouble); the next bounce of the address adds it.',
  'inbound.listening': 'The inbound (bounce and complaint) port is listening.',
  'inbound.recipient_refused': 'An inbound RCPT was not a VERP or feedback address of this relay; answered 550 5.7.1.',
  'inbound.rate_limited': 'An IP sent more than RELAY_INBOUND_RATE_LIMIT messages a minute to the inbound port; answered 451 4.7.1.',
  'inbound.too_many_connections': 'An IP had RELAY_INBOUND_MAX_CONNECTIONS_PER_IP connections open already; answered 421 4.7.0.',
  'inbound.message_too_large': 'An inbound report exceeded RELAY_INBOUND_MAX_MESSAGE_SIZE; answered 552 5.3.4.',
  'inbound.report_recorded': 'A DSN or free-text bounce was joined to its message; `recorded` bounce events, `suppressed` addresses.',
  'inbound.complaint_recorded': 'An ARF complaint was joined to its message and the recipient suppressed (`duplicate` when already recorded).',
  'inbound.recipient_unmatched': 'A report named a recipient the message did not have; that part was ignored.',
  'inbound.dropped': 'An inbound message was accepted and dropped (`reason`: not a report, unknown or expired message, delay notice, ...).',
  'inbound.error': 'Checking a recipient or recording a report failed (database trouble); the sender was told to retry (451).',
  'inbound.connection_error': 'A socket error on the inbound port (usually the peer went away).',
  'webhook.retry': 'A webhook delivery failed (`error`); it is retried on RELAY_WEBHOOK_RETRY_SCHEDULE.',
  'webhook.gave_up': 'A webhook delivery failed for RELAY_WEBHOOK_MAX_AGE and was given up.',
  'webhook.endpoint_disabled': 'A webhook endpoint had no successful delivery for the whole retry period and was disabled (the account re-enables it).',
  'webhook.error': 'The webhook loop failed unexpectedly (database trouble); it runs again shortly.',
  'retention.purged': 'Retention emptied old message bodies (`bodies`) and deleted old finished messages (`messages`, `events`).',
  'retention.failed': 'A retention round failed (database trouble); the next round tries again.',
  'unsubscribe.recorded': 'A recipient unsubscribed through its one-click link: the address is suppressed for the account (`suppressionCreated` false when it already was) and an `unsubscribed` event recorded (`messageId`, `queueId`, `accountId`).',
  'unsubscribe.invalid_token': 'An unsubscribe link with a malformed or forged token was refused (404); nothing was read or written.',
  'unsubscribe.gone': 'A valid unsubscribe link whose recipient row no longer exists (the message was deleted); answered 410.',
  'unsubscribe.failed': 'An unsubscribe request failed unexpectedly (database); answered 500, nothing half-written. Logged without the link or the address.',
  'http.internal_error': 'An HTTP request failed unexpectedly and was answered 500.',
  [SMTP_LOG_EVENTS.listening]: 'A submission port is listening (`mode`, `port`).',
  [SMTP_LOG_EVENTS.connected]: 'An SMTP client connected (`cid`, `remoteIp`).',
  [SMTP_LOG_EVENTS.closed]: 'An SMTP connection closed.',
  [SMTP_LOG_EVENTS.trustedNetwork]: 'The client is in a trusted network of an account (`accountId`, `network`): it sends as that account without AUTH.',
  [SMTP_LOG_EVENTS.trustedNetworkError]: 'Looking up trusted networks failed (database); the client got 421 4.3.0 at connect.',
  [SMTP_LOG_EVENTS.authSucceeded]: 'SMTP AUTH succeeded (`accountId`).',
  [SMTP_LOG_EVENTS.authFailed]: 'SMTP AUTH failed (wrong credentials); the next failure is slower.',
  [SMTP_LOG_EVENTS.authLockedOut]: 'Too many failures from one address; AUTH is refused with 421 until the window passes.',
  [SMTP_LOG_EVENTS.authError]: 'The credential check itself failed (database); the client got 454.',
  [SMTP_LOG_EVENTS.senderRefused]: 'MAIL FROM at a domain the account does not own (553 5.7.1).',
  [SMTP_LOG_EVENTS.senderCheckError]: 'The sender check failed (database); the client got 451.',
  [SMTP_LOG_EVENTS.messageAccepted]: 'DATA committed and answered 250 (`messageId`).',
  [SMTP_LOG_EVENTS.messageRejected]: 'DATA refused with a permanent or policy reply (bare LF/CR, size, sender).',
  [SMTP_LOG_EVENTS.acceptError]: 'Committing DATA failed unexpectedly; the client got 451 and retries.',
  [SMTP_LOG_EVENTS.dataAborted]: 'The client vanished during DATA; nothing was stored.',
  [SMTP_LOG_EVENTS.deadlineExpired]: 'A command or DATA transfer took longer than its deadline; 421 and disconnect.',
  [SMTP_LOG_EVENTS.protocolError]: 'The client broke the protocol (too long a line, pipelining after STARTTLS…).',
  [SMTP_LOG_EVENTS.connectionError]: 'A socket error on an SMTP connection (reset, TLS failure).',
};

/** docs/log-events.md, generated from LOG_EVENTS. */
export function logEventsDocument(): string {
  const rows = Object.entries(LOG_EVENTS).map(([name, meaning]) => `| \`${name}\` | ${meaning} |`);
  return `# Relay log events

<!-- Generated from relay-service/src/log-events.ts by \`npm run docs:config\`; do not edit by hand. -->

The relay logs JSON lines (pino). Each line has \`event\`, one of the stable names below, and
ids: \`messageId\`, \`queueId\` (one per recipient) and \`accountId\` on message lines, \`cid\`
and \`remoteIp\` on SMTP lines. Secrets (passwords, tokens, private keys) are never logged.

| Event | Meaning |
| --- | --- |
${rows.join('\n')}
`;
}
