import type { Knex } from 'knex';
import { newId } from '../ids.ts';

// Recipients still to be delivered; the rest are final.
const PENDING = ['queued', 'deferred', 'sending'];

export interface QueueEntry {
  message_id: string;
  account_id: string;
  created_at: number;
  mail_from: string;
  subject: string | null;
  recipients: { id: string; email: string; status: string; attempts: number; next_attempt_at: number; last_response: string | null }[];
}

export interface QueueFilter {
  domain?: string | undefined;
  account?: string | undefined;
  status?: 'queued' | 'deferred' | 'sending' | undefined;
  limit: number;
}

/**
 * What an operator does to the queue by hand (the relay's postqueue/postsuper): look at
 * it, send deferred mail now, and cancel mail that must not go out. Cancelling never
 * deletes: the recipient becomes `failed` with an event saying who cancelled it, so the
 * sender's log and webhooks learn what happened. A recipient being delivered right now
 * (`sending`) is cancelled too; its worker's late result is then discarded (lease lost).
 */
export class QueueAdminRepository {
  private readonly knex: Knex;
  constructor(knex: Knex) {
    this.knex = knex;
  }

  private pending(filter: Omit<QueueFilter, 'limit'>) {
    const q = this.knex('recipients').whereIn('status', filter.status ? [filter.status] : PENDING);
    if (filter.domain) q.andWhere('domain', filter.domain.toLowerCase());
    if (filter.account) q.andWhere('account_id', filter.account);
    return q;
  }

  /** Messages with recipients still pending, oldest first, with those recipients. */
  async list(filter: QueueFilter): Promise<QueueEntry[]> {
    const ids: { message_id: string }[] = await this.pending(filter).distinct('message_id').orderBy('message_id').limit(filter.limit);
    return this.entries(ids.map((r) => r.message_id), filter);
  }

  async show(messageId: string): Promise<QueueEntry | undefined> {
    return (await this.entries([messageId], {}))[0];
  }

  private async entries(messageIds: string[], filter: Omit<QueueFilter, 'limit'>): Promise<QueueEntry[]> {
    if (messageIds.length === 0) return [];
    const messages: { id: string; account_id: string; created_at: number; mail_from: string; subject: string | null }[] = await this.knex('messages').whereIn('id', messageIds).orderBy('id').select('id', 'account_id', 'created_at', 'mail_from', 'subject');
    const recipients: (QueueEntry['recipients'][number] & { message_id: string })[] = await this.pending(filter).whereIn('message_id', messageIds).orderBy('id')
      .select('id', 'message_id', 'email', 'status', 'attempts', 'next_attempt_at', 'last_response');
    return messages.map((m) => ({
      message_id: m.id, account_id: m.account_id, created_at: Number(m.created_at), mail_from: m.mail_from, subject: m.subject,
      recipients: recipients.filter((r) => r.message_id === m.id).map(({ message_id: _m, ...r }) => ({ ...r, attempts: Number(r.attempts), next_attempt_at: Number(r.next_attempt_at) })),
    }));
  }

  /** Makes deferred recipients due now (postqueue -f / -s domain); returns how many. */
  async retryNow(filter: { messageId?: string | undefined; domain?: string | undefined; account?: string | undefined }, now = Date.now()): Promise<number> {
    const q = this.knex('recipients').where({ status: 'deferred' });
    if (filter.messageId) q.andWhere('message_id', filter.messageId);
    if (filter.domain) q.andWhere('domain', filter.domain.toLowerCase());
    if (filter.account) q.andWhere('account_id', filter.account);
    return q.update({ next_attempt_at: now, updated_at: now });
  }

  /** Cancels pending recipients (one message, or everything to a domain); each gets a `failed` event. */
  async cancel(filter: { messageId?: string | undefined; domain?: string | undefined; account?: string | undefined }, reason: string, now = Date.now()): Promise<number> {
    if (!filter.messageId && !filter.domain && !filter.account) throw new Error('cancel needs a message, a domain or an account');
    return this.knex.transaction(async (trx) => {
      const q = trx('recipients').whereIn('status', PENDING);
      if (filter.messageId) q.andWhere('message_id', filter.messageId);
      if (filter.domain) q.andWhere('domain', filter.domain.toLowerCase());
      if (filter.account) q.andWhere('account_id', filter.account);
      const rows: { id: string; message_id: string; account_id: string; email: string }[] = await q.select('id', 'message_id', 'account_id', 'email');
      for (let i = 0; i < rows.length; i += 500) {
        const batch = rows.slice(i, i + 500);
        await trx('recipients').whereIn('id', batch.map((r) => r.id)).whereIn('status', PENDING)
          .update({ status: 'failed', lease_owner: null, lease_expires_at: null, last_response: reason, updated_at: now });
        await trx.batchInsert('events', batch.map((r) => ({
          id: newId('evt', now), account_id: r.account_id, message_id: r.message_id, recipient_id: r.id, recipient: r.email,
          type: 'failed', data: JSON.stringify({ reason }), created_at: now,
        })), 500);
      }
      return rows.length;
    });
  }
}
