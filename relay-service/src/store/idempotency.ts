import type { Knex } from 'knex';
import type { InsertedMessage } from './messages.ts';
import { idempotencyRow } from './hot-writes/rows.ts';

export interface StoredIdempotentResult {
  requestHash: string;
  response: unknown;
}

/** Idempotency records live inside the accept transaction (see hot-writes/). */
export async function findIdempotencyRecord(db: Knex | Knex.Transaction, accountId: string, key: string): Promise<StoredIdempotentResult | undefined> {
  const row = await db('idempotency_keys').where({ account_id: accountId, key }).first('request_hash', 'response');
  return row ? { requestHash: row.request_hash, response: JSON.parse(row.response) } : undefined;
}

/** Stores the accept's answer (the inserted message) under the key, for replays. */
export async function insertIdempotencyRecord(
  trx: Knex.Transaction,
  record: { accountId: string; key: string; requestHash: string; inserted: InsertedMessage },
  now = Date.now(),
): Promise<void> {
  await trx('idempotency_keys').insert(idempotencyRow(record.accountId, record.key, record.requestHash, record.inserted, now));
}
