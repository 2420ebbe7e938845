import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, testKey, type TestDatabase } from '../helpers/databases.ts';
import { createStore, type Store } from '../../src/store/index.ts';
import { createKeyring } from '../../src/auth/keyring.ts';
import { insertAcceptedMessage } from '../../src/store/messages.ts';
import type { FeedbackEvent } from '../../src/store/bounces.ts';

const DAY = 86_400_000;

for (const engine of ENGINES) {
  describe(`bounce records on ${engine.name}`, () => {
    let tdb: TestDatabase;
    let store: Store;
    let accountId: string;

    before(async () => {
      tdb = await engine.create();
      store = createStore(tdb.db, createKeyring(testKey()));
      accountId = (await store.accounts.create('Bounce test')).id;
    });
    after(async () => tdb.drop());

    async function sendTo(recipients: string[], now = Date.now()) {
      const { messageId } = await tdb.db.knex.transaction((trx) =>
        insertAcceptedMessage(trx, {
          accountId, source: 'http', mailFrom: 'a@shop.test', fromHeader: 'a@shop.test', subject: 's',
          messageIdHeader: '<x@y>', raw: Buffer.from('From: a@shop.test\r\n\r\nhi\r\n'), tags: [], metadata: {}, recipients,
        }, now));
      await tdb.db.knex('recipients').where({ message_id: messageId }).update({ status: 'delivered' });
      return (await store.bounces.message(messageId))!;
    }

    const soft = (message: Awaited<ReturnType<typeof sendTo>>, note: string): FeedbackEvent => ({
      message, recipient: message.recipients[0]!, type: 'bounced', data: { kind: 'soft' }, suppress: null, soft: { note },
    });
    const policy = { limit: 3, windowMs: 14 * DAY };

    test('a hard bounce: event, delivered → bounced, suppression, all at once; the same report again writes nothing', async () => {
      const message = await sendTo(['dead@r.test', 'alive@r.test']);
      const dead = message.recipients.find((r) => r.email === 'dead@r.test')!;
      const event: FeedbackEvent = { message, recipient: dead, type: 'bounced', data: { kind: 'hard', status: '5.1.1' }, suppress: { reason: 'hard_bounce', note: 'Bounced: 550 5.1.1' }, soft: null };
      assert.deepEqual(await store.bounces.record(event, policy), { recorded: true, suppressed: true });
      assert.deepEqual(await store.bounces.record(event, policy), { recorded: false, suppressed: false });
      const after = (await store.bounces.message(message.id))!;
      assert.deepEqual(after.recipients.map((r) => [r.email, r.status]).sort(), [['alive@r.test', 'delivered'], ['dead@r.test', 'bounced']]);
      const events = (await store.messages.eventsOf(message.id)).filter((e) => e.type === 'bounced');
      assert.equal(events.length, 1);
      assert.deepEqual(JSON.parse(events[0]!.data!), { source: 'inbound', kind: 'hard', status: '5.1.1' });
      assert.deepEqual([...(await store.suppressions.suppressedAmong(accountId, ['dead@r.test', 'alive@r.test']))], [['dead@r.test', 'hard_bounce']]);
    });

    test('soft bounces count within the window only; the limit-th suppresses with a note that says so', async () => {
      const t0 = Date.now();
      // Two old ones fall out of the window and do not count.
      for (const at of [t0 - 20 * DAY, t0 - 15 * DAY]) await store.bounces.record(soft(await sendTo(['full@r.test'], at), 'old'), policy, at);
      assert.equal((await store.bounces.record(soft(await sendTo(['full@r.test']), 'first'), policy, t0)).suppressed, false);
      assert.equal((await store.bounces.record(soft(await sendTo(['full@r.test']), 'second'), policy, t0 + 1)).suppressed, false);
      assert.equal((await store.bounces.record(soft(await sendTo(['full@r.test']), '552 5.2.2 full'), policy, t0 + 2)).suppressed, true);
      const [row] = await store.suppressions.list(accountId, { limit: 10, search: 'full@' });
      assert.equal(row!.note, '3 soft bounces within 14 days; last: 552 5.2.2 full');
      assert.equal(Number((await tdb.db.knex('soft_bounces').where({ email: 'full@r.test' }).count({ n: '*' }).first())!.n), 3, 'rows past the window are gone');
    });

    test('a limit of 0 never suppresses on soft bounces; a delivery bounce that is hard always does', async () => {
      const none = { limit: 0, windowMs: DAY };
      for (let i = 0; i < 5; i++) assert.equal((await store.bounces.record(soft(await sendTo(['often@r.test']), 'x'), none)).suppressed, false);
      assert.equal(await store.bounces.afterDeliveryBounce({ accountId, email: 'Hard@R.test', messageId: 'msg_x', hard: true, note: '550 5.1.1' }, none), true);
      assert.deepEqual([...(await store.suppressions.suppressedAmong(accountId, ['hard@r.test', 'often@r.test']))], [['hard@r.test', 'hard_bounce']]);
    });
  });
}
