import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, testKey, type TestDatabase } from '../helpers/databases.ts';
import { createStore, type Store } from '../../src/store/index.ts';
import { createKeyring } from '../../src/auth/keyring.ts';
import { insertAcceptedMessage } from '../../src/store/messages.ts';
import type { SendResult } from '../../src/delivery/types.ts';

const okResult: SendResult = {
  action: 'delivered', category: 'ok', response: '250 2.0.0 Ok', responseCode: 250, enhancedStatus: '2.0.0',
  mxHost: 'mx.example.test', mxIp: '127.0.0.1', tls: true, durationMs: 12,
};

for (const engine of ENGINES) {
  describe(`queue on ${engine.name}`, () => {
    let tdb: TestDatabase;
    let store: Store;
    let accountId: string;

    before(async () => {
      tdb = await engine.create();
      store = createStore(tdb.db, createKeyring(testKey()));
      accountId = (await store.accounts.create('Queue test')).id;
    });
    after(async () => tdb.drop());

    async function enqueue(recipients: string[], now = Date.now()) {
      return tdb.db.knex.transaction((trx) =>
        insertAcceptedMessage(trx, {
          accountId, source: 'http', mailFrom: 'a@shop.test', fromHeader: 'a@shop.test', subject: 's',
          messageIdHeader: '<x@y>', raw: Buffer.from('From: a@shop.test\r\n\r\nhi\r\n'), tags: [], metadata: {}, recipients,
        }, now));
    }

    test('an accepted message is committed with one queued row and one queued event per recipient', async () => {
      const { messageId, recipients } = await enqueue(['x@one.test', 'y@two.test']);
      const rows = await store.messages.recipientsOf([messageId]);
      assert.deepEqual(rows.map((r) => [r.email, r.domain, r.status]).sort(), [['x@one.test', 'one.test', 'queued'], ['y@two.test', 'two.test', 'queued']]);
      const events = await store.messages.eventsOf(messageId);
      assert.deepEqual(events.map((e) => e.type), ['queued', 'queued']);
      assert.equal(recipients.length, 2);
      assert.deepEqual(await store.messages.getRaw(messageId), Buffer.from('From: a@shop.test\r\n\r\nhi\r\n'));
    });

    test('a failing insert inside the transaction leaves nothing behind', async () => {
      const before = await tdb.db.knex('messages').count({ n: '*' }).first();
      await assert.rejects(tdb.db.knex.transaction(async (trx) => {
        await insertAcceptedMessage(trx, {
          accountId, source: 'http', mailFrom: 'a@shop.test', fromHeader: null, subject: null, messageIdHeader: null,
          raw: Buffer.from('x'), tags: [], metadata: {}, recipients: ['z@three.test'],
        });
        throw new Error('crash before commit');
      }), /crash before commit/);
      const after = await tdb.db.knex('messages').count({ n: '*' }).first();
      assert.equal(Number(after!.n), Number(before!.n));
    });

    test('claimDue leases due rows to one owner and never hands the same row to two owners', async () => {
      await tdb.db.knex('recipients').update({ status: 'delivered' });
      const { recipients } = await enqueue(['a@c.test', 'b@c.test', 'c@c.test']);
      const now = Date.now();
      const [first, second] = await Promise.all([
        store.queue.claimDue('worker-1', 2, 60_000, now),
        store.queue.claimDue('worker-2', 2, 60_000, now),
      ]);
      const ids = [...first, ...second].map((r) => r.id).sort();
      assert.deepEqual(ids, recipients.map((r) => r.id).sort());
      assert.ok([...first, ...second].every((r) => r.status === 'sending'));
      assert.deepEqual(await store.queue.claimDue('worker-3', 10, 60_000, now), []);
    });

    test('rows of a worker whose lease expired are claimed again by another worker', async () => {
      await tdb.db.knex('recipients').update({ status: 'delivered' });
      const { recipients } = await enqueue(['lease@d.test']);
      const t0 = Date.now();
      const [claimed] = await store.queue.claimDue('crashed-worker', 10, 1_000, t0);
      assert.equal(claimed!.id, recipients[0]!.id);
      assert.deepEqual(await store.queue.claimDue('worker-2', 10, 1_000, t0 + 500), []);
      const [again] = await store.queue.claimDue('worker-2', 10, 1_000, t0 + 1_001);
      assert.equal(again!.id, claimed!.id);
      // The crashed worker's late result is discarded: it no longer holds the lease.
      assert.equal(await store.queue.recordAttempt(claimed!, 'crashed-worker', okResult, { status: 'delivered' }), false);
      assert.equal(await store.queue.recordAttempt(again!, 'worker-2', okResult, { status: 'delivered' }), true);
      const attempts = await store.messages.attemptsOf(claimed!.message_id);
      assert.equal(attempts.length, 1);
    });

    test('recordAttempt writes the attempt, the sent and outcome events, and the new status together', async () => {
      await tdb.db.knex('recipients').update({ status: 'delivered' });
      const { messageId } = await enqueue(['defer@e.test']);
      // A later millisecond than the enqueue: events are ordered by their time-prefixed ids,
      // and within one millisecond the order of two ids is random.
      const t0 = Date.now() + 1;
      const [row] = await store.queue.claimDue('w', 1, 60_000, t0);
      const deferred: SendResult = { ...okResult, action: 'deferred', category: 'greylisted', response: '451 4.7.1 try later', responseCode: 451, enhancedStatus: '4.7.1' };
      assert.ok(await store.queue.recordAttempt(row!, 'w', deferred, { status: 'deferred', nextAttemptAt: t0 + 300_000 }, t0));
      const [r] = await store.messages.recipientsOf([messageId]);
      assert.equal(r!.status, 'deferred');
      assert.equal(r!.attempts, 1);
      assert.equal(r!.next_attempt_at, t0 + 300_000);
      assert.equal(r!.lease_owner, null);
      assert.deepEqual((await store.messages.eventsOf(messageId)).map((e) => e.type), ['queued', 'sent', 'deferred']);
      const [attempt] = await store.messages.attemptsOf(messageId);
      assert.equal(attempt!.response, '451 4.7.1 try later');
      assert.equal(attempt!.mx_host, 'mx.example.test');
      assert.equal(Boolean(attempt!.tls), true);
      // Not due before its retry time.
      assert.deepEqual(await store.queue.claimDue('w', 10, 60_000, t0 + 1000), []);
      assert.equal(await store.queue.nextDueAt(), t0 + 300_000);
    });

    test('releaseLeases hands a stopping worker\'s rows back as due at once', async () => {
      await tdb.db.knex('recipients').update({ status: 'delivered' });
      const { messageId } = await enqueue(['rel@f.test']);
      await store.queue.claimDue('stopping', 10, 60_000);
      assert.equal(await store.queue.releaseLeases('stopping'), 1);
      const [r] = await store.messages.recipientsOf([messageId]);
      assert.equal(r!.status, 'queued');
      assert.equal(r!.lease_owner, null);
      assert.equal((await store.queue.claimDue('next', 10, 60_000)).length, 1);
    });
  });
}
