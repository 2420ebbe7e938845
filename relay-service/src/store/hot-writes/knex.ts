import type { Knex } from 'knex';
import type { Dialect } from '../db.ts';
import type { RecipientRow } from '../messages.ts';
import type { WriteBatcher } from '../write-batcher.ts';
import { insertAcceptedMessage } from '../messages.ts';
import { findIdempotencyRecord, insertIdempotencyRecord } from '../idempotency.ts';
import { attemptRows, byDueTime, claimSql } from './rows.ts';
import type { HotWrites } from './types.ts';

/** The hot writes through knex: PostgreSQL (and any engine without a raw fast path). */
export function createKnexHotWrites(dialect: Dialect, writes: WriteBatcher): HotWrites {
  return {
    acceptMessage(message, idempotency, now) {
      return writes.run(async (trx: Knex.Transaction) => {
        if (idempotency) {
          const previous = await findIdempotencyRecord(trx, message.accountId, idempotency.key);
          if (previous) {
            return previous.requestHash === idempotency.requestHash ? { kind: 'replayed', response: previous.response } : { kind: 'conflict' };
          }
        }
        const inserted = await insertAcceptedMessage(trx, message, now);
        if (idempotency) {
          await insertIdempotencyRecord(trx, { accountId: message.accountId, key: idempotency.key, requestHash: idempotency.requestHash, inserted }, now);
        }
        return { kind: 'inserted', inserted };
      });
    },

    claimDue(owner, limit, leaseMs, now, excludedDomains = []) {
      // The claim rides in the shared write transaction, so it costs no fsync of its own.
      return writes.run(async (trx) => {
        const result = await trx.raw(claimSql(dialect, excludedDomains.length), [owner, now + leaseMs, now, now, now, ...excludedDomains, limit]);
        return byDueTime(dialect === 'postgres' ? result.rows : (result as RecipientRow[]));
      });
    },

    recordAttempt(row, owner, result, decision, now) {
      const rows = attemptRows(row, result, decision, now);
      return writes.run(async (trx) => {
        const updated = await trx('recipients').where({ id: row.id, lease_owner: owner, status: 'sending' }).update(rows.recipient);
        if (updated === 0) return false;
        await trx('attempts').insert(rows.attempt);
        await trx('events').insert(rows.events);
        return true;
      });
    },
  };
}
