import type { Knex } from 'knex';
import { newId } from '../ids.ts';
import { normalizePattern, type SuppressionRepository } from './suppressions.ts';
import { ERASED_ADDRESS } from './retention.ts';

/** The recipient row an unsubscribe link names, with what the confirmation page shows. */
export interface UnsubscribeTarget {
  recipientId: string;
  messageId: string;
  accountId: string;
  email: string;
  /** The From domain of the message (A-label), the sender the recipient leaves. */
  fromDomain: string | null;
  unsubscribedAt: number | null;
}

export type UnsubscribeOutcome =
  | { kind: 'gone' }
  | { kind: 'already'; target: UnsubscribeTarget }
  | { kind: 'unsubscribed'; target: UnsubscribeTarget; suppressionCreated: boolean };

interface TargetRow {
  id: string;
  message_id: string;
  account_id: string;
  email: string;
  from_domain: string | null;
  unsubscribed_at: number | string | null;
}

// PostgreSQL's unique_violation; SQLite has one writer, so the race cannot happen there.
const UNIQUE_VIOLATION = '23505';

const TARGET_COLUMNS = ['r.id', 'r.message_id', 'r.account_id', 'r.email', 'r.unsubscribed_at', 'm.from_domain'];

function toTarget(row: TargetRow): UnsubscribeTarget {
  return {
    recipientId: row.id, messageId: row.message_id, accountId: row.account_id, email: row.email,
    fromDomain: row.from_domain, unsubscribedAt: row.unsubscribed_at === null ? null : Number(row.unsubscribed_at),
  };
}

/**
 * One-click unsubscribes (RFC 8058) through a recipient's link. The first one suppresses the
 * address for the account (reason `unsubscribe`) and records an `unsubscribed` event on the
 * message, in one transaction; the recipient row remembers it, so a replayed POST (mailbox
 * providers retry, users click twice) changes nothing and records nothing more.
 */
export class UnsubscribeRepository {
  private readonly knex: Knex;
  private readonly suppressions: SuppressionRepository;
  constructor(knex: Knex, suppressions: SuppressionRepository) {
    this.knex = knex;
    this.suppressions = suppressions;
  }

  /** The row the link names; undefined when it was deleted or erased (a privacy request): nobody is left to unsubscribe. */
  async find(recipientId: string): Promise<UnsubscribeTarget | undefined> {
    return this.target(this.knex, recipientId);
  }

  private async target(db: Knex | Knex.Transaction, recipientId: string): Promise<UnsubscribeTarget | undefined> {
    const row: TargetRow | undefined = await db('recipients as r').join('messages as m', 'm.id', 'r.message_id').where('r.id', recipientId).first(TARGET_COLUMNS);
    return row && row.email !== ERASED_ADDRESS ? toTarget(row) : undefined;
  }

  async unsubscribe(recipientId: string, now = Date.now()): Promise<UnsubscribeOutcome> {
    let outcome: UnsubscribeOutcome;
    try {
      outcome = await this.commit(recipientId, now);
    } catch (err) {
      // Two links of one address clicked at once (PostgreSQL): the loser's suppression insert
      // hit the unique key and rolled back whole; once more, it finds the winner's row.
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      outcome = await this.commit(recipientId, now);
    }
    // After the commit: a send that read "no suppressions" meanwhile must not keep that answer.
    if (outcome.kind === 'unsubscribed') this.suppressions.changed();
    return outcome;
  }

  private commit(recipientId: string, now: number): Promise<UnsubscribeOutcome> {
    return this.knex.transaction(async (trx): Promise<UnsubscribeOutcome> => {
      const target = await this.target(trx, recipientId);
      if (!target) return { kind: 'gone' };
      // The guard makes the first of two concurrent POSTs the only one that writes.
      const claimed = await trx('recipients').where({ id: recipientId }).whereNull('unsubscribed_at').update({ unsubscribed_at: now });
      if (claimed === 0) return { kind: 'already', target };
      const parsed = normalizePattern(target.email);
      const pattern = parsed.ok ? parsed.pattern : target.email.toLowerCase();
      const { created } = await this.suppressions.addWithin(trx, target.accountId, { pattern, reason: 'unsubscribe', note: `one-click unsubscribe from ${target.messageId}` }, now);
      await trx('events').insert({
        id: newId('evt', now), account_id: target.accountId, message_id: target.messageId, recipient_id: target.recipientId, recipient: target.email,
        type: 'unsubscribed', data: JSON.stringify({ suppression: created ? 'added' : 'already_suppressed' }), created_at: now,
      });
      return { kind: 'unsubscribed', target: { ...target, unsubscribedAt: now }, suppressionCreated: created };
    });
  }
}
