import type { Logger } from 'pino';
import type { RetentionRepository } from '../store/retention.ts';
import { startPeriodic } from '../periodic.ts';

export interface PurgerOptions {
  retention: RetentionRepository;
  /** RELAY_BODY_RETENTION: bodies of finished messages older than this are emptied. */
  bodyRetentionMs: number;
  /** RELAY_EVENT_RETENTION: finished messages older than this are deleted with their events. */
  eventRetentionMs: number;
  logger: Logger;
  intervalMs?: number;
  batch?: number;
  now?: () => number;
}

/**
 * Applies retention in the background, a bounded batch at a time so a large backlog never
 * holds the database for long. Idempotent: several instances may run it side by side.
 */
export function startRetentionPurger(options: PurgerOptions) {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  const batch = options.batch ?? 500;

  async function round(stopping: () => boolean): Promise<void> {
    let bodies = 0;
    let messages = 0;
    let events = 0;
    for (let i = 0; i < 20 && !stopping(); i++) {
      const purged = await options.retention.purgeBodies(now() - options.bodyRetentionMs, batch, now());
      bodies += purged;
      if (purged < batch) break;
    }
    for (let i = 0; i < 20 && !stopping(); i++) {
      const deleted = await options.retention.purgeMessages(now() - options.eventRetentionMs, batch);
      messages += deleted.messages;
      events += deleted.events;
      if (deleted.messages < batch) break;
    }
    if (bodies + messages > 0) options.logger.info({ event: 'retention.purged', bodies, messages, events }, 'retention applied');
  }

  return startPeriodic({
    intervalMs,
    firstDelayMs: Math.min(intervalMs, 5_000),
    round,
    onError: (err) => options.logger.error({ event: 'retention.failed', err }, 'retention round failed'),
  });
}
