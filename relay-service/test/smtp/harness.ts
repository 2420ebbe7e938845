/**
 * Starts a submission server on 127.0.0.1 with a port from the OS, fake deps that record
 * what they were asked, and logs captured in memory. Tests close it in `after`/`finally`.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { AcceptInput, AcceptResult } from '../../src/accept/types.ts';
import { createSubmissionServer } from '../../src/smtp/submission-server.ts';
import type { SubmissionDeps, SubmissionOptions, SubmissionServer } from '../../src/smtp/types.ts';
import { selfSignedCertificate } from '../helpers/self-signed-cert.ts';
import { SmtpTestClient } from '../helpers/smtp-client.ts';

export const USER = 'alice@example.com';
export const PASSWORD = 'correct horse battery staple';
export const ACCOUNT_ID = 'acct_alice';
export const ALLOWED_DOMAIN = 'example.com';

export interface Harness {
  port: number;
  server: SubmissionServer;
  accepted: AcceptInput[];
  authAttempts: Array<{ username: string; password: string; remoteIp: string }>;
  logs: string[];
  connect(options?: { timeoutMs?: number }): Promise<SmtpTestClient>;
  /** Connects, STARTTLS (unless implicit TLS) and AUTH PLAIN as alice. */
  login(): Promise<SmtpTestClient>;
  close(): Promise<void>;
}

export interface HarnessOverrides {
  options?: Partial<SubmissionOptions>;
  deps?: Partial<SubmissionDeps>;
}

let nextMessage = 1;

export async function startSubmission(overrides: HarnessOverrides = {}): Promise<Harness> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const accepted: AcceptInput[] = [];
  const authAttempts: Harness['authAttempts'] = [];
  const deps: SubmissionDeps = {
    async authenticate(username, password, remoteIp) {
      authAttempts.push({ username, password, remoteIp });
      return username === USER && password === PASSWORD ? { accountId: ACCOUNT_ID } : null;
    },
    async trustedAccount() {
      return null;
    },
    async isSenderAllowed(accountId, mailFrom) {
      return accountId === ACCOUNT_ID && mailFrom.toLowerCase().endsWith(`@${ALLOWED_DOMAIN}`);
    },
    async accept(input): Promise<AcceptResult> {
      accepted.push(input);
      const messageId = `msg_test${nextMessage++}`;
      return { messageId, recipients: input.recipients.map((email, i) => ({ id: `${messageId}_${i}`, email })) };
    },
    logger: pino({ level: 'debug' }, sink),
    ...overrides.deps,
  };
  const { key, cert } = selfSignedCertificate();
  const options: SubmissionOptions = {
    mode: 'starttls',
    hostname: 'relay.test',
    tls: { key, cert },
    maxMessageSize: 10_000,
    maxRecipients: 3,
    commandDeadlineMs: 10_000,
    dataDeadlineMs: 10_000,
    idleTimeoutMs: 10_000,
    shutdownGraceMs: 2_000,
    authThrottle: { baseDelayMs: 1, maxDelayMs: 4, maxFailures: 3, windowMs: 60_000 },
    ...overrides.options,
  };
  const server = createSubmissionServer(deps, options);
  const port = await server.listen(0, '127.0.0.1');
  const implicitTls = options.mode === 'implicit-tls';
  const clients: SmtpTestClient[] = [];
  const connect = async (connectOptions: { timeoutMs?: number } = {}) => {
    const client = await SmtpTestClient.connect(port, { implicitTls, ...connectOptions });
    clients.push(client);
    return client;
  };
  return {
    port,
    server,
    accepted,
    authAttempts,
    logs,
    connect,
    async login() {
      const client = await connect();
      const reply = await client.login(USER, PASSWORD, { tls: !implicitTls });
      if (reply.code !== 235) throw new Error(`login failed: ${reply.last}`);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await server.close();
    },
  };
}

/** A small valid message with CRLF line endings. */
export function message(body = 'Hello.'): string {
  return `From: <${USER}>\r\nTo: <bob@example.net>\r\nSubject: test\r\n\r\n${body}\r\n`;
}

/** MAIL FROM and one RCPT TO, asserting nothing. */
export async function envelope(client: SmtpTestClient, recipient = 'bob@example.net'): Promise<void> {
  await client.command(`MAIL FROM:<${USER}>`);
  await client.command(`RCPT TO:<${recipient}>`);
}
