/**
 * Connections per destination (one key per MX address and port). Reusing an idle session
 * saves the TCP, greeting, EHLO and STARTTLS round trips for every following message, and
 * the per-key limit is the per-destination concurrency limit receivers expect of a polite
 * sender (Gmail and Outlook throttle senders that open many parallel sessions).
 */

export interface PooledConnection {
  readonly alive: boolean;
  /** Brings a reused session back to a clean state (RSET); false = discard it. */
  reset(): Promise<boolean>;
  close(): void;
}

export type OpenResult<C, F> = { ok: true; connection: C } | { ok: false; failure: F };

export interface ConnectionPoolOptions<C extends PooledConnection, F> {
  open(key: string): Promise<OpenResult<C, F>>;
  /** Most connections open (in use, opening or idle) per key at once. */
  maxPerKey: number;
  /** An idle connection is closed after this long, before the server's own idle timeout does it. */
  idleTimeoutMs: number;
}

export interface Lease<C> {
  key: string;
  connection: C;
  /** True when the connection carried an earlier message; a failure on it may just be staleness. */
  reused: boolean;
}

export type AcquireResult<C, F> = { ok: true; lease: Lease<C> } | { ok: false; failure: F | 'pool_closed' };

export interface PoolStats {
  active: number;
  idle: number;
  waiting: number;
  opened: number;
}

export interface ConnectionPool<C extends PooledConnection, F> {
  /** `fresh` skips idle connections: the retry after a stale pooled one failed. */
  acquire(key: string, options?: { fresh?: boolean }): Promise<AcquireResult<C, F>>;
  /** Hands the connection back; only `reusable` live connections are kept for the next message. */
  release(lease: Lease<C>, reusable: boolean): void;
  stats(key: string): PoolStats;
  close(): void;
}

interface KeyState<C> {
  active: number;
  opened: number;
  idle: { connection: C; timer: NodeJS.Timeout }[];
  waiters: (() => void)[];
}

export function createConnectionPool<C extends PooledConnection, F>(options: ConnectionPoolOptions<C, F>): ConnectionPool<C, F> {
  const keys = new Map<string, KeyState<C>>();
  let closed = false;

  function state(key: string): KeyState<C> {
    let s = keys.get(key);
    if (!s) {
      s = { active: 0, opened: 0, idle: [], waiters: [] };
      keys.set(key, s);
    }
    return s;
  }

  function wakeOne(s: KeyState<C>): void {
    s.waiters.shift()?.();
  }

  function takeIdle(s: KeyState<C>): C | undefined {
    while (s.idle.length > 0) {
      // Most recently used first: the likeliest to still be open at the server.
      const entry = s.idle.pop()!;
      clearTimeout(entry.timer);
      if (entry.connection.alive) return entry.connection;
      entry.connection.close();
    }
    return undefined;
  }

  async function acquire(key: string, acquireOptions: { fresh?: boolean } = {}): Promise<AcquireResult<C, F>> {
    const s = state(key);
    for (;;) {
      if (closed) return { ok: false, failure: 'pool_closed' };
      const idle = acquireOptions.fresh ? undefined : takeIdle(s);
      if (idle) {
        s.active++;
        if (await idle.reset()) return { ok: true, lease: { key, connection: idle, reused: true } };
        idle.close();
        s.active--;
        continue;
      }
      // Idle connections are open at the server too, so they count against the limit.
      if (s.active + s.idle.length < options.maxPerKey) {
        s.active++;
        s.opened++;
        const opened = await options.open(key);
        if (opened.ok) return { ok: true, lease: { key, connection: opened.connection, reused: false } };
        s.active--;
        wakeOne(s);
        return opened;
      }
      if (acquireOptions.fresh && s.idle.length > 0) {
        // At the limit with idle connections around: give one up to make room for the fresh one.
        takeIdle(s)?.close();
        continue;
      }
      await new Promise<void>((resolve) => s.waiters.push(resolve));
    }
  }

  function release(lease: Lease<C>, reusable: boolean): void {
    const s = state(lease.key);
    s.active--;
    if (reusable && !closed && lease.connection.alive) {
      const timer = setTimeout(() => {
        s.idle = s.idle.filter((entry) => entry.connection !== lease.connection);
        lease.connection.close();
      }, options.idleTimeoutMs);
      timer.unref();
      s.idle.push({ connection: lease.connection, timer });
    } else {
      lease.connection.close();
    }
    wakeOne(s);
  }

  function stats(key: string): PoolStats {
    const s = keys.get(key);
    return { active: s?.active ?? 0, idle: s?.idle.length ?? 0, waiting: s?.waiters.length ?? 0, opened: s?.opened ?? 0 };
  }

  function close(): void {
    closed = true;
    for (const s of keys.values()) {
      for (const entry of s.idle) {
        clearTimeout(entry.timer);
        entry.connection.close();
      }
      s.idle = [];
      // Waiters wake up, see the pool closed and give up.
      for (const wake of s.waiters.splice(0)) wake();
    }
  }

  return { acquire, release, stats, close };
}
