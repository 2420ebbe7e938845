import SMTPConnection from 'nodemailer/lib/smtp-connection';

import type { ConnectionFailure } from './classify.ts';

/**
 * One SMTP client session to one MX address, with nodemailer's callbacks and events turned
 * into promises that never reject. The sender decides what replies mean; this module only
 * reports what happened, at which stage.
 */

export interface SmtpSessionOptions {
  /** IP address to connect to (MX lookup has already resolved the host name). */
  address: string;
  port: number;
  /** The MX host name, for TLS SNI. */
  servername: string;
  /** Our name in EHLO (RELAY_HOSTNAME). */
  helo: string;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  /** Verify the MX certificate. Off by default: opportunistic TLS beats plaintext even unverified (RFC 7435). */
  verifyCertificates?: boolean;
  /** Our source address, on hosts with several (an account's bind address). */
  localAddress?: string | undefined;
}

/** What went wrong without a usable reply, or with a reply that ended the session. */
export interface SessionFailure {
  kind: ConnectionFailure;
  message: string;
  /** The remote reply when the server said something before failing (e.g. a 421 greeting). */
  response: string | null;
}

export interface RejectedRecipient {
  recipient: string;
  response: string;
}

export type SessionSendOutcome =
  | { ok: true; accepted: string[]; rejected: RejectedRecipient[]; response: string }
  /** The server answered MAIL FROM, every RCPT TO, DATA or the message with a failure reply. */
  | { ok: false; stage: 'mail' | 'rcpt' | 'data'; response: string; rejected: RejectedRecipient[] }
  /** The session broke (dropped, timed out, TLS failure): nothing is known about the message. */
  | { ok: false; stage: 'connection'; failure: SessionFailure };

export interface SmtpSession {
  /** Whether STARTTLS upgraded the session. */
  readonly secure: boolean;
  readonly alive: boolean;
  send(from: string, to: string[], raw: Buffer): Promise<SessionSendOutcome>;
  /**
   * Readies the session for the next transaction: RSET, unless the last transaction ended
   * with the server's reply to the message (RFC 5321 §4.1.1.4: that reply already cleared
   * the server's state; an RSET would cost a round trip per message). False when the
   * session is unusable (the pool then discards it).
   */
  reset(): Promise<boolean>;
  close(): void;
}

export type OpenSessionResult = { ok: true; session: SmtpSession } | { ok: false; failure: SessionFailure };

interface NodemailerError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  recipient?: string;
  rejectedErrors?: NodemailerError[];
}

const FAILURE_KIND_BY_CODE: Record<string, ConnectionFailure> = {
  ETIMEDOUT: 'timeout',
  ETLS: 'tls',
  EPROTOCOL: 'protocol',
};

function toFailure(err: NodemailerError): SessionFailure {
  return { kind: FAILURE_KIND_BY_CODE[err.code ?? ''] ?? 'connection', message: err.message, response: err.response ?? null };
}

function rejectedFrom(source: { rejectedErrors?: NodemailerError[] | undefined } | undefined): RejectedRecipient[] {
  return (source?.rejectedErrors ?? [])
    .filter((e) => e.recipient !== undefined && e.response !== undefined)
    .map((e) => ({ recipient: e.recipient!, response: e.response! }));
}

/** Maps nodemailer's error to the stage that failed; replies keep the connection usable. */
function toSendOutcome(err: NodemailerError): SessionSendOutcome {
  if (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') {
    if (err.responseCode && err.response) {
      const stage = err.command === 'MAIL FROM' ? 'mail' : err.command === 'RCPT TO' ? 'rcpt' : 'data';
      return { ok: false, stage, response: err.response, rejected: rejectedFrom(err) };
    }
  }
  return { ok: false, stage: 'connection', failure: toFailure(err) };
}

export function openSmtpSession(options: SmtpSessionOptions): Promise<OpenSessionResult> {
  const connection = new SMTPConnection({
    host: options.address,
    port: options.port,
    servername: options.servername,
    name: options.helo,
    opportunisticTLS: true,
    tls: { rejectUnauthorized: options.verifyCertificates ?? false, servername: options.servername },
    connectionTimeout: options.connectionTimeoutMs,
    greetingTimeout: options.greetingTimeoutMs,
    socketTimeout: options.socketTimeoutMs,
    socketCloseTimeout: 1000,
    allowInternalNetworkInterfaces: true,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  let alive = true;
  // The last transaction ended cleanly (the message was accepted): no RSET needed.
  let clean = false;
  // nodemailer reports session errors as events; without a listener one would crash the process.
  connection.on('error', () => {
    alive = false;
  });
  connection.on('end', () => {
    alive = false;
  });

  const session: SmtpSession = {
    get secure() {
      return connection.secure;
    },
    get alive() {
      return alive && !connection.destroyed;
    },
    send(from, to, raw) {
      clean = false;
      return new Promise((resolve) => {
        connection.send({ from, to }, raw, (err, info) => {
          if (err) return resolve(toSendOutcome(err as NodemailerError));
          clean = true;
          const rejected = rejectedFrom(info as { rejectedErrors?: NodemailerError[] } | undefined);
          resolve({ ok: true, accepted: info!.accepted.map(String), rejected, response: info!.response });
        });
      });
    },
    reset() {
      if (!session.alive) return Promise.resolve(false);
      // A connection the server dropped meanwhile fails at MAIL FROM instead, and the sender
      // retries such a reused connection once on a fresh one (sender.ts).
      if (clean) return Promise.resolve(true);
      // nodemailer calls the reset callback only when a reply comes; a connection that dies
      // while RSET is out ends the session instead, which must count as "not reusable".
      return new Promise((resolve) => {
        const onEnd = () => resolve(false);
        connection.once('end', onEnd);
        connection.reset((err) => {
          connection.removeListener('end', onEnd);
          resolve(!err);
        });
      });
    },
    close() {
      alive = false;
      if (connection.destroyed) return;
      connection.quit();
      // quit() waits for the server's 221; a silent server must not hold the socket open.
      setTimeout(() => connection.close(), 1000).unref();
    },
  };

  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: OpenSessionResult) => {
      if (settled) return;
      settled = true;
      if (!result.ok) connection.close();
      resolve(result);
    };
    connection.once('error', (err: NodemailerError) => settle({ ok: false, failure: toFailure(err) }));
    connection.once('end', () => settle({ ok: false, failure: { kind: 'connection', message: 'Connection closed before the session started', response: null } }));
    connection.connect((err) => {
      if (err) return settle({ ok: false, failure: toFailure(err as NodemailerError) });
      settle({ ok: true, session });
    });
  });
}
