import type { Logger } from 'pino';
import type { AcceptFn } from '../accept/types.ts';
import type { AuthThrottleOptions } from './auth-throttle.ts';

/** What the submission server needs from the rest of the relay; no database code lives here. */
export interface SubmissionDeps {
  /** Resolves null for wrong credentials; rejects only for trouble (answered 454 4.7.0). */
  authenticate(username: string, password: string, remoteIp: string): Promise<{ accountId: string } | null>;
  /**
   * The account whose trusted network (store/trusted-networks.ts) holds this client
   * address, or null. Such a session is that account without AUTH.
   */
  trustedAccount(remoteIp: string): Promise<{ accountId: string; cidr: string } | null>;
  /** MAIL FROM is limited to the account's own domains. */
  isSenderAllowed(accountId: string, mailFrom: string): Promise<boolean>;
  /** Commits the message; the 250 is sent only after it resolves. */
  accept: AcceptFn;
  logger: Logger;
}

export type SubmissionMode = 'starttls' | 'implicit-tls';

export interface SubmissionOptions {
  /** 'starttls' for port 587 (AUTH only after STARTTLS), 'implicit-tls' for port 465. */
  mode: SubmissionMode;
  /** Name in the greeting and EHLO reply. */
  hostname: string;
  tls: { key: string | Buffer; cert: string | Buffer };
  /** Bytes, advertised as SIZE and enforced at MAIL FROM and at the end of DATA. */
  maxMessageSize: number;
  maxRecipients: number;
  /** Concurrent connections; further ones get 421. Default 100. */
  maxClients?: number;
  /**
   * Pause before the greeting; a client that talks during it is refused (pregreet
   * detection, for port 25). Default 0: submission clients are known, and the pause would
   * cost every connection.
   */
  greetingDelayMs?: number;
  /** A command line must be complete within this long of its first byte. Default 60 s. */
  commandDeadlineMs?: number;
  /** The whole DATA transfer must be complete within this long of the 354. Default 10 min. */
  dataDeadlineMs?: number;
  /** Silence from the client that ends the session. Default 5 min (RFC 5321 4.5.3.2.7). */
  idleTimeoutMs?: number;
  /** close() lets transactions in flight run this long before cutting them. Default 30 s. */
  shutdownGraceMs?: number;
  /** Longest command line, CRLF excluded; AUTH PLAIN lines are the long ones. Default 4096. */
  maxCommandLength?: number;
  /** Defaults: 500 ms base delay, 8 s cap, lockout after 10 failures, 15 min window. */
  authThrottle?: Partial<AuthThrottleOptions>;
}

export interface SubmissionServer {
  readonly mode: SubmissionMode;
  /** Resolves with the bound port (pass 0 to let the OS choose). */
  listen(port: number, host?: string): Promise<number>;
  /** Graceful: stop accepting, let transactions in flight finish up to shutdownGraceMs, then destroy. */
  close(): Promise<void>;
  /** New certificate and key for the connections that start TLS from now on. */
  reloadTls(tls: { key: string | Buffer; cert: string | Buffer }): void;
}
