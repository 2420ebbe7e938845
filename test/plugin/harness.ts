import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRelayProcess, type RelayProcess } from '../support/relay-process.ts';
import { createWordPressSite, SITE_HOST, type WordPressSite } from '../support/wordpress-site.ts';
import { waitUntil } from '../support/wait.ts';
import { startSmtpSink, type ReceivedMessage, type SmtpSink } from '../../relay-service/test/helpers/smtp-sink.ts';
import { startDnsServer, type TestDnsServer } from '../../relay-service/test/helpers/dns-server.ts';
import { provisionAccount, api, ADMIN_TOKEN, type ProvisionedAccount } from '../../relay-service/test/helpers/relay.ts';

/**
 * What the WordPress end-to-end tests share: a sink MX reached through a real DNS server, the
 * relay as a process provisioned for the site's mail domain (example.test, RSA DKIM), and a
 * WordPress with RelayPress configured by wp-config.php constants plus an observer mu-plugin.
 */

/** Recipient domains the DNS server routes to the sink (MX → mx.sink.test → 127.0.0.1). */
export const MAIL_DOMAINS = [SITE_HOST, 'example.org', 'example.net', 'example.com'];

export interface MailWorld {
  sink: SmtpSink;
  dns: TestDnsServer;
  relay: RelayProcess;
  account: ProvisionedAccount;
  /** DKIM DNS name → TXT value, for dkimpy. */
  dkimZone: Record<string, string>;
  /** SIGTERM and wait for the exit. */
  stopRelay(): Promise<void>;
  /** Starts the relay again on the same data dir and HTTP port (the site's URL stays valid). */
  startRelayAgain(): Promise<void>;
  close(): Promise<void>;
}

export interface MailWorldOptions {
  /**
   * 'none': the account is not a sandbox and has no sending domain; the test adds example.test
   * and verifies it the way a user does (the setup wizard). Default: example.test with an RSA
   * DKIM key published, on a sandbox account.
   */
  siteDomain?: 'provisioned' | 'none';
}

