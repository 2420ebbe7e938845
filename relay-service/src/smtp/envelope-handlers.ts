/**
 * AUTH, MAIL FROM and RCPT TO decisions. smtp-server has already refused AUTH before TLS,
 * MAIL/RCPT/DATA before AUTH, bad address syntax and an oversized SIZE= by the time
 * these run.
 */
import { lazyChild } from '../log.ts';
import type { SMTPServerAddress, SMTPServerAuthentication, SMTPServerAuthenticationResponse, SMTPServerSession } from 'smtp-server';
import type { AuthThrottle } from './auth-throttle.ts';
import { SMTP_LOG_EVENTS } from './log-events.ts';
import { REPLIES, replyError } from './replies.ts';
import { accountIdOf, sessionLogFields, type SubmissionUser } from './session.ts';
import type { SubmissionDeps } from './types.ts';

type AuthCallback = (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void;
type Callback = (err?: Error | null) => void;

export interface EnvelopeContext {
  deps: SubmissionDeps;
  throttle: AuthThrottle;
  maxRecipients: number;
}

export function createAuthHandler({ deps, throttle }: EnvelopeContext) {
  return function onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession, callback: AuthCallback): void {
    const ip = session.remoteAddress;
    const username = auth.username ?? '';
    const log = lazyChild(deps.logger, { ...sessionLogFields(session), username, method: auth.method });

    if (throttle.isLockedOut(ip)) {
      log.warn({ event: SMTP_LOG_EVENTS.authLockedOut }, 'AUTH refused: too many failures from this address');
      callback(replyError(REPLIES.authLockedOut));
      return;
    }
    const fail = () => {
      const delayMs = throttle.recordFailure(ip);
      log.info({ event: SMTP_LOG_EVENTS.authFailed, delayMs }, 'AUTH failed');
      setTimeout(() => callback(replyError(REPLIES.authInvalid)), delayMs);
    };
    // RFC 4616 lets a client ask to act as someone else (authzid); a relay account never may.
    if (auth.method === 'PLAIN' && auth.authzid && auth.authcid && auth.authzid !== auth.authcid) return fail();
    if (!username || typeof auth.password !== 'string') return fail();

    deps.authenticate(username, auth.password, ip).then(
      (result) => {
        if (!result) return fail();
        throttle.recordSuccess(ip);
        const user: SubmissionUser = { accountId: result.accountId, username };
        log.info({ event: SMTP_LOG_EVENTS.authSucceeded, accountId: result.accountId }, 'AUTH succeeded');
        callback(null, { user });
      },
      (err: unknown) => {
        log.error({ event: SMTP_LOG_EVENTS.authError, err }, 'AUTH check failed');
        callback(replyError(REPLIES.authTemporaryFailure));
      },
    );
  };
}

export function createMailFromHandler({ deps }: EnvelopeContext) {
  return function onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback): void {
    const accountId = accountIdOf(session);
    if (!accountId) return callback(replyError(REPLIES.authRequired));
    const log = lazyChild(deps.logger, sessionLogFields(session));
    // Submission has no use for the null sender: bounces are the relay's own business.
    if (!address.address) {
      log.info({ event: SMTP_LOG_EVENTS.senderRefused, mailFrom: '' }, 'MAIL FROM refused');
      return callback(replyError(REPLIES.senderNotAllowed));
    }
    deps.isSenderAllowed(accountId, address.address).then(
      (allowed) => {
        if (allowed) return callback();
        log.info({ event: SMTP_LOG_EVENTS.senderRefused, mailFrom: address.address }, 'MAIL FROM refused');
        callback(replyError(REPLIES.senderNotAllowed));
      },
      (err: unknown) => {
        log.error({ event: SMTP_LOG_EVENTS.senderCheckError, err }, 'sender check failed');
        callback(replyError(REPLIES.temporaryFailure));
      },
    );
  };
}

export function createRcptToHandler({ maxRecipients }: EnvelopeContext) {
  return function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback): void {
    // smtp-server lets a bare "postmaster" through (RFC 5321 4.5.1); the relay has no local mailboxes.
    if (!address.address.includes('@')) return callback(replyError(REPLIES.recipientSyntax));
    const recipients = session.envelope.rcptTo;
    const key = address.address.toLowerCase();
    const repeated = recipients.some((rcpt) => rcpt.address.toLowerCase() === key);
    if (!repeated && recipients.length >= maxRecipients) return callback(replyError(REPLIES.tooManyRecipients));
    callback();
  };
}
