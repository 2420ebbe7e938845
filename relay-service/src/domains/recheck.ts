import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { DomainService } from './service.ts';
import { startPeriodic } from '../periodic.ts';

export interface RecheckerOptions {
  knex: Knex;
  domains: DomainService;
  /** RELAY_DOMAIN_RECHECK_INTERVAL: how old a check may get before the domain is checked again. */
  intervalMs: number;
  logger: Logger;
  /** How often to look for due domains. */
  pollMs?: number;
  /** Most domains checked per round, so one round never floods the resolvers. */
  batch?: number;
  now?: () => number;
}

/**
 * Re-verifies domains in the background: a record removed or changed is noticed without
 * the owner pressing "verify", and a pending domain turns verified once its records appear.
 * Each due domain is claimed by a compare-and-set on `last_checked_at`, so when several
 * instances share a database exactly one of them checks it.
 */
export function startDomainRechecker(options: RecheckerOptions) {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? Math.min(options.intervalMs, 60_000);
  const batch = options.batch ?? 20;

  async function claim(row: { id: string; last_checked_at: number | null }, at: number): Promise<boolean> {
    const q = options.knex('domains').where({ id: row.id });
    const claimed = await (row.last_checked_at === null ? q.whereNull('last_checked_at') : q.where({ last_checked_at: row.last_checked_at })).update({ last_checked_at: at });
    return claimed === 1;
  }

  async function round(stopping: () => boolean): Promise<void> {
    const at = now();
    const due: { id: string; account_id: string; name: string; last_checked_at: number | null }[] = await options.knex('domains')
      .where((q) => q.whereNull('last_checked_at').orWhere('last_checked_at', '<', at - options.intervalMs))
      .orderBy('last_checked_at')
      .limit(batch)
      .select('id', 'account_id', 'name', 'last_checked_at');
    for (const row of due) {
      if (stopping()) return;
      if (!(await claim(row, at))) continue;
      const before = (await options.domains.get(row.account_id, row.id)).status;
      const after = (await options.domains.verify(row.account_id, row.id)).status;
      if (after !== before) {
        const level = after === 'failing' ? 'warn' : 'info';
        options.logger[level]({ event: 'domain.status_changed', domainId: row.id, domain: row.name, accountId: row.account_id, from: before, to: after }, `domain ${row.name} is now ${after}`);
      }
    }
  }

  return startPeriodic({
    intervalMs: pollMs,
    round,
    onError: (err) => options.logger.error({ event: 'domain.recheck_failed', err }, 'domain re-check round failed'),
  });
}
