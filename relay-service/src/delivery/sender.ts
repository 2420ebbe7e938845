import { classifyConnectionFailure, classifyReply, parseSmtpReply } from './classify.ts';
import type { BounceRule, Classification } from './classify.ts';
import { createConnectionPool } from './connection-pool.ts';
import type { ConnectionPool, Lease } from './connection-pool.ts';
import type { MxHost, MxLookup } from './mx.ts';
import { openSmtpSession } from './smtp-session.ts';
import type { SessionFailure, SessionSendOutcome, SmtpSession } from './smtp-session.ts';
import type { OutboundMessage, SendResult } from './types.ts';

export interface RecipientResult {
  recipient: string;
  result: SendResult;
}

export interface SenderOptions {
  /** Our EHLO name (RELAY_HOSTNAME). */
  helo: string;
  /** RELAY_MX_PORT; static routes bring their own port. */
  mxPort?: number;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** RELAY_MAX_CONNECTIONS_PER_HOST. */
  maxConnectionsPerHost?: number;
  idleTimeoutMs?: number;
  /** Most addresses tried per message, across all MX hosts (Postfix's smtp_mx_address_limit). */
  maxAddresses?: number;
  verifyCertificates?: boolean;
  rules?: BounceRule[];
  /** EHLO name per source address (RELAY_BIND_ADDRESSES): each IP greets with its own PTR name. */
  heloByAddress?: ReadonlyMap<string, string>;
  now?: () => number;
}

export interface Sender {
  /** Delivers one message to the hosts in order; one result per recipient, never throws. */
  send(message: OutboundMessage, hosts: MxHost[]): Promise<RecipientResult[]>;
  /** Closes pooled connections; sends in flight finish on theirs. */
  close(): void;
  readonly pool: ConnectionPool<SmtpSession, SessionFailure>;
}

type Attempt = Pick<SendResult, 'mxHost' | 'mxIp' | 'tls'>;

function result(classification: Classification, response: string, attempt: Attempt, startedAt: number, now: number): SendResult {
  const reply = parseSmtpReply(response);
  return {
    action: classification.action,
    category: classification.category,
    response,
    responseCode: reply?.code ?? null,
    enhancedStatus: reply?.enhanced ?? null,
    ...attempt,
    durationMs: now - startedAt,
  };
}

/** One SendResult per recipient for a domain whose MX lookup failed (NXDOMAIN, null MX, SERVFAIL). */
export function lookupFailureResults(message: OutboundMessage, lookup: Extract<MxLookup, { ok: false }>): RecipientResult[] {
  const failed: SendResult = {
    action: lookup.action,
    category: lookup.category,
    response: lookup.message,
    responseCode: null,
    enhancedStatus: null,
    mxHost: null,
    mxIp: null,
    tls: false,
    durationMs: 0,
  };
  return message.recipients.map((recipient) => ({ recipient, result: { ...failed } }));
}

