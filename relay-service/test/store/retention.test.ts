import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, testKey, type TestDatabase } from '../helpers/databases.ts';
import { createStore, type Store } from '../../src/store/index.ts';
import { createKeyring } from '../../src/auth/keyring.ts';
import { insertAcceptedMessage } from '../../src/store/messages.ts';
import { ERASED_ADDRESS } from '../../src/store/retention.ts';

const DAY = 86_400_000;

for (const engine of ENGINES) {
  describe(`retention and erasure on ${engine.name}`, () => {
    let tdb: TestDatabase;
    let store: Store;
    let accountId: string;
    let otherAccount: string;

    before(async () => {
      tdb = await engine.create();
      store = createStore(tdb.db, createKeyring(testKey()));
      accountId = (await store.accounts.create('Retention')).id;
      otherAccount = (await store.accounts.create('Other')).id;
    });
    after(async () => tdb.drop());

    async function message(recipients: string[], at: number, status: string, account = accountId) {
      const { messageId } = await tdb.db.knex.transaction((trx) => insertAcceptedMessage(trx, {
        accountId: account, source: 'http', mailFrom: 'a@shop.test', fromHeader: 'a@shop.test', subject: 's', messageIdHeader: '<x@y>',
        raw: Buffer.from(`From: a@shop.test\r\nTo: ${recipients.join(', ')}\r\n\r\nhi\r\n`), tags: [], metadata: {}, recipients,
      }, at));
      await tdb.db.knex('recipients').where({ message_id: messageId }).update({ status });
      return messageId;
    }
    const raw = async (id: string) => (await store.messages.getRaw(id))?.length;

    test('bodies of finished old messages are emptied; young or unfinished ones keep theirs; old ones go whole later', async () => {
      const now = Date.now();
      const oldDone = await message(['a@r.test'], now - 40 * DAY, 'delivered');
      const oldQueued = await message(['b@r.test'], now - 40 * DAY, 'deferred');
      const young = await message(['c@r.test'], now - DAY, 'delivered');
      assert.equal(await store.retention.purgeBodies(now - 30 * DAY, 100, now), 1);
      assert.equal(await raw(oldDone), 0);
      assert.ok((await raw(oldQueued))! > 0, 'still to be delivered');
      assert.ok((await raw(young))! > 0);
      assert.equal(await store.retention.purgeBodies(now - 30 * DAY, 100, now), 0, 'idempotent');

      const ancient = await message(['d@r.test'], now - 100 * DAY, 'bounced');
      const deleted = await store.retention.purgeMessages(now - 90 * DAY, 100);
      assert.deepEqual(deleted, { messages: 1, events: 1 });
      assert.equal(await raw(ancient), undefined);
      assert.equal((await store.messages.eventsOf(ancient)).length, 0);
    });

    test('erasure: a message to the address alone is deleted; a shared one loses the body, the row keeps its status only; other accounts untouched', async () => {
      const now = Date.now();
      const alone = await message(['Gone@R.test'], now, 'delivered');
      const shared = await message(['gone@r.test', 'stay@r.test'], now, 'delivered');
      const pending = await message(['gone@r.test', 'later@r.test'], now, 'queued');
      const elsewhere = await message(['gone@r.test'], now, 'delivered', otherAccount);
      await store.suppressions.add(accountId, { pattern: 'gone@r.test', reason: 'unsubscribe' });

      const result = await store.retention.eraseRecipient(accountId, 'GONE@r.test', now);
      assert.deepEqual(result, { messages_deleted: 1, recipients_erased: 2, events_deleted: 3, bodies_purged: 1 });
      assert.equal(await raw(alone), undefined);
      assert.equal(await raw(shared), 0);
      const sharedRows = await store.messages.recipientsOf([shared]);
      assert.deepEqual(sharedRows.map((r) => [r.email, r.status]).sort(), [[ERASED_ADDRESS, 'delivered'], ['stay@r.test', 'delivered']]);
      const pendingRows = await store.messages.recipientsOf([pending]);
      assert.deepEqual(pendingRows.map((r) => [r.email, r.status]).sort(), [[ERASED_ADDRESS, 'failed'], ['later@r.test', 'queued']], 'cancelled, the other still queued');
      assert.ok((await raw(pending))! > 0, 'the body is still needed for later@r.test');
      const events = await store.messages.eventsOf(shared);
      assert.equal(events.some((e) => e.recipient === 'gone@r.test'), false);
      assert.ok((await raw(elsewhere))! > 0, 'another account\'s message is not touched');
      assert.equal((await store.suppressions.suppressedAmong(accountId, ['gone@r.test'])).get('gone@r.test'), 'unsubscribe', 'the opt-out is kept');

      // Once later@r.test is final the pending body is purged, whatever its age.
      await tdb.db.knex('recipients').where({ message_id: pending }).whereNot({ email: ERASED_ADDRESS }).update({ status: 'delivered' });
      assert.equal(await store.retention.purgeBodies(now - 30 * DAY, 100, now), 1);
      assert.equal(await raw(pending), 0);
    });
  });
}
