import type { Knex } from 'knex';
import { newId } from '../ids.ts';

/** A tracked message as the tracking routes need it. */
export interface TrackedMessage {
  id: string;
  accountId: string;
  /** The recipient an open or click is attributed to: the only one that was sent to, else null. */
  recipient: { id: string; email: string; deliveredAt: number | null } | null;
}

/**
 * Opens and clicks. One body is shared by every recipient of a message, so the tokens name
 * the message; an event is attributed to a person when the message went to exactly one
 * (suppressed recipients were never sent to and do not count). Several recipients: the
 * event belongs to the message, with no recipient.
 */
export class TrackingRepository {
  private readonly knex: Knex;
  constructor(knex: Knex) {
    this.knex = knex;
  }

  async message(messageId: string): Promise<TrackedMessage | undefined> {
    const row: { id: string; account_id: string } | undefined = await this.knex('messages').where({ id: messageId }).first('id', 'account_id');
    if (!row) return undefined;
    const sent: { id: string; email: string }[] = await this.knex('recipients').where({ message_id: messageId }).whereNot({ status: 'suppressed' }).select('id', 'email');
    if (sent.length !== 1) return { id: row.id, accountId: row.account_id, recipient: null };
    const delivered: { created_at: number | string } | undefined = await this.knex('events').where({ recipient_id: sent[0]!.id, type: 'delivered' }).orderBy('id').first('created_at');
    return { id: row.id, accountId: row.account_id, recipient: { ...sent[0]!, deliveredAt: delivered ? Number(delivered.created_at) : null } };
  }

  async record(message: TrackedMessage, type: 'opened' | 'clicked', data: Record<string, unknown>, now = Date.now()): Promise<string> {
    const id = newId('evt', now);
    await this.knex('events').insert({
      id, account_id: message.accountId, message_id: message.id, recipient_id: message.recipient?.id ?? null, recipient: message.recipient?.email ?? null,
      type, data: JSON.stringify(data), created_at: now,
    });
    return id;
  }
}
