import type { Knex } from 'knex';
import { RelayError } from '../errors.ts';
import { idBoundary } from '../ids.ts';
import type { AccountRepository } from '../store/accounts.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
// A daily count is read from the database at most this often per account and instance; in
// between, this instance's own accepts are added. Other instances' sends are seen within it.
const DAILY_REFRESH_MS = 10_000;

/**
 * Per-account sending limits, checked before a message is accepted: messages a minute
 * (counted in the database over the last 60 s, so every instance sees every send) and
 * messages a UTC day (a count refreshed every few seconds). A refusal says when to come
 * back: `Retry-After` on HTTP (429), and 451 4.7.1 on SMTP, which MTAs retry by themselves.
 * Accounts without limits cost nothing here. Checks and commits are not one transaction:
 * concurrent sends may overshoot a limit by the few messages in flight.
 */
export function createSendingLimits(deps: { knex: Knex; accounts: AccountRepository }) {
  const daily = new Map<string, { day: number; count: number; readAt: number }>();

  async function countSince(accountId: string, since: number, cap: number): Promise<number> {
    // A count capped at `cap` rows: the index range is walked no further than the limit needs.
    const recent = deps.knex('messages').where('account_id', accountId).andWhere('id', '>=', idBoundary('msg', since)).select(deps.knex.raw('1 AS one')).limit(cap).as('recent');
    const row = (await deps.knex.from(recent).count({ n: '*' }).first()) as { n?: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async function dailyCount(accountId: string, now: number): Promise<number> {
    const day = Math.floor(now / DAY);
    const cached = daily.get(accountId);
    if (cached && cached.day === day && now - cached.readAt < DAILY_REFRESH_MS) return cached.count;
    const count = await countSince(accountId, day * DAY, Number.MAX_SAFE_INTEGER);
    daily.set(accountId, { day, count, readAt: now });
    return count;
  }

  return {
    async check(accountId: string, now = Date.now()): Promise<void> {
      const limits = await deps.accounts.sendingLimits(accountId, now);
      if (limits.ratePerMinute !== null) {
        const recent = await countSince(accountId, now - MINUTE, limits.ratePerMinute + 1);
        if (recent >= limits.ratePerMinute) {
          const oldest: { created_at: number | string } | undefined = await deps.knex('messages').where('account_id', accountId).andWhere('id', '>=', idBoundary('msg', now - MINUTE)).orderBy('id').first('created_at');
          const retryAfter = Math.max(1, Math.ceil(((oldest ? Number(oldest.created_at) : now) + MINUTE - now) / 1000));
          throw new RelayError('rate_limited', `The account may send ${limits.ratePerMinute} messages a minute; try again in ${retryAfter} s`, undefined, { retry_after: retryAfter });
        }
      }
      if (limits.dailyQuota !== null && (await dailyCount(accountId, now)) >= limits.dailyQuota) {
        const retryAfter = Math.ceil(((Math.floor(now / DAY) + 1) * DAY - now) / 1000);
        throw new RelayError('quota_exceeded', `The account has sent its daily quota of ${limits.dailyQuota} messages; it resets at 00:00 UTC`, undefined, { retry_after: retryAfter });
      }
    },

    /** Counts an accepted message towards the cached daily total. */
    accepted(accountId: string, now = Date.now()): void {
      const cached = daily.get(accountId);
      if (cached && cached.day === Math.floor(now / DAY)) cached.count++;
    },
  };
}

export type SendingLimits = ReturnType<typeof createSendingLimits>;
