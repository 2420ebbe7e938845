/**
 * The contract between the two front doors (SMTP submission, HTTP API) and the acceptance
 * pipeline. A front door authenticates the caller, gathers the envelope and the message,
 * and calls `accept`; the promise resolves only after the message is committed to the
 * database, so the front door may then answer 250 / 202 (promise 1 in DESIGN.md).
 * Rejections are thrown as `RelayError` (errors.ts) and mapped by the front door.
 */
export interface AcceptInput {
  accountId: string;
  source: 'smtp' | 'http';
  /** Envelope sender (MAIL FROM). */
  mailFrom: string;
  /** Envelope recipients (RCPT TO), already syntax-checked by the front door. */
  recipients: string[];
  /** RFC 5322 message with CRLF line endings, not yet DKIM-signed. */
  raw: Buffer;
  tags?: string[];
  metadata?: Record<string, string>;
  /** One-click unsubscribe headers for this send: on, off, or (absent) the account's default for its tags. */
  unsubscribe?: boolean;
  /** Open/click tracking for this send, per kind; absent kinds follow the account's default. */
  tracking?: { opens?: boolean | undefined; clicks?: boolean | undefined } | undefined;
}

export interface AcceptedRecipient {
  /** Queue row id, one per envelope recipient. */
  id: string;
  email: string;
}

export interface AcceptResult {
  messageId: string;
  recipients: AcceptedRecipient[];
  /** Present (true) when the account is in sandbox mode: answers say so. */
  sandbox?: true;
}

export type AcceptFn = (input: AcceptInput) => Promise<AcceptResult>;
