/**
 * A small map whose entries expire after `ttlMs`, for reads repeated on every message.
 * Bounded: when full it starts over (cheaper than LRU bookkeeping, and a refill costs
 * one query per key), so memory stays flat whatever keys callers bring.
 */
export function createTtlCache<V>(ttlMs: number, maxEntries: number) {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key: string, now: number): V | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt > now) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(key: string, value: V, now: number): void {
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { value, expiresAt: now + ttlMs });
    },
    clear(): void {
      entries.clear();
    },
  };
}
