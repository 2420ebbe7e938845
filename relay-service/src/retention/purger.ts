import type { Logger } from 'pino';
import type { RetentionRepository } from '../store/retention.ts';

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
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function round(): Promise<void> {
    let bodies = 0;
    let messages = 0;
    let events = 0;
    for (let i = 0; i < 20 && !stopped; i++) {
      const purged = await options.retention.purgeBodies(now() - options.bodyRetentionMs, batch, now());
      bodies += purged;
      if (purged < batch) break;
    }
    for (let i = 0; i < 20 && !stopped; i++) {
      const deleted = await options.retention.purgeMessages(now() - options.eventRetentionMs, batch);
      messages += deleted.messages;
      events += deleted.events;
      if (deleted.messages < batch) break;
    }
    if (bodies + messages > 0) options.logger.info({ event: 'retention.purged', bodies, messages, events }, 'retention applied');
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round()
        .catch((err: Error) => options.logger.error({ event: 'retention.failed', err }, 'retention round failed'))
        .finally(() => {
          running = undefined;
          schedule(intervalMs);
        });
    }, delay);
    timer.unref();
  }

  schedule(Math.min(intervalMs, 5_000));
  return {
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
