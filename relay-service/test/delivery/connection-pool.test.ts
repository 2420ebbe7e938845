import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createConnectionPool } from '../../src/delivery/connection-pool.ts';
import type { PooledConnection } from '../../src/delivery/connection-pool.ts';

class FakeConnection implements PooledConnection {
  alive = true;
  resetOk = true;
  closed = false;
  readonly id: number;
  constructor(id: number) {
    this.id = id;
  }
  reset() {
    return Promise.resolve(this.resetOk && this.alive);
  }
  close() {
    this.closed = true;
    this.alive = false;
  }
}

function pool(maxPerKey = 1, idleTimeoutMs = 60_000) {
  const opened: FakeConnection[] = [];
  const created = createConnectionPool<FakeConnection, string>({
    maxPerKey,
    idleTimeoutMs,
    open: async () => {
      const connection = new FakeConnection(opened.length + 1);
      opened.push(connection);
      return { ok: true, connection };
    },
  });
  return { pool: created, opened };
}

describe('connection pool', () => {
  it('makes a second caller wait at the limit and hands it the released connection', async () => {
    const { pool: p, opened } = pool(1);
    const first = await p.acquire('mx:25');
    assert.ok(first.ok);
    const second = p.acquire('mx:25');
    assert.equal(p.stats('mx:25').waiting, 1);
    p.release(first.lease, true);
    const got = await second;
    assert.ok(got.ok);
    assert.equal(got.lease.reused, true);
    assert.equal(opened.length, 1);
    p.close();
  });

  it('discards an idle connection whose RSET fails and opens a new one', async () => {
    const { pool: p, opened } = pool(1);
    const first = await p.acquire('mx:25');
    assert.ok(first.ok);
    p.release(first.lease, true);
    opened[0]!.resetOk = false;
    const next = await p.acquire('mx:25');
    assert.ok(next.ok);
    assert.equal(next.lease.reused, false);
    assert.equal(opened[0]!.closed, true);
    assert.equal(opened.length, 2);
    p.close();
  });

  it('closes a connection released as not reusable', async () => {
    const { pool: p, opened } = pool(2);
    const lease = await p.acquire('mx:25');
    assert.ok(lease.ok);
    p.release(lease.lease, false);
    assert.equal(opened[0]!.closed, true);
    assert.equal(p.stats('mx:25').idle, 0);
    p.close();
  });

  it('opens a fresh connection on request, closing an idle one to stay within the limit', async () => {
    const { pool: p, opened } = pool(1);
    const first = await p.acquire('mx:25');
    assert.ok(first.ok);
    p.release(first.lease, true);
    const fresh = await p.acquire('mx:25', { fresh: true });
    assert.ok(fresh.ok);
    assert.equal(fresh.lease.reused, false);
    assert.equal(opened[0]!.closed, true);
    assert.equal(p.stats('mx:25').active, 1);
    p.close();
  });

  it('closes idle connections after the idle timeout', async () => {
    const { pool: p, opened } = pool(1, 10);
    const lease = await p.acquire('mx:25');
    assert.ok(lease.ok);
    p.release(lease.lease, true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(opened[0]!.closed, true);
    assert.equal(p.stats('mx:25').idle, 0);
    p.close();
  });

  it('wakes waiters with pool_closed on shutdown', async () => {
    const { pool: p } = pool(1);
    const held = await p.acquire('mx:25');
    assert.ok(held.ok);
    const waiting = p.acquire('mx:25');
    p.close();
    assert.deepEqual(await waiting, { ok: false, failure: 'pool_closed' });
  });
});
