import { parseDuration } from '../config/parse.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Delay before attempt n+1 after n failed attempts. The last entry repeats until the maximum
 * queue age; the cumulative time since the first attempt is beside each entry.
 */
export const DEFAULT_RETRY_DELAYS: readonly number[] = [
  5 * MINUTE, //  5m after the first attempt  (cumulative  5m)
  10 * MINUTE, // 10m                          (cumulative 15m)
  30 * MINUTE, // 30m                          (cumulative 45m)
  1 * HOUR, //    1h                           (cumulative 1h45m)
  2 * HOUR, //    2h                           (cumulative 3h45m)
  4 * HOUR, //    4h, then every 4h             (cumulative 7h45m, 11h45m, ... 47h45m)
];

/** Matches RELAY_MAX_QUEUE_AGE's default: mail still undelivered after 48h bounces. */
export const DEFAULT_MAX_QUEUE_AGE = 48 * HOUR;

export interface RetryPolicy {
  delaysMs: readonly number[];
  maxAgeMs: number;
  /** Spread of each delay, as a fraction (0.1 = ±10%), so deferred mail for one host does not return in a burst. */
  jitter: number;
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  delaysMs: DEFAULT_RETRY_DELAYS,
  maxAgeMs: DEFAULT_MAX_QUEUE_AGE,
  jitter: 0.1,
  random: Math.random,
};

/** Builds a policy from operator text (`5m,10m,30m,1h` and `48h`), as in RELAY_RETRY_SCHEDULE. */
export function parseRetryPolicy(schedule: string | string[], maxAge: string | number, overrides: Partial<Pick<RetryPolicy, 'jitter' | 'random'>> = {}): RetryPolicy {
  const items = (Array.isArray(schedule) ? schedule : schedule.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new Error('The retry schedule needs at least one delay');
  const delaysMs = items.map((item) => {
    const ms = parseDuration(item);
    if (ms <= 0) throw new Error(`Retry delay "${item}" must be longer than zero`);
    return ms;
  });
  const maxAgeMs = typeof maxAge === 'number' ? maxAge : parseDuration(maxAge);
  return { ...DEFAULT_RETRY_POLICY, ...overrides, delaysMs, maxAgeMs };
}

/**
 * When to try again after `attempts` failed attempts (epoch ms), or null when the recipient
 * has been queued for the maximum age and should bounce. An attempt due past the deadline is
 * moved to the deadline, so the last try happens at max age rather than hours before it.
 */
export function nextAttemptAt(attempts: number, firstQueuedAt: number, now: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number | null {
  const deadline = firstQueuedAt + policy.maxAgeMs;
  if (now >= deadline) return null;
  const index = Math.min(Math.max(attempts, 1), policy.delaysMs.length) - 1;
  const base = policy.delaysMs[index]!;
  const spread = base * policy.jitter * (policy.random() * 2 - 1);
  return Math.min(Math.round(now + base + spread), deadline);
}
