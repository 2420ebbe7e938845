import type { Knex } from 'knex';
import type { Dialect } from './db.ts';
import type { RecipientRow, RecipientStatus } from './messages.ts';
import type { SendResult } from '../delivery/types.ts';
import type { HotWrites } from './hot-writes/index.ts';
import { prepared, withSqliteConnection } from './sqlite-connection.ts';

/** What the processor decided for one recipient after one attempt. */
export interface AttemptDecision {
  status: Extract<RecipientStatus, 'delivered' | 'deferred' | 'bounced' | 'failed'>;
  /** When to try again, for `deferred`. */
  nextAttemptAt?: number;
  /** Event data beside the SendResult, e.g. why a deferral turned into a bounce. */
  reason?: string;
}

const NEXT_DUE_SQL = `SELECT
  (SELECT MIN(next_attempt_at) FROM recipients WHERE status IN ('queued', 'deferred')) AS due,
  (SELECT MIN(lease_expires_at) FROM recipients WHERE status = 'sending') AS leased`;

/**
 * The delivery queue: recipient rows claimed with a lease. A claimed row is `sending` and
 * owned by one worker until its lease expires; a worker that dies simply stops renewing,
 * and the row becomes claimable again (at-least-once delivery).
 */
export class QueueRepository {
  private readonly knex: Knex;
  private readonly dialect: Dialect;
  private readonly hot: HotWrites;
  constructor(knex: Knex, dialect: Dialect, hot: HotWrites) {
    this.knex = knex;
    this.dialect = dialect;
    this.hot = hot;
  }

  async claimDue(owner: string, limit: number, leaseMs: number, now = Date.now(), excludedDomains: string[] = []): Promise<RecipientRow[]> {
    // The claim rides in the shared write transaction, so it costs no fsync of its own.
    return this.hot.claimDue(owner, limit, leaseMs, now, excludedDomains);
  }

  /**
   * Hands claimed rows back unattempted, due at `until` (the domain is throttled): no
   * attempt, no event, the attempt count unchanged. Only rows this worker still holds.
   */
  async postpone(rows: RecipientRow[], owner: string, until: number, now = Date.now()): Promise<number> {
    return this.knex('recipients')
      .whereIn('id', rows.map((r) => r.id))
      .where({ lease_owner: owner, status: 'sending' })
      .update({
        status: this.knex.raw("CASE WHEN attempts = 0 THEN 'queued' ELSE 'deferred' END"),
        next_attempt_at: until,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: now,
      });
  }

  /**
   * Earliest time any row becomes due (to sleep exactly that long), or undefined if idle.
   * Rows of `excludedDomains` (throttled) do not count: the throttle says when they may go.
   */
  async nextDueAt(excludedDomains: string[] = []): Promise<number | undefined> {
    if (excludedDomains.length > 0) {
      const due = await this.knex('recipients').whereIn('status', ['queued', 'deferred']).whereNotIn('domain', excludedDomains).min({ at: 'next_attempt_at' }).first();
      const leased = await this.knex('recipients').where({ status: 'sending' }).whereNotIn('domain', excludedDomains).min({ at: 'lease_expires_at' }).first();
      const times = [due?.at, leased?.at].filter((t): t is number => t !== null && t !== undefined).map(Number);
      return times.length ? Math.min(...times) : undefined;
    }
    if (this.dialect === 'sqlite') {
      // Asked after nearly every claim round: one cached statement instead of two knex queries.
      const row = await withSqliteConnection(this.knex, (conn) => prepared(conn, NEXT_DUE_SQL).get() as { due: number | null; leased: number | null });
      const times = [row.due, row.leased].filter((t): t is number => t !== null);
      return times.length ? Math.min(...times) : undefined;
    }
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
    return this.hot.recordAttempt(row, owner, result, decision, now);
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
