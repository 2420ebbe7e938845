import type { Knex } from 'knex';
import { idBoundary } from '../ids.ts';

// Recipients in these states still need the message body.
const UNFINISHED = ['queued', 'deferred', 'sending'];

export interface ErasureResult {
  messages_deleted: number;
  recipients_erased: number;
  events_deleted: number;
  bodies_purged: number;
}

/** The address an erased recipient row keeps: the row (and its counts) stay, the person does not. */
export const ERASED_ADDRESS = 'erased@erased.invalid';

/**
 * Retention and erasure. Bodies go first (they hold the content and every address of the
 * message), the rest later; an erasure request removes one person from an account's
 * history at once. Each step works in bounded batches and only on messages whose every
 * recipient is final: nothing still to be delivered is touched by retention.
 */
export class RetentionRepository {
  private readonly knex: Knex;
  constructor(knex: Knex) {
    this.knex = knex;
  }

  /** Empties the bodies of finished messages created before `before`, or marked by an erasure. */
  async purgeBodies(before: number, limit: number, now = Date.now()): Promise<number> {
    const ids: { id: string }[] = await this.knex('messages as m')
      .where((q) => q.where('m.id', '<', idBoundary('msg', before)).orWhere('m.purge_pending', true))
      .whereNull('m.raw_purged_at')
      .whereNotExists((q) => q.select(this.knex.raw('1')).from('recipients as r').whereRaw('r.message_id = m.id').whereIn('r.status', UNFINISHED))
      .limit(limit)
      .select('m.id');
    if (ids.length === 0) return 0;
    return this.knex('messages').whereIn('id', ids.map((r) => r.id)).update({ raw: Buffer.alloc(0), raw_purged_at: now, purge_pending: false });
  }

  /** Deletes finished messages (with their recipients, attempts and events) created before `before`. */
  async purgeMessages(before: number, limit: number): Promise<{ messages: number; events: number }> {
    const ids: { id: string }[] = await this.knex('messages as m')
      .where('m.id', '<', idBoundary('msg', before))
      .whereNotExists((q) => q.select(this.knex.raw('1')).from('recipients as r').whereRaw('r.message_id = m.id').whereIn('r.status', UNFINISHED))
      .limit(limit)
      .select('m.id');
    if (ids.length === 0) return { messages: 0, events: 0 };
    return this.knex.transaction(async (trx) => {
      const list = ids.map((r) => r.id);
      // events carry no foreign key (they are written on the hot path); recipients and attempts cascade.
      const events = await trx('events').whereIn('message_id', list).delete();
      const messages = await trx('messages').whereIn('id', list).delete();
      return { messages, events };
    });
  }

  /**
   * A privacy request: removes `email` from the account's history. A message sent to that
   * address alone is deleted whole; one with other recipients loses its body (the address
   * is in its headers) and that recipient's events and attempts, and the recipient row keeps
   * only its status under ERASED_ADDRESS. Undelivered mail to the address is cancelled
   * (`failed`). Suppressions are kept: they are what honours an opt-out, and a site owner
   * removes them explicitly if asked to.
   */
  async eraseRecipient(accountId: string, email: string, now = Date.now()): Promise<ErasureResult> {
    const address = email.toLowerCase();
    return this.knex.transaction(async (trx) => {
      const rows: { id: string; message_id: string }[] = await trx('recipients').where({ account_id: accountId }).whereRaw('LOWER(email) = ?', [address]).select('id', 'message_id');
      const result: ErasureResult = { messages_deleted: 0, recipients_erased: 0, events_deleted: 0, bodies_purged: 0 };
      const messageIds = [...new Set(rows.map((r) => r.message_id))];
      for (const messageId of messageIds) {
        const others = await trx('recipients').where({ message_id: messageId }).whereRaw('LOWER(email) <> ?', [address]).count({ n: '*' }).first();
        if (Number(others?.n ?? 0) === 0) {
          result.events_deleted += await trx('events').where({ message_id: messageId }).delete();
          result.messages_deleted += await trx('messages').where({ id: messageId, account_id: accountId }).delete();
          continue;
        }
        const mine = rows.filter((r) => r.message_id === messageId).map((r) => r.id);
        result.events_deleted += await trx('events').whereIn('recipient_id', mine).delete();
        await trx('attempts').whereIn('recipient_id', mine).delete();
        await trx('recipients').whereIn('id', mine).whereIn('status', UNFINISHED).update({ status: 'failed', last_response: 'cancelled by an erasure request', lease_owner: null, lease_expires_at: null });
        result.recipients_erased += await trx('recipients').whereIn('id', mine).update({ email: ERASED_ADDRESS, last_response: null, updated_at: now });
        // The body names the address too; if others still await delivery it is purged once they are final.
        const pending = await trx('recipients').where({ message_id: messageId }).whereIn('status', UNFINISHED).first('id');
        if (pending) await trx('messages').where({ id: messageId }).update({ purge_pending: true });
        else result.bodies_purged += await trx('messages').where({ id: messageId }).whereNull('raw_purged_at').update({ raw: Buffer.alloc(0), raw_purged_at: now });
      }
      // Events recorded for the address without a recipient row of its own (none today) and soft-bounce counts.
      result.events_deleted += await trx('events').where({ account_id: accountId }).whereRaw('LOWER(recipient) = ?', [address]).delete();
      await trx('soft_bounces').where({ account_id: accountId, email: address }).delete();
      return result;
    });
  }
}