export function createSender(options: SenderOptions): Sender {
  const now = options.now ?? Date.now;
  const mxPort = options.mxPort ?? 25;
  const hostNames = new Map<string, string>();

  const pool = createConnectionPool<SmtpSession, SessionFailure>({
    maxPerKey: options.maxConnectionsPerHost ?? 5,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    // Keys are `mx-address:port`, or `mx-address:port@source-address` for a bound account.
    async open(key) {
      const at = key.indexOf('@');
      const target = at === -1 ? key : key.slice(0, at);
      const localAddress = at === -1 ? undefined : key.slice(at + 1);
      const separator = target.lastIndexOf(':');
      const address = target.slice(0, separator);
      const opened = await openSmtpSession({
        address,
        port: Number(target.slice(separator + 1)),
        servername: hostNames.get(target) ?? address,
        helo: (localAddress && options.heloByAddress?.get(localAddress)) || options.helo,
        localAddress,
        connectionTimeoutMs: options.connectionTimeoutMs ?? 30_000,
        greetingTimeoutMs: options.greetingTimeoutMs ?? 60_000,
        socketTimeoutMs: options.socketTimeoutMs ?? 300_000,
        verifyCertificates: options.verifyCertificates ?? false,
      });
      return opened.ok ? { ok: true, connection: opened.session } : opened;
    },
  });

  function classifyFailure(failure: SessionFailure): { classification: Classification; response: string } {
    const reply = failure.response ? parseSmtpReply(failure.response) : null;
    if (reply && failure.response) return { classification: classifyReply(reply, options.rules), response: failure.response };
    return { classification: classifyConnectionFailure(failure.kind), response: failure.message };
  }

  /** The transaction on a pooled connection; a stale reused one is retried once on a fresh one. */
  async function transact(key: string, message: OutboundMessage, recipients: string[]): Promise<{ outcome: SessionSendOutcome | null; failure: SessionFailure | null; tls: boolean }> {
    for (const fresh of [false, true]) {
      const acquired = await pool.acquire(key, { fresh });
      if (!acquired.ok) {
        const failure = acquired.failure === 'pool_closed' ? { kind: 'connection' as const, message: 'The relay is shutting down', response: null } : acquired.failure;
        return { outcome: null, failure, tls: false };
      }
      const lease: Lease<SmtpSession> = acquired.lease;
      const tls = lease.connection.secure;
      const outcome = await lease.connection.send(message.mailFrom, recipients, message.raw);
      const broken = !outcome.ok && outcome.stage === 'connection';
      pool.release(lease, !broken);
      if (broken && lease.reused && !fresh) continue;
      return { outcome, failure: null, tls };
    }
    throw new Error('unreachable: the fresh attempt always returns');
  }

  async function attemptAddress(host: MxHost, address: string, message: OutboundMessage, recipients: string[], startedAt: number): Promise<RecipientResult[]> {
    const target = `${address}:${host.port ?? mxPort}`;
    hostNames.set(target, host.host);
    const key = message.localAddress ? `${target}@${message.localAddress}` : target;
    const { outcome, failure, tls } = await transact(key, message, recipients);
    const attempt: Attempt = { mxHost: host.host, mxIp: address, tls };
    const at = now();
    const all = (classification: Classification, response: string) =>
      recipients.map((recipient) => ({ recipient, result: result(classification, response, attempt, startedAt, at) }));

    if (failure) {
      const { classification, response } = classifyFailure(failure);
      return all(classification, response);
    }
    if (!outcome) return [];
    if (!outcome.ok && outcome.stage === 'connection') {
      const { classification, response } = classifyFailure(outcome.failure);
      return all(classification, response);
    }
    const rejected = new Map(outcome.rejected.map((r) => [r.recipient, r.response]));
    return recipients.map((recipient) => {
      const rcptReply = rejected.get(recipient);
      // A recipient refused at RCPT keeps its own reply even when the message failed later.
      const response = rcptReply ?? outcome.response;
      const reply = parseSmtpReply(response);
      const classification = reply ? classifyReply(reply, options.rules) : classifyConnectionFailure('protocol');
      return { recipient, result: result(classification, response, attempt, startedAt, at) };
    });
  }

  async function send(message: OutboundMessage, hosts: MxHost[]): Promise<RecipientResult[]> {
    const startedAt = now();
    const last = new Map<string, SendResult>();
    let pending = [...message.recipients];
    let addressesTried = 0;
    const maxAddresses = options.maxAddresses ?? 5;
    outer: for (const host of hosts) {
      for (const address of host.addresses) {
        if (pending.length === 0 || addressesTried >= maxAddresses) break outer;
        addressesTried++;
        const results = await attemptAddress(host, address, message, pending, startedAt);
        for (const { recipient, result: r } of results) last.set(recipient, r);
        // Deferred recipients go on to the next address or host; delivered and bounced are final.
        pending = pending.filter((recipient) => last.get(recipient)?.action === 'deferred');
      }
    }
    return message.recipients.map((recipient) => ({
      recipient,
      result: last.get(recipient) ?? {
        action: 'deferred',
        category: 'no_address',
        response: 'No mail host address to try',
        responseCode: null,
        enhancedStatus: null,
        mxHost: null,
        mxIp: null,
        tls: false,
        durationMs: now() - startedAt,
      },
    }));
  }

  return { send, close: () => pool.close(), pool };
}
