import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, testKey, type TestDatabase } from '../helpers/databases.ts';
import { createStore, type Store } from '../../src/store/index.ts';
import { createKeyring } from '../../src/auth/keyring.ts';
import { insertAcceptedMessage } from '../../src/store/messages.ts';

const fail = { ok: false, statusCode: 500, error: 'HTTP 500', responseExcerpt: null, durationMs: 3 };
const succeed = { ok: true, statusCode: 200, error: null, responseExcerpt: 'ok', durationMs: 3 };

for (const engine of ENGINES) {
  describe(`webhook queue on ${engine.name}`, () => {
    let tdb: TestDatabase;
    let store: Store;
    let accountId: string;

    before(async () => {
      tdb = await engine.create();
      store = createStore(tdb.db, createKeyring(testKey()));
      accountId = (await store.accounts.create('Hooks')).id;
    });
    after(async () => tdb.drop());

    const accept = (now: number) => tdb.db.knex.transaction((trx) => insertAcceptedMessage(trx, {
      accountId, source: 'http', mailFrom: 'a@shop.test', fromHeader: 'a@shop.test', subject: 's', messageIdHeader: '<x@y>',
      raw: Buffer.from('From: a@shop.test\r\n\r\nhi\r\n'), tags: [], metadata: {}, recipients: ['r1@c.test', 'r2@c.test'],
    }, now));

    test('fan-out creates one delivery per subscribed, settled event; a second instance with a stale cursor creates none', async () => {
      const t0 = Date.now();
      await accept(t0 - 10_000); // before the endpoint: not its business
      const endpoint = await store.webhooks.create(accountId, { url: 'http://127.0.0.1:9/x', eventTypes: ['queued'], secret: 'whsec_test' }, t0);
      const stale = { ...endpoint };
      await accept(t0 + 1);
      await accept(t0 + 5_000); // not settled yet at t0 + 2000
      assert.deepEqual(await store.webhooks.fanOut(endpoint, t0 + 2_000, 500, t0 + 3_000), { scanned: 2, created: 2 });
      assert.deepEqual(await store.webhooks.fanOut(stale, t0 + 2_000, 500, t0 + 3_000), { scanned: 0, created: 0 }, 'the cursor moved under it');
      assert.deepEqual(await store.webhooks.fanOut(endpoint, t0 + 6_000, 500, t0 + 6_000), { scanned: 2, created: 2 });

      const claimed = await store.webhooks.claimDue('w1', 10, 60_000, t0 + 7_000);
      assert.equal(claimed.length, 4);
      assert.equal(claimed[0]!.secret, 'whsec_test');
      assert.deepEqual(await store.webhooks.claimDue('w2', 10, 60_000, t0 + 7_000), [], 'leased rows are not claimed twice');
      // The lease runs out (the worker died): another worker takes the rows over.
      assert.equal((await store.webhooks.claimDue('w2', 10, 60_000, t0 + 70_000)).length, 4);
    });

    test('giving up disables an endpoint that never succeeded; one success since creation keeps it enabled', async () => {
      const t0 = Date.now() + 100_000;
      const endpoint = await store.webhooks.create(accountId, { url: 'http://127.0.0.1:9/y', eventTypes: null, secret: 's' }, t0);
      await accept(t0 + 1);
      await store.webhooks.fanOut(endpoint, t0 + 10, 500, t0 + 20);
      const [first, ...rest] = await store.webhooks.claimDue('w', 100, 1_000, t0 + 30);
      assert.ok(first && rest.length >= 1);
      assert.deepEqual(await store.webhooks.recordAttempt(first!, succeed, null, t0 + 40), { disabled: false });
      assert.deepEqual(await store.webhooks.recordAttempt(rest[0]!, fail, null, t0 + 50), { disabled: false }, 'something succeeded since it was created');
      await accept(t0 + 60);
      await store.webhooks.fanOut(endpoint, t0 + 70, 500, t0 + 100);
      const later = (await store.webhooks.claimDue('w', 100, 1_000, t0 + 200)).filter((d) => d.created_at === t0 + 100);
      assert.deepEqual(await store.webhooks.recordAttempt(later[0]!, fail, null, t0 + 300), { disabled: true });
      const view = (await store.webhooks.get(accountId, endpoint.id))!;
      assert.equal(Boolean(view.enabled), false);
      assert.equal(view.disabled_reason, 'No delivery succeeded for the whole retry period; last error: HTTP 500');
      const history = await store.webhooks.history(endpoint.id, { limit: 10 });
      assert.deepEqual(history.map((h) => [Boolean(h.ok), h.status_code]), [[false, 500], [false, 500], [true, 200]]);
    });
  });
}
