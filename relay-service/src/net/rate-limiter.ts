/**
 * Per-key token buckets (one per client IP): `ratePerMinute` tokens refill continuously up
 * to a burst of the same size. The map is bounded: past `maxKeys` the least recently used
 * keys are forgotten, which only ever lets a forgotten client start again with a full
 * bucket, so a flood of distinct addresses cannot grow memory without bound.
 */
export class RateLimiter {
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxKeys: number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: { ratePerMinute: number; maxKeys?: number }) {
    this.perMs = options.ratePerMinute / 60_000;
    this.burst = options.ratePerMinute;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Takes one token for `key`; false when its bucket is empty (the caller refuses). */
  take(key: string, now = Date.now()): boolean {
    if (this.burst <= 0) return true;
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    this.buckets.delete(key);
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return allowed;
  }
}

/** Open connections per key, refusing past `max` (0 = unlimited). */
export class ConnectionCounter {
  private readonly max: number;
  private readonly open = new Map<string, number>();
  constructor(max: number) {
    this.max = max;
  }

  tryOpen(key: string): boolean {
    const n = this.open.get(key) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.open.set(key, n + 1);
    return true;
  }

  close(key: string): void {
    const n = (this.open.get(key) ?? 0) - 1;
    if (n <= 0) this.open.delete(key);
    else this.open.set(key, n);
  }
}
