import type { Knex } from 'knex';
import { acceptedMessageRows } from './hot-writes/rows.ts';
import { readRow } from './sqlite-connection.ts';

export type RecipientStatus = 'queued' | 'deferred' | 'sending' | 'delivered' | 'bounced' | 'failed' | 'suppressed';

export interface NewMessage {
  /** Set when the caller needed the id beforehand (a VERP envelope sender names it). */
  id?: string;
  /** The envelope sender to deliver with, when it is not `mailFrom` (VERP). */
  envelopeFrom?: string | null;
  /** The From header's domain (A-label). */
  fromDomain?: string | null;
  accountId: string;
  source: 'smtp' | 'http';
  mailFrom: string;
  fromHeader: string | null;
  subject: string | null;
  messageIdHeader: string | null;
  raw: Buffer;
  tags: string[];
  metadata: Record<string, string>;
  recipients: string[];
  /** Recipients on the account's suppression list, with the reason: recorded, never delivered. */
  suppressed?: Map<string, string>;
  /**
   * Set when each recipient gets its own header lines (one-click unsubscribe): the row ids,
   * chosen beforehand because the lines name them, and per recipient the signed lines to put
   * in front of `raw` at delivery (null for one never delivered). `raw` is then unsigned.
   */
  perRecipient?: { ids: string[]; headerPrefixes: (string | null)[] };
}

export interface InsertedMessage {
  messageId: string;
  /** `suppressed` (the reason) only on recipients the account's suppression list stopped. */
  recipients: { id: string; email: string; suppressed?: string }[];
}

export interface MessageRow {
  id: string;
  account_id: string;
  source: string;
  mail_from: string;
  from_header: string | null;
  subject: string | null;
  message_id_header: string | null;
  size: number;
  tags: string | null;
  metadata: string | null;
  created_at: number;
}

export interface RecipientRow {
  id: string;
  message_id: string;
  account_id: string;
  email: string;
  domain: string;
  status: RecipientStatus;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_response: string | null;
  /** Signed header lines delivered in front of the message's shared bytes (one-click unsubscribe), else null. */
  header_prefix?: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * Writes an accepted message, one queue row per recipient and their `queued` events, in
 * the caller's transaction: either all of it is committed or none (no half-written send).
 */
export async function insertAcceptedMessage(trx: Knex.Transaction, input: NewMessage, now = Date.now()): Promise<InsertedMessage> {
  const rows = acceptedMessageRows(input, now);
  await trx('messages').insert(rows.message);
  await trx('recipients').insert(rows.recipients);
  await trx('events').insert(rows.events);
  return rows.inserted;
}

const FOR_DELIVERY_SQL = 'SELECT mail_from, envelope_from, raw FROM messages WHERE id = ?';

export class MessageRepository {
  private readonly knex: Knex;
  constructor(knex: Knex) {
    this.knex = knex;
  }

  /** The envelope sender and signed bytes a delivery needs, in one read. */
  async forDelivery(messageId: string): Promise<{ mailFrom: string; raw: Buffer } | undefined> {
    // Once per delivery attempt.
    const row = await readRow<{ mail_from: string; envelope_from: string | null; raw: Buffer }>(this.knex, FOR_DELIVERY_SQL, [messageId], () =>
      this.knex('messages').where({ id: messageId }).first('mail_from', 'envelope_from', 'raw'));
    return row ? { mailFrom: row.envelope_from ?? row.mail_from, raw: Buffer.from(row.raw) } : undefined;
  }

  async getRaw(messageId: string): Promise<Buffer | undefined> {
    const row = await this.knex('messages').where({ id: messageId }).first('raw');
    return row ? Buffer.from(row.raw) : undefined;
  }

  /** A message of this account (never another's), without its body. */
  async get(accountId: string, id: string): Promise<MessageRow | undefined> {
    return this.knex('messages')
      .where({ id, account_id: accountId })
      .first('id', 'account_id', 'source', 'mail_from', 'from_header', 'subject', 'message_id_header', 'size', 'tags', 'metadata', 'created_at');
  }

  async recipientsOf(messageIds: string[]): Promise<RecipientRow[]> {
    if (messageIds.length === 0) return [];
    return this.knex('recipients').whereIn('message_id', messageIds).orderBy('id');
  }

  async attemptsOf(messageId: string): Promise<AttemptRow[]> {
    return this.knex('attempts').where({ message_id: messageId }).orderBy('id');
  }

  async eventsOf(messageId: string): Promise<EventRow[]> {
    return this.knex('events').where({ message_id: messageId }).orderBy('id');
  }
}

export interface AttemptRow {
  id: string;
  recipient_id: string;
  message_id: string;
  outcome: string;
  category: string | null;
  response: string | null;
  response_code: number | null;
  enhanced_status: string | null;
  mx_host: string | null;
  mx_ip: string | null;
  tls: boolean | number;
  duration_ms: number;
  created_at: number;
}

export interface EventRow {
  id: string;
  account_id: string;
  message_id: string;
  recipient_id: string | null;
  recipient: string | null;
  type: string;
  data: string | null;
  created_at: number;
}
