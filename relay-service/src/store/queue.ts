import type { Knex } from 'knex';
import { newId } from '../ids.ts';
import type { Dialect } from './db.ts';
import type { RecipientRow, RecipientStatus } from './messages.ts';
import type { SendResult } from '../delivery/types.ts';
import type { WriteBatcher } from './write-batcher.ts';

/** What the processor decided for one recipient after one attempt. */
export interface AttemptDecision {
  status: Extract<RecipientStatus, 'delivered' | 'deferred' | 'bounced' | 'failed'>;
  /** When to try again, for `deferred`. */
  nextAttemptAt?: number;
  /** Event data beside the SendResult, e.g. why a deferral turned into a bounce. */
  reason?: string;
}

/**
 * The delivery queue: recipient rows claimed with a lease. A claimed row is `sending` and
 * owned by one worker until its lease expires; a worker that dies simply stops renewing,
 * and the row becomes claimable again (at-least-once delivery).
 */
export class QueueRepository {
  private readonly knex: Knex;
  private readonly dialect: Dialect;
  private readonly writes: WriteBatcher;
  constructor(knex: Knex, dialect: Dialect, writes: WriteBatcher) {
    this.knex = knex;
    this.dialect = dialect;
    this.writes = writes;
  }

  async claimDue(owner: string, limit: number, leaseMs: number, now = Date.now()): Promise<RecipientRow[]> {
    // PostgreSQL: SKIP LOCKED lets several relay instances claim disjoint rows without
    // waiting on each other. SQLite has one writer at a time, so the plain form is atomic.
    // The claim rides in the shared write transaction, so it costs no fsync of its own.
    const lock = this.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
    return this.writes.run(async (trx) => {
      const result = await trx.raw(
        `UPDATE recipients SET status = 'sending', lease_owner = ?, lease_expires_at = ?, updated_at = ?
         WHERE id IN (
           SELECT id FROM recipients
           WHERE (status IN ('queued', 'deferred') AND next_attempt_at <= ?)
              OR (status = 'sending' AND lease_expires_at <= ?)
           ORDER BY next_attempt_at
           LIMIT ? ${lock})
         RETURNING *`,
        [owner, now + leaseMs, now, now, now, limit],
      );
      const rows: RecipientRow[] = this.dialect === 'postgres' ? result.rows : result;
      return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at);
    });
  }

  /** Earliest time any row becomes due (to sleep exactly that long), or undefined if idle. */
  async nextDueAt(): Promise<number | undefined> {
    const row = await this.knex('recipients')
      .whereIn('status', ['queued', 'deferred'])
      .min({ at: 'next_attempt_at' })
      .first();
    const leased = await this.knex('recipients').where({ status: 'sending' }).min({ at: 'lease_expires_at' }).first();
    const times = [row?.at, leased?.at].filter((t): t is number => t !== null && t !== undefined).map(Number);
    return times.length ? Math.min(...times) : undefined;
  }

  /**
   * Records one attempt and its consequence atomically. Returns false (and writes nothing)
   * when this worker no longer holds the lease: another instance took the row over.
   */
  async recordAttempt(row: RecipientRow, owner: string, result: SendResult, decision: AttemptDecision, now = Date.now()): Promise<boolean> {
    return this.writes.run(async (trx) => {
      const updated = await trx('recipients')
        .where({ id: row.id, lease_owner: owner, status: 'sending' })
        .update({
          status: decision.status,
          attempts: row.attempts + 1,
          next_attempt_at: decision.nextAttemptAt ?? row.next_attempt_at,
          lease_owner: null,
          lease_expires_at: null,
          last_response: result.response.slice(0, 2000),
          updated_at: now,
        });
      if (updated === 0) return false;
      await trx('attempts').insert({
        id: newId('att', now),
        recipient_id: row.id,
        message_id: row.message_id,
        outcome: result.action,
        category: result.category,
        response: result.response.slice(0, 2000),
        response_code: result.responseCode,
        enhanced_status: result.enhancedStatus,
        mx_host: result.mxHost,
        mx_ip: result.mxIp,
        tls: result.tls,
        duration_ms: Math.round(result.durationMs),
        created_at: now,
      });
      const events = [];
      if (row.attempts === 0) events.push({ type: 'sent', data: {} });
      events.push({
        type: decision.status,
        data: {
          response: result.response.slice(0, 2000),
          response_code: result.responseCode,
          enhanced_status: result.enhancedStatus,
          category: result.category,
          mx_host: result.mxHost,
          tls: result.tls,
          attempt: row.attempts + 1,
          ...(decision.nextAttemptAt && decision.status === 'deferred' ? { next_attempt_at: decision.nextAttemptAt } : {}),
          ...(decision.reason ? { reason: decision.reason } : {}),
        },
      });
      await trx('events').insert(
        events.map((e, i) => ({
          id: newId('evt', now + i),
          account_id: row.account_id,
          message_id: row.message_id,
          recipient_id: row.id,
          recipient: row.email,
          type: e.type,
          data: JSON.stringify(e.data),
          created_at: now,
        })),
      );
      return true;
    });
  }

  /** Gives back rows this worker holds (graceful shutdown): due again at once. */
  async releaseLeases(owner: string, now = Date.now()): Promise<number> {
    return this.knex('recipients')
      .where({ lease_owner: owner, status: 'sending' })
      .update({
        status: this.knex.raw("CASE WHEN attempts = 0 THEN 'queued' ELSE 'deferred' END"),
        lease_owner: null,
        lease_expires_at: null,
        next_attempt_at: now,
        updated_at: now,
      });
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows: { status: string; n: number | string }[] = await this.knex('recipients').select('status').count({ n: '*' }).groupBy('status');
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