export async function startMailWorld(options: MailWorldOptions = {}): Promise<MailWorld> {
  const sink = await startSmtpSink();
  const zone: Record<string, { MX?: { exchange: string; priority: number }[]; A?: string[]; TXT?: string[] }> = { 'mx.sink.test': { A: ['127.0.0.1'] } };
  for (const domain of MAIL_DOMAINS) zone[domain] = { MX: [{ exchange: 'mx.sink.test', priority: 10 }] };
  const dns = await startDnsServer(zone);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relaypress-e2e-relay-'));
  const env: Record<string, string> = {
    RELAY_DATA_DIR: dataDir,
    RELAY_HTTP_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0',
    RELAY_SMTP_HOST: '127.0.0.1', RELAY_SUBMISSION_PORT: '', RELAY_SMTPS_PORT: '', RELAY_INBOUND_PORT: '',
    RELAY_HOSTNAME: 'relay.test',
    RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
    RELAY_DNS_SERVERS: dns.address,
    RELAY_MX_PORT: String(sink.port),
    RELAY_RETRY_SCHEDULE: '1s',
    // WordPress runs next to the relay on loopback: its webhook receiver is a private address.
    RELAY_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    RELAY_WEBHOOK_RETRY_SCHEDULE: '500ms',
  };
  let relay: RelayProcess;
  try {
    relay = await startRelayProcess(env);
    env.RELAY_HTTP_PORT = String(relay.ports.http);
  } catch (err) {
    await sink.close();
    await dns.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const world: MailWorld = {
    sink,
    dns,
    get relay() {
      return relay;
    },
    account: undefined as unknown as ProvisionedAccount,
    dkimZone: {},
    async stopRelay() {
      await relay.kill('SIGTERM');
    },
    async startRelayAgain() {
      relay = await startRelayProcess(env);
    },
    async close() {
      await relay.kill('SIGTERM');
      await sink.close();
      await dns.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    world.account = options.siteDomain === 'none'
      ? await provisionAccount(relay.baseUrl, null, { sandbox: false })
      : await provisionAccount(relay.baseUrl, SITE_HOST, { dkim: ['rsa'] });
    for (const key of world.account.dkim) {
      world.dkimZone[key.dns_record.name] = key.dns_record.value;
      dns.setName(key.dns_record.name, { TXT: [key.dns_record.value] });
    }
  } catch (err) {
    await world.close();
    throw err;
  }
  return world;
}

/** Records, one JSON line each, what the site did: cron runs, relay attempts, wp_mail hooks. */
const OBSERVER = String.raw`<?php
function relaypress_e2e_record( array $event ): void {
	$event['at'] = microtime( true );
	file_put_contents( RELAYPRESS_E2E_EVENTS, wp_json_encode( $event ) . "\n", FILE_APPEND | LOCK_EX );
}
add_action( 'relaypress_process_outbox', function () {
	relaypress_e2e_record( array( 'type' => 'cron_run' ) );
}, 0 );
add_action( 'relaypress_delivery_attempted', function ( $result, $row, $attempts ) {
	relaypress_e2e_record( array(
		'type'             => 'attempt',
		'outbox_id'        => (int) $row['id'],
		'attempts'         => (int) $attempts,
		'kind'             => $result->kind,
		'http_status'      => $result->http_status,
		'message'          => $result->describe(),
		'relay_message_id' => $result->relay_message_id,
	) );
}, 10, 3 );
add_filter( 'wp_mail', function ( $atts ) {
	relaypress_e2e_record( array( 'type' => 'wp_mail_called', 'subject' => $atts['subject'] ) );
	return $atts;
}, 0 );
add_action( 'wp_mail_failed', function ( $error ) {
	relaypress_e2e_record( array( 'type' => 'wp_mail_failed', 'message' => $error->get_error_message(), 'data' => $error->get_error_data() ) );
} );
add_action( 'wp_mail_succeeded', function ( $data ) {
	relaypress_e2e_record( array( 'type' => 'wp_mail_succeeded', 'to' => $data['to'], 'subject' => $data['subject'] ) );
} );
`;

/**
 * Retries due at once instead of after a minute (the plugin's public `relaypress_retry_delays`
 * filter), so a test does not wait for the retry schedule; WP-Cron still decides when.
 */
const NO_RETRY_WAIT = `<?php
add_filter( 'relaypress_retry_delays', function () {
	return array_fill( 0, 12, 0 );
} );
`;

export interface SiteEvent {
  type: 'cron_run' | 'attempt' | 'wp_mail_called' | 'wp_mail_failed' | 'wp_mail_succeeded';
  at: number;
  [key: string]: any;
}

export interface RelayedSite {
  site: WordPressSite;
  events(): SiteEvent[];
  /** The outbox rows (without the MIME). */
  outbox(): Promise<Record<string, any>[]>;
  log(): Promise<Record<string, any>[]>;
  /**
   * One WP-Cron run the way a system cron does it: the plugin's event is made due (the minute
   * between runs is skipped by moving the event's timestamp), then a real HTTP GET of
   * `wp-cron.php?doing_wp_cron` runs it.
   */
  runCron(): Promise<{ status: number; ms: number }>;
  destroy(): Promise<void>;
}

export function createRelayedSite(relayUrl: string, token: string): Promise<RelayedSite> {
  return createObservedSite({ RELAYPRESS_RELAY_URL: relayUrl, RELAYPRESS_API_TOKEN: token });
}

/**
 * The same site with no relay in wp-config.php: nothing is locked, so the admin app's setup
 * wizard can save the relay URL and token itself.
 */
export function createUnconnectedSite(): Promise<RelayedSite> {
  return createObservedSite({});
}

async function createObservedSite(constants: Record<string, string>): Promise<RelayedSite> {
  const eventsDir = mkdtempSync(path.join(tmpdir(), 'relaypress-e2e-events-'));
  const eventsFile = path.join(eventsDir, 'events.jsonl');
  const site = await createWordPressSite({
    constants: { ...constants, RELAYPRESS_E2E_EVENTS: eventsFile },
  });
  site.muPlugin('relaypress-e2e-observer', OBSERVER);
  site.muPlugin('relaypress-e2e-no-retry-wait', NO_RETRY_WAIT);
  try {
    await site.serve();
  } catch (err) {
    await site.destroy();
    rmSync(eventsDir, { recursive: true, force: true });
    throw err;
  }
  const events = () => existsSync(eventsFile)
    ? readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SiteEvent)
    : [];
  return {
    site,
    events,
    outbox: () => site.phpJson(`global $wpdb; echo wp_json_encode( $wpdb->get_results( "SELECT id, log_id, idempotency_key, mail_from, rcpt_to, status, attempts, last_error, relay_message_id FROM {$wpdb->prefix}relaypress_outbox ORDER BY id", ARRAY_A ) );`),
    log: () => site.phpJson(`global $wpdb; echo wp_json_encode( $wpdb->get_results( "SELECT * FROM {$wpdb->prefix}relaypress_log ORDER BY id", ARRAY_A ) );`),
    async runCron() {
      await site.php(String.raw`
				$crons = _get_cron_array();
				$due   = time() - 1;
				foreach ( $crons as $ts => $hooks ) {
					if ( isset( $hooks['relaypress_process_outbox'] ) && $ts > $due ) {
						$crons[ $due ]['relaypress_process_outbox'] = $hooks['relaypress_process_outbox'];
						unset( $crons[ $ts ]['relaypress_process_outbox'] );
						if ( ! $crons[ $ts ] ) unset( $crons[ $ts ] );
					}
				}
				ksort( $crons );
				_set_cron_array( $crons );
			`);
      const runs = events().filter((e) => e.type === 'cron_run').length;
      const answer = await site.request('/wp-cron.php?doing_wp_cron');
      if (answer.status !== 200) throw new Error(`wp-cron.php answered ${answer.status}: ${answer.body.slice(0, 500)}`);
      if (events().filter((e) => e.type === 'cron_run').length !== runs + 1) {
        throw new Error(`wp-cron.php did not run relaypress_process_outbox; server log:\n${site.serverLog().slice(-3000)}`);
      }
      return { status: answer.status, ms: answer.ms };
    },
    async destroy() {
      await site.destroy();
      rmSync(eventsDir, { recursive: true, force: true });
    },
  };
}

/** Milliseconds from wp_mail() being called to wp_mail_succeeded, for the last message with this subject. */
export function wpMailMs(events: SiteEvent[], subjectPattern: RegExp): number | undefined {
  const called = events.filter((e) => e.type === 'wp_mail_called' && subjectPattern.test(e.subject)).at(-1);
  const done = called && events.find((e) => e.type === 'wp_mail_succeeded' && e.at >= called.at && subjectPattern.test(e.subject));
  return called && done ? (done.at - called.at) * 1000 : undefined;
}

/** A header's value from the raw message's header block (unfolded). */
export function header(raw: Buffer, name: string): string | undefined {
  const head = raw.toString('latin1').split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return match?.[1]?.trim();
}

export function messageIdOf(raw: Buffer): string {
  return (header(raw, 'Message-ID') ?? '').replace(/^<|>$/g, '');
}

/** Sink deliveries as `message-id → recipient → how many times`. */
export function deliveriesByMessageId(messages: ReceivedMessage[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const m of messages) {
    const id = messageIdOf(m.raw);
    const perRcpt = out.get(id) ?? new Map<string, number>();
    for (const rcpt of m.rcptTo) perRcpt.set(rcpt.toLowerCase(), (perRcpt.get(rcpt.toLowerCase()) ?? 0) + 1);
    out.set(id, perRcpt);
  }
  return out;
}

/** Waits until the relay reports every recipient of these messages delivered (nothing left in flight). */
export async function waitDelivered(world: MailWorld, relayMessageIds: string[], timeoutMs = 20_000): Promise<void> {
  for (const id of relayMessageIds) {
    await waitUntil(`relay message ${id} delivered`, async () => {
      const detail = await api(world.relay.baseUrl, 'GET', `/v1/messages/${id}`, { token: world.account.token });
      if (detail.status !== 200) return undefined;
      const recipients = detail.body.recipients as { status: string }[];
      return recipients.every((r) => r.status === 'delivered') ? true : undefined;
    }, timeoutMs);
  }
}

/** Every message the account's relay holds (all pages). */
export async function relayMessages(world: MailWorld): Promise<{ id: string }[]> {
  const all: { id: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { data: { id: string }[]; next_cursor: string | null } } = await api(world.relay.baseUrl, 'GET', `/v1/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: world.account.token });
    all.push(...page.body.data);
    cursor = page.body.next_cursor;
  } while (cursor);
  return all;
}

/** PHP string literal. */
export function php(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
