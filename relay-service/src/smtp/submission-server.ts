/**
 * The SMTP submission front door (587 with STARTTLS, 465 with implicit TLS): smtp-server
 * does the protocol, the handlers here decide, and `accept` commits. See replies.ts for
 * every reply, auth-throttle.ts for password-guessing policy and message-scanner.ts for
 * the SMTP smuggling policy.
 */
import type { AddressInfo } from 'node:net';
import type { SMTPServerOptions } from 'smtp-server';
import { AuthThrottle } from './auth-throttle.ts';
import { createDataHandler } from './data-handler.ts';
import { createAuthHandler, createMailFromHandler, createRcptToHandler } from './envelope-handlers.ts';
import { GuardedServer, reloadServerTls } from './guarded-connection.ts';
import { SMTP_LOG_EVENTS } from './log-events.ts';
import { replyText, REPLIES } from './replies.ts';
import { sessionLogFields } from './session.ts';
import { createTrustHandler } from './trusted-session.ts';
import type { SubmissionDeps, SubmissionOptions, SubmissionServer } from './types.ts';

export type { SubmissionDeps, SubmissionOptions, SubmissionServer } from './types.ts';

const DEFAULTS = {
  maxClients: 100,
  greetingDelayMs: 0,
  commandDeadlineMs: 60_000,
  dataDeadlineMs: 10 * 60_000,
  idleTimeoutMs: 5 * 60_000,
  shutdownGraceMs: 30_000,
  maxCommandLength: 4096,
};

const AUTH_THROTTLE_DEFAULTS = { baseDelayMs: 500, maxDelayMs: 8_000, maxFailures: 10, windowMs: 15 * 60_000 };

// Socket errors that only mean the client went away; nothing for an operator to act on.
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

export function createSubmissionServer(deps: SubmissionDeps, options: SubmissionOptions): SubmissionServer {
  const settings = { ...DEFAULTS, ...stripUndefined(options) };
  const logger = deps.logger.child({ component: 'smtp-submission', mode: options.mode });
  const throttle = new AuthThrottle({ ...AUTH_THROTTLE_DEFAULTS, ...options.authThrottle });
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    const forget = () => inFlight.delete(work);
    work.then(forget, forget);
    return work;
  };
  const envelope = { deps: { ...deps, logger }, throttle, maxRecipients: settings.maxRecipients };
  const establishTrust = createTrustHandler(deps, logger);

  const smtpOptions: SMTPServerOptions = {
    secure: options.mode === 'implicit-tls',
    name: options.hostname,
    key: options.tls.key,
    cert: options.tls.cert,
    size: settings.maxMessageSize,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    authRequiredMessage: replyText(REPLIES.authRequired),
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hideREQUIRETLS: true,
    disabledCommands: options.mode === 'implicit-tls' ? ['STARTTLS'] : [],
    disableReverseLookup: true,
    logger: false,
    maxClients: settings.maxClients,
    socketTimeout: settings.idleTimeoutMs,
    closeTimeout: settings.shutdownGraceMs,
    maxCommandLength: settings.maxCommandLength,
    onConnect(session, callback) {
      logger.info({ event: SMTP_LOG_EVENTS.connected, ...sessionLogFields(session) }, 'client connected');
      establishTrust(session, callback);
    },
    // After STARTTLS (smtp-server has cleared the identity) and at an implicit-TLS connect
    // (onConnect has just set it).
    onSecure(_socket, session, callback) {
      if (session.user) return callback();
      establishTrust(session, callback);
    },
    onClose(session) {
      logger.info({ event: SMTP_LOG_EVENTS.closed, ...sessionLogFields(session) }, 'client disconnected');
    },
    onAuth: createAuthHandler(envelope),
    onMailFrom: createMailFromHandler(envelope),
    onRcptTo: createRcptToHandler(envelope),
    onData: createDataHandler({ accept: deps.accept, logger, maxMessageSize: settings.maxMessageSize, track }),
  };

  const server = new GuardedServer(smtpOptions, {
    greetingDelayMs: settings.greetingDelayMs,
    commandDeadlineMs: settings.commandDeadlineMs,
    dataDeadlineMs: settings.dataDeadlineMs,
    onDeadline(session, phase) {
      logger.info({ event: SMTP_LOG_EVENTS.deadlineExpired, phase, ...sessionLogFields(session) }, 'deadline expired');
    },
    onProtocolError(session, err) {
      logger.info({ event: SMTP_LOG_EVENTS.protocolError, err: err.message, ...sessionLogFields(session) }, 'protocol error');
    },
  });
  // smtp-server re-emits socket errors of sessions in a transaction; without a listener
  // one client's reset would be an uncaught 'error' and take the process down.
  server.on('error', (err: NodeJS.ErrnoException & { remoteAddress?: string }) => {
    const level = err.code && CLIENT_GONE.has(err.code) ? 'info' : 'warn';
    logger[level]({ event: SMTP_LOG_EVENTS.connectionError, code: err.code, remoteIp: err.remoteAddress, err: err.message }, 'connection error');
  });

  return {
    mode: options.mode,
    listen(port, host = '0.0.0.0') {
      return new Promise<number>((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(port, host, () => {
          server.server.off('error', reject);
          const address = server.server.address() as AddressInfo;
          logger.info({ event: SMTP_LOG_EVENTS.listening, port: address.port, host }, 'submission server listening');
          resolve(address.port);
        });
      });
    },
    async close() {
      await server.shutdown(settings.shutdownGraceMs);
      await Promise.allSettled([...inFlight]);
    },
    reloadTls(material) {
      reloadServerTls(server, material);
    },
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
