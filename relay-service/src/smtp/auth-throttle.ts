/**
 * Slows and then stops password guessing against SMTP AUTH, per client address.
 *
 * Every failed attempt is answered only after a delay that doubles with each failure
 * (baseDelayMs, 2x, 4x, ... capped at maxDelayMs), which costs a guesser time while a
 * user who mistyped once barely notices. Once an address has failed maxFailures times,
 * each failure within windowMs of the previous one, it is locked out: further AUTH
 * attempts are refused with 421 4.7.0 without the credentials being checked (so a
 * correct guess during the lockout is worth nothing), until windowMs have passed since
 * its last failure. A successful login clears the address's record. IPv6 clients are
 * counted per /64, since one host usually owns a whole /64 and could rotate inside it.
 */
import net from 'node:net';

export interface AuthThrottleOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  maxFailures: number;
  windowMs: number;
  /** Bounds memory under a distributed attack; the oldest records are forgotten first. */
  maxTrackedAddresses?: number;
  now?: () => number;
}

interface FailureRecord {
  failures: number;
  lastFailureAt: number;
}

export class AuthThrottle {
  readonly #options: Required<AuthThrottleOptions>;
  readonly #records = new Map<string, FailureRecord>();

  constructor(options: AuthThrottleOptions) {
    this.#options = { maxTrackedAddresses: 10_000, now: Date.now, ...options };
  }

  isLockedOut(ip: string): boolean {
    const record = this.#current(throttleKey(ip));
    return record !== undefined && record.failures >= this.#options.maxFailures;
  }

  /** Counts a failure and returns how long to wait before answering it. */
  recordFailure(ip: string): number {
    const key = throttleKey(ip);
    const now = this.#options.now();
    const record = this.#current(key) ?? { failures: 0, lastFailureAt: now };
    record.failures += 1;
    record.lastFailureAt = now;
    // Re-insert so Map order stays least-recently-failed first, which is what eviction drops.
    this.#records.delete(key);
    this.#records.set(key, record);
    this.#evictOverflow();
    return this.delayFor(record.failures);
  }

  recordSuccess(ip: string): void {
    this.#records.delete(throttleKey(ip));
  }

  delayFor(failures: number): number {
    const { baseDelayMs, maxDelayMs } = this.#options;
    if (failures <= 0 || baseDelayMs <= 0) return 0;
    return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(failures - 1, 30));
  }

  #current(key: string): FailureRecord | undefined {
    const record = this.#records.get(key);
    if (record && this.#options.now() - record.lastFailureAt > this.#options.windowMs) {
      this.#records.delete(key);
      return undefined;
    }
    return record;
  }

  #evictOverflow(): void {
    while (this.#records.size > this.#options.maxTrackedAddresses) {
      const oldest = this.#records.keys().next().value;
      if (oldest === undefined) return;
      this.#records.delete(oldest);
    }
  }
}

/** The address a record is kept under: IPv4 as is, IPv6 by its /64 prefix. */
export function throttleKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!net.isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = ip.includes('::') && tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
