/**
 * Every SMTP reply the submission front door writes itself, in one table. Each carries an
 * RFC 3463 enhanced status code so clients (and the plugin's log) can tell policy
 * refusals from syntax errors from temporary trouble without parsing the text.
 *
 * smtp-server's own built-in replies (EHLO, NOOP, RSET, QUIT, unknown command, address
 * syntax, SIZE at MAIL FROM, ...) get their enhanced codes from the library once
 * `hideENHANCEDSTATUSCODES` is false; the few it sends without one, or with a code we
 * disagree with, are rewritten through LIBRARY_REPLY_OVERRIDES below.
 */
import { ERROR_CODES, type ErrorCode } from '../errors.ts';

export interface SmtpReply {
  code: number;
  enhanced: string;
  text: string;
}

export const REPLIES = {
  // RFC 3207 section 4: 530 5.7.0 is the reply for a command that needs TLS first; the
  // library's 538 is a non-standard code some clients do not recognise.
  tlsRequired: { code: 530, enhanced: '5.7.0', text: 'Must issue a STARTTLS command first' },
  authRequired: { code: 530, enhanced: '5.7.0', text: 'Authentication required' },
  authInvalid: { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' },
  authLockedOut: { code: 421, enhanced: '4.7.0', text: 'Too many failed authentication attempts, try again later' },
  authTemporaryFailure: { code: 454, enhanced: '4.7.0', text: 'Temporary authentication failure' },

  senderNotAllowed: { code: 553, enhanced: '5.7.1', text: 'Sender address not allowed for this account' },
  recipientSyntax: { code: 501, enhanced: '5.1.3', text: 'Bad recipient address syntax' },
  tooManyRecipients: { code: 452, enhanced: '4.5.3', text: 'Too many recipients' },

  messageTooLarge: { code: 552, enhanced: '5.3.4', text: 'Message exceeds the size limit' },
  // Postfix's smtpd_forbid_bare_newline policy: a lone CR or LF is where the SMTP
  // smuggling attacks hide a second message, so such a message is refused whole.
  bareLineEnding: { code: 554, enhanced: '5.6.0', text: 'Message contains a bare CR or LF; lines must end with CRLF' },
  lineTooLong: { code: 554, enhanced: '5.6.0', text: 'Message contains a line longer than 998 octets' },
  commandTooLong: { code: 500, enhanced: '5.5.2', text: 'Command line too long' },

  commandDeadline: { code: 421, enhanced: '4.4.2', text: 'Command not completed in time, closing connection' },
  dataDeadline: { code: 421, enhanced: '4.4.2', text: 'Message not transferred in time, closing connection' },
  tooManyClients: { code: 421, enhanced: '4.3.2', text: 'Too many connected clients, try again later' },
  shuttingDown: { code: 421, enhanced: '4.3.2', text: 'Service shutting down, try again later' },
  streamFailure: { code: 421, enhanced: '4.3.0', text: 'Error reading the command stream, closing connection' },
  temporaryFailure: { code: 451, enhanced: '4.3.0', text: 'Temporary failure, try again later' },
  connectTemporaryFailure: { code: 421, enhanced: '4.3.0', text: 'Temporary failure, try again later' },

  queued: { code: 250, enhanced: '2.0.0', text: 'Ok: queued as %s' },
  queuedSandbox: { code: 250, enhanced: '2.0.0', text: 'Ok: queued as %s (sandbox account: unverified domains allowed)' },
} as const satisfies Record<string, SmtpReply>;

export type ReplyName = keyof typeof REPLIES;

/** `text` with `%s` filled in, for the few replies that name something (the queue id). */
export function replyText(reply: SmtpReply, ...args: string[]): string {
  let i = 0;
  return `${reply.enhanced} ${reply.text.replace(/%s/g, () => args[i++] ?? '')}`;
}

export function formatReply(reply: SmtpReply, ...args: string[]): string {
  return `${reply.code} ${replyText(reply, ...args)}`;
}

/**
 * The error shape smtp-server's handler callbacks understand. The message starts with the
 * enhanced code; the connection layer sees that and does not add the library's own guess.
 */
export interface SmtpReplyError extends Error {
  responseCode: number;
}

export function replyError(reply: SmtpReply, text?: string): SmtpReplyError {
  const err = new Error(text === undefined ? replyText(reply) : `${reply.enhanced} ${text}`) as SmtpReplyError;
  err.responseCode = reply.code;
  return err;
}

/** The reply ERROR_CODES assigns to a pipeline rejection. */
export function replyForErrorCode(code: ErrorCode): SmtpReply {
  const spec = ERROR_CODES[code];
  return { code: spec.smtp.code, enhanced: spec.smtp.enhanced, text: spec.message };
}

/** A reply text that already starts with an enhanced status code. */
export const ENHANCED_PREFIX = /^[245]\.\d{1,3}\.\d{1,3} /;

/** smtp-server replies we replace, keyed by the code the library sends (538: its "STARTTLS first"). */
export const LIBRARY_REPLY_OVERRIDES: Readonly<Record<number, SmtpReply>> = {
  538: REPLIES.tlsRequired,
};

/**
 * Enhanced codes for library error replies sent with no context (HELO/EHLO syntax
 * errors, maxClients, "You talk too soon"), so that no error reply goes out without one.
 */
export const LIBRARY_FALLBACK_ENHANCED: Readonly<Record<number, string>> = {
  421: '4.3.2',
  500: '5.5.2',
  501: '5.5.4',
  554: '5.7.1',
};
