import type { Knex } from 'knex';

export interface StoredIdempotentResult {
  requestHash: string;
  response: unknown;
}

/** Idempotency records live inside the accept transaction (see accept/pipeline.ts). */
export async function findIdempotencyRecord(db: Knex | Knex.Transaction, accountId: string, key: string): Promise<StoredIdempotentResult | undefined> {
  const row = await db('idempotency_keys').where({ account_id: accountId, key }).first('request_hash', 'response');
  return row ? { requestHash: row.request_hash, response: JSON.parse(row.response) } : undefined;
}

export async function insertIdempotencyRecord(
  trx: Knex.Transaction,
  record: { accountId: string; key: string; requestHash: string; messageId: string; response: unknown },
  now = Date.now(),
): Promise<void> {
  await trx('idempotency_keys').insert({
    account_id: record.accountId,
    key: record.key,
    request_hash: record.requestHash,
    message_id: record.messageId,
    response: JSON.stringify(record.response),
    created_at: now,
  });
}
