/**
 * The end of a submission: reads the message smtp-server hands over after DATA, refuses
 * what must not be relayed (too large, bare CR/LF, over-long lines), and otherwise calls
 * `accept`. The 250 goes out only after `accept` resolved, i.e. after the commit.
 */
import type { Logger } from 'pino';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { AcceptFn, AcceptResult } from '../accept/types.ts';
import { RelayError } from '../errors.ts';
import { lazyChild } from '../log.ts';
import { SMTP_LOG_EVENTS } from './log-events.ts';
import { MessageScanner } from './message-scanner.ts';
import { REPLIES, replyError, replyForErrorCode, replyText, type SmtpReply } from './replies.ts';
import { accountIdOf, sessionLogFields } from './session.ts';

export interface DataHandlerContext {
  accept: AcceptFn;
  logger: Logger;
  maxMessageSize: number;
  /** Lets close() wait for commits that are still running. */
  track<T>(work: Promise<T>): Promise<T>;
}

type DataCallback = (err?: Error | null, message?: string) => void;

export function createDataHandler(ctx: DataHandlerContext) {
  return function onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: DataCallback): void {
    const log = lazyChild(ctx.logger, sessionLogFields(session));
    const scanner = new MessageScanner();
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;

    const settle = (err: Error | null, message?: string) => {
      if (settled) return;
      settled = true;
      callback(err, message);
    };
    const reject = (reply: SmtpReply, reason: string) => {
      log.info({ event: SMTP_LOG_EVENTS.messageRejected, reason, size }, 'message refused');
      settle(replyError(reply));
    };

    stream.on('data', (chunk: Buffer) => {
      scanner.push(chunk);
      size += chunk.length;
      // Past the limit the rest is only counted; keeping it would let one client fill memory.
      if (size <= ctx.maxMessageSize) chunks.push(chunk);
      else chunks.length = 0;
    });

    // A stream that closes without 'end' was cut off (reset, deadline, shutdown): a
    // partial message is never handed to accept.
    const aborted = (err?: Error) => {
      if (settled || stream.readableEnded) return;
      log.info({ event: SMTP_LOG_EVENTS.dataAborted, size, err: err?.message }, 'message transfer aborted');
      settle(err ?? new Error('Connection closed during DATA'));
    };
    stream.on('error', aborted);
    stream.on('close', () => aborted());

    stream.on('end', () => {
      if (settled) return;
      const verdict = scanner.finish();
      if (stream.sizeExceeded || size > ctx.maxMessageSize) return reject(REPLIES.messageTooLarge, 'size');
      if (verdict.bareLineEnding) return reject(REPLIES.bareLineEnding, 'bare_line_ending');
      if (verdict.lineTooLong) return reject(REPLIES.lineTooLong, 'line_too_long');
      const mailFrom = session.envelope.mailFrom;
      const accountId = accountIdOf(session);
      if (!mailFrom || !accountId) return reject(REPLIES.authRequired, 'no_session');

      const commit = ctx.track(
        ctx.accept({
          accountId,
          source: 'smtp',
          mailFrom: mailFrom.address,
          recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks, size),
        }),
      );
      commit.then(
        (result: AcceptResult) => {
          log.info(
            { event: SMTP_LOG_EVENTS.messageAccepted, messageId: result.messageId, recipients: result.recipients.length, size },
            'message accepted',
          );
          settle(null, replyText(result.sandbox ? REPLIES.queuedSandbox : REPLIES.queued, result.messageId));
        },
        (err: unknown) => {
          if (err instanceof RelayError) {
            log.info({ event: SMTP_LOG_EVENTS.messageRejected, reason: err.code, size }, 'message refused by the pipeline');
            settle(replyError(replyForErrorCode(err.code), err.message));
            return;
          }
          log.error({ event: SMTP_LOG_EVENTS.acceptError, err }, 'accept failed');
          settle(replyError(REPLIES.temporaryFailure));
        },
      );
    });
  };
}
