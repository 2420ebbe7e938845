import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { QueueRepository } from '../store/queue.ts';
import type { RecipientRow } from '../store/messages.ts';
import type { DomainThrottle } from './domain-throttle.ts';

export interface WorkerOptions {
  queue: QueueRepository;
  /** Processes the rows of one message for one domain (see processor.ts). */
  processGroup: (rows: RecipientRow[], owner: string) => Promise<void>;
  concurrency: number;
  leaseMs: number;
  /** Domains it holds back are not claimed at all. */
  throttle?: DomainThrottle;
  /** Longest sleep between polls; other instances' new mail is seen at least this often. */
  pollIntervalMs?: number;
  logger: Logger;
  now?: () => number;
}

/**
 * The claim loop: lease due rows up to the free capacity, group them by message and
 * domain (one SMTP transaction carries all recipients of a message at one domain), and
 * process groups concurrently. New mail wakes it at once through `wake()`.
 */
export function createDeliveryWorker(options: WorkerOptions) {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const now = options.now ?? Date.now;
  const pollInterval = options.pollIntervalMs ?? 1000;
  let inFlight = 0;
  let running = false;
  let stopped: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let pendingWake = false;
  // Whether the last claim round may have left due rows behind for lack of capacity. Only
  // then does a finished group need to wake the loop: otherwise that claim would come back
  // empty (a write transaction and an fsync for nothing), and new mail, due retries and
  // expired leases wake it anyway (wake(), the nextDueAt sleep, the poll interval).
  let capacityBound = false;
  const groupsInFlight = new Set<Promise<void>>();

  function wake(): void {
    pendingWake = true;
    wakeUp?.();
  }

  function sleep(ms: number): Promise<void> {
    if (pendingWake) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  }

  function groupRows(rows: RecipientRow[]): RecipientRow[][] {
    const groups = new Map<string, RecipientRow[]>();
    for (const row of rows) {
      const key = `${row.message_id}\u0000${row.domain}`;
      const list = groups.get(key);
      if (list) list.push(row);
      else groups.set(key, [row]);
    }
    return [...groups.values()];
  }

  function dispatch(group: RecipientRow[]): void {
    inFlight += group.length;
    const work = (async () => {
      try {
        await options.processGroup(group, owner);
      } catch (err) {
        // The rows stay leased and come back after the lease: nothing is lost.
        options.logger.error({ event: 'delivery.group_failed', err, messageId: group[0]!.message_id }, 'delivery group failed');
      } finally {
        inFlight -= group.length;
        if (capacityBound) wake();
      }
    })();
    groupsInFlight.add(work);
    void work.finally(() => groupsInFlight.delete(work));
  }

  async function loop(): Promise<void> {
    while (running) {
      pendingWake = false;
      const capacity = options.concurrency - inFlight;
      let claimed: RecipientRow[] = [];
      const held = options.throttle?.blocked(now()) ?? [];
      if (capacity > 0) {
        try {
          claimed = await options.queue.claimDue(owner, capacity, options.leaseMs, now(), held);
        } catch (err) {
          options.logger.error({ event: 'delivery.claim_failed', err }, 'claiming due rows failed');
          await sleep(pollInterval);
          continue;
        }
      }
      capacityBound = capacity <= 0 || claimed.length === capacity;
      for (const group of groupRows(claimed)) dispatch(group);
      if (claimed.length === capacity && capacity > 0) continue;
      let delay = pollInterval;
      if (capacity > 0) {
        // Held-back domains' rows are due, but not ours to send yet: wake when they are released.
        const due = await options.queue.nextDueAt(held).catch(() => undefined);
        const released = options.throttle?.nextRelease(now());
        for (const at of [due, released]) if (at !== undefined) delay = Math.max(0, Math.min(delay, at - now()));
      }
      await sleep(delay);
    }
  }

  return {
    owner,
    wake,
    start(): void {
      if (running) return;
      running = true;
      stopped = loop();
    },
    /**
     * Stops claiming, waits up to `graceMs` for deliveries in flight, then gives back the
     * leases of anything unfinished so another instance (or the next start) takes over.
     */
    async stop(graceMs = 10_000): Promise<void> {
      if (!running) return;
      running = false;
      wakeUp?.();
      await stopped;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...groupsInFlight]),
        new Promise((resolve) => { timer = setTimeout(resolve, graceMs); }),
      ]);
      clearTimeout(timer);
      const released = await options.queue.releaseLeases(owner, now());
      if (released > 0) options.logger.warn({ event: 'delivery.leases_released', released }, 'released unfinished deliveries');
    },
    get inFlight() {
      return inFlight;
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
