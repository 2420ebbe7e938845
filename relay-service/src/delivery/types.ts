/**
 * What one delivery attempt to one recipient came to. Senders return this instead of
 * throwing, so the processor can record every attempt the same way (Postal's SendResult).
 */
export type DeliveryAction = 'delivered' | 'deferred' | 'bounced';

export interface SendResult {
  action: DeliveryAction;
  /** Bounce/deferral category from the rules file, e.g. `mailbox_unknown`, `rate_limited`. */
  category: string;
  /** The remote reply line(s) or a local description ("connection refused"). */
  response: string;
  /** Three-digit SMTP reply code when the remote answered, else null. */
  responseCode: number | null;
  /** Enhanced status code (x.y.z) when known. */
  enhancedStatus: string | null;
  /** The MX host name and IP that gave the final answer, when one was reached. */
  mxHost: string | null;
  mxIp: string | null;
  /** Whether the SMTP session that carried the attempt was encrypted (STARTTLS). */
  tls: boolean;
  durationMs: number;
}

/** One message to hand to one destination domain: the envelope and the signed bytes. */
export interface OutboundMessage {
  /** Relay queue row ids, for logs. */
  queueIds: string[];
  mailFrom: string;
  recipients: string[];
  /** Destination domain of all `recipients` (lower case, ASCII/punycode). */
  domain: string;
  raw: Buffer;
  /** The source address to send from (the account's bind address), when not the default. */
  localAddress?: string | undefined;
}
