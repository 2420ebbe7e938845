import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, testKey, type TestDatabase } from '../helpers/databases.ts';
import { createStore, type Store } from '../../src/store/index.ts';
import { createKeyring } from '../../src/auth/keyring.ts';
import { createWriteBatcher } from '../../src/store/write-batcher.ts';
import { createHotWrites } from '../../src/store/hot-writes/index.ts';
import type { NewMessage } from '../../src/store/messages.ts';

for (const engine of ENGINES) {
  describe(`hot writes on ${engine.name}`, () => {
    let tdb: TestDatabase;
    let store: Store;
    let accountId: string;

    before(async () => {
      tdb = await engine.create();
      store = createStore(tdb.db, createKeyring(testKey()));
      accountId = (await store.accounts.create('Hot writes test')).id;
    });
    after(async () => tdb.drop());

    function message(overrides: Partial<NewMessage> = {}): NewMessage {
      return {
        accountId, source: 'http', mailFrom: 'a@shop.test', fromHeader: 'a@shop.test', subject: null, messageIdHeader: '<x@y>',
        raw: Buffer.from('From: a@shop.test\r\n\r\nhi\r\n'), tags: ['t'], metadata: { k: 'v' }, recipients: ['x@one.test', 'y@Two.TEST'], ...overrides,
      };
    }

    test('an accepted message is stored whole: message, queued rows with lower-case domains, queued events', async () => {
      const outcome = await store.hotWrites.acceptMessage(message(), undefined, 1_000);
      assert.equal(outcome.kind, 'inserted');
      if (outcome.kind !== 'inserted') return;
      const rows = await store.messages.recipientsOf([outcome.inserted.messageId]);
      assert.deepEqual(rows.map((r) => [r.email, r.domain, r.status, r.attempts, r.next_attempt_at]).sort(), [
        ['x@one.test', 'one.test', 'queued', 0, 1_000], ['y@Two.TEST', 'two.test', 'queued', 0, 1_000],
      ]);
      const stored = await store.messages.get(accountId, outcome.inserted.messageId);
      assert.deepEqual([stored!.tags, stored!.metadata, stored!.subject, stored!.size], ['["t"]', '{"k":"v"}', null, 25]);
      assert.deepEqual(await store.messages.getRaw(outcome.inserted.messageId), message().raw);
      const events = await store.messages.eventsOf(outcome.inserted.messageId);
      assert.deepEqual(events.map((e) => [e.type, e.data]), [['queued', '{"source":"http"}'], ['queued', '{"source":"http"}']]);
    });

    test('per-recipient header lines are stored on the rows with the ids chosen beforehand, and the claim hands them to delivery', async () => {
      await tdb.db.knex('recipients').whereIn('status', ['queued', 'deferred']).update({ status: 'delivered' });
      const perRecipient = { ids: ['rcpt_0000000001aaaaaaaaaaaaaaaa', 'rcpt_0000000001bbbbbbbbbbbbbbbb'], headerPrefixes: ['List-Unsubscribe: <https://r.test/u/1>\r\n', null] };
      const outcome = await store.hotWrites.acceptMessage(message({ perRecipient, suppressed: new Map([['y@Two.TEST', 'unsubscribe']]) }), undefined, 1_500);
      assert.equal(outcome.kind, 'inserted');
      if (outcome.kind !== 'inserted') return;
      assert.deepEqual(outcome.inserted.recipients.map((r) => r.id), perRecipient.ids);
      const claimed = await store.queue.claimDue('w', 10, 60_000, 1_500);
      assert.deepEqual(claimed.map((r) => [r.id, r.header_prefix]), [[perRecipient.ids[0], perRecipient.headerPrefixes[0]]]);
      const plain = await store.hotWrites.acceptMessage(message(), undefined, 1_600);
      if (plain.kind !== 'inserted') return assert.fail('not inserted');
      const rows = await store.messages.recipientsOf([plain.inserted.messageId]);
      assert.deepEqual(rows.map((r) => r.header_prefix), [null, null]);
    });

    test('one Idempotency-Key in one batch: the first inserts, the same request replays, another request conflicts', async () => {
      const claim = { key: 'same-batch', requestHash: 'h1' };
      const [first, replay, conflict] = await Promise.all([
        store.hotWrites.acceptMessage(message(), claim, 2_000),
        store.hotWrites.acceptMessage(message(), claim, 2_000),
        store.hotWrites.acceptMessage(message(), { key: 'same-batch', requestHash: 'h2' }, 2_000),
      ]);
      assert.equal(first.kind, 'inserted');
      if (first.kind !== 'inserted') return;
      assert.deepEqual(replay, { kind: 'replayed', response: first.inserted });
      assert.deepEqual(conflict, { kind: 'conflict' });
      const messages = await tdb.db.knex('messages').where({ created_at: 2_000 });
      assert.equal(messages.length, 1, 'neither the replay nor the conflict wrote a message');
    });

    test('a unit that fails rolls back alone: its neighbours in the batch are committed, it leaves nothing', async () => {
      const before = Number((await tdb.db.knex('messages').count({ n: '*' }).first())!.n);
      const results = await Promise.allSettled([
        store.hotWrites.acceptMessage(message(), undefined, 3_000),
        // No such account: the foreign key fails after nothing else of this unit was written.
        store.hotWrites.acceptMessage(message({ accountId: 'acc_missing' }), undefined, 3_000),
        store.hotWrites.acceptMessage(message(), undefined, 3_000),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      const after = Number((await tdb.db.knex('messages').count({ n: '*' }).first())!.n);
      assert.equal(after, before + 2);
      assert.equal((await tdb.db.knex('recipients').where({ account_id: 'acc_missing' })).length, 0);
      assert.equal((await tdb.db.knex('events').where({ account_id: 'acc_missing' })).length, 0);
    });

    test('no unit resolves before the shared sync after its commit', async () => {
      let release!: () => void;
      let syncs = 0;
      const writes = createWriteBatcher(tdb.db.knex, { sync: () => { syncs++; return new Promise<void>((resolve) => { release = resolve; }); } });
      const hot = createHotWrites(tdb.db.dialect, writes);
      let settled = false;
      const pending = hot.acceptMessage(message(), undefined, 4_000).then((o) => { settled = true; return o; });
      while (syncs === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // Committed (visible to readers) but not yet reported: the fsync has not finished.
      assert.equal((await tdb.db.knex('messages').where({ created_at: 4_000 })).length, 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(settled, false);
      release();
      assert.equal((await pending).kind, 'inserted');
    });
  });
}

describe('SQLite write batch', () => {
  let tdb: TestDatabase;
  before(async () => {
    tdb = await ENGINES.find((e) => e.name === 'sqlite')!.create();
  });
  after(async () => tdb.drop());

  test('raw units that arrive in one turn share one transaction on the pool connection, in arrival order', async () => {
    const batcher = createWriteBatcher(tdb.db.knex);
    const connections = new Set<unknown>();
    const order: number[] = [];
    const writes = Array.from({ length: 20 }, (_, i) => batcher.runSqlite((conn) => {
      connections.add(conn);
      assert.equal(conn.inTransaction, true);
      order.push(i);
      conn.prepare('INSERT INTO relay_settings (key, value) VALUES (?, ?)').run(`raw${i}`, String(i));
      return i;
    }));
    assert.deepEqual(await Promise.all(writes), order);
    assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => i));
    assert.equal(connections.size, 1);
    // The same connection knex uses: no second writer was opened.
    const knexConn = await tdb.db.knex.client.acquireConnection();
    await tdb.db.knex.client.releaseConnection(knexConn);
    assert.ok(connections.has(knexConn));
  });

  test('raw and knex units interleave without sharing a transaction, and each commits', async () => {
    const batcher = createWriteBatcher(tdb.db.knex);
    const results = await Promise.all([
      batcher.runSqlite((conn) => conn.prepare("INSERT INTO relay_settings (key, value) VALUES ('mix1', '1')").run().changes),
      batcher.run(async (trx) => (await trx('relay_settings').insert({ key: 'mix2', value: '2' }), 1)),
      batcher.runSqlite((conn) => conn.prepare("INSERT INTO relay_settings (key, value) VALUES ('mix3', '3')").run().changes),
    ]);
    assert.deepEqual(results, [1, 1, 1]);
    assert.equal((await tdb.db.knex('relay_settings').whereIn('key', ['mix1', 'mix2', 'mix3'])).length, 3);
  });
});
