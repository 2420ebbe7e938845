import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, testKey, type TestDatabase } from '../helpers/databases.ts';
import { createStore, type Store } from '../../src/store/index.ts';
import { createKeyring } from '../../src/auth/keyring.ts';
import { insertAcceptedMessage } from '../../src/store/messages.ts';
import { newId } from '../../src/ids.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20); // 2026-11-20T00:00Z

for (const engine of ENGINES) {
  describe(`analytics on ${engine.name}`, () => {
    let tdb: TestDatabase;
    let store: Store;
    let accountId: string;
    let otherId: string;

    async function message(at: number, recipients: string[], tags: string[], account?: string) {
      const { messageId, recipients: rows } = await tdb.db.knex.transaction((trx) => insertAcceptedMessage(trx, {
        accountId: account ?? accountId, source: 'http', mailFrom: 'a@shop.test', fromHeader: 'a@shop.test', subject: 's', messageIdHeader: '<x@y>',
        raw: Buffer.from('From: a@shop.test\r\n\r\nhi\r\n'), tags, metadata: {}, recipients,
      }, at));
      return { messageId, rows };
    }
    async function event(messageId: string, recipient: { id: string; email: string }, type: string, at: number, data: Record<string, unknown> = {}, account?: string) {
      await tdb.db.knex('events').insert({ id: newId('evt', at), account_id: account ?? accountId, message_id: messageId, recipient_id: recipient.id, recipient: recipient.email, type, data: JSON.stringify(data), created_at: at });
    }

    before(async () => {
      tdb = await engine.create();
      store = createStore(tdb.db, createKeyring(testKey()));
      accountId = (await store.accounts.create('Analytics')).id;
      otherId = (await store.accounts.create('Other')).id;
      // Day 1: an order email to two people (one delivered and opened twice by a person, once by a proxy; one hard-bounced).
      const order = await message(T0 + 1 * HOUR, ['a@r.test', 'b@r.test'], ['order', 'transactional']);
      await event(order.messageId, order.rows[0]!, 'delivered', T0 + 1 * HOUR + 1000);
      await event(order.messageId, order.rows[0]!, 'opened', T0 + 2 * HOUR, { machine: false });
      await event(order.messageId, order.rows[0]!, 'opened', T0 + 2 * HOUR + 5, { machine: true });
      await event(order.messageId, order.rows[1]!, 'bounced', T0 + 1 * HOUR + 2000, { category: 'mailbox_unknown', enhanced_status: '5.1.1' });
      // Day 2: a newsletter to one person: delivered, soft bounce reported later, a complaint.
      const news = await message(T0 + DAY + 3 * HOUR, ['c@r.test'], ['newsletter']);
      await event(news.messageId, news.rows[0]!, 'delivered', T0 + DAY + 3 * HOUR + 1000);
      await event(news.messageId, news.rows[0]!, 'bounced', T0 + DAY + 4 * HOUR, { source: 'inbound', kind: 'soft', category: 'mailbox_full' });
      await event(news.messageId, news.rows[0]!, 'spam_complaint', T0 + DAY + 5 * HOUR);
      // Another account's activity in the same hours never shows.
      const theirs = await message(T0 + 1 * HOUR, ['a@r.test'], ['order'], otherId);
      await event(theirs.messageId, theirs.rows[0]!, 'delivered', T0 + 1 * HOUR + 500, {}, otherId);
    });
    after(async () => tdb.drop());

    test('counts by day, bounces split hard/soft, machine opens left out, other accounts invisible', async () => {
      const rows = await store.analytics.counts(accountId, { from: T0, to: T0 + 2 * DAY, granularity: 'day' });
      assert.deepEqual(rows.map((r) => [r.bucket - T0, r.counts.queued, r.counts.delivered, r.counts.hard_bounced, r.counts.soft_bounced, r.counts.opened, r.counts.spam_complaint]), [
        [0, 2, 1, 1, 0, 1, 0],
        [DAY, 1, 1, 0, 1, 0, 1],
      ]);
      const hourly = await store.analytics.counts(accountId, { from: T0, to: T0 + DAY, granularity: 'hour' });
      assert.deepEqual(hourly.map((r) => (r.bucket - T0) / HOUR), [1, 2]);
    });

    test('a tag filter and grouping by tag (JSON arrays unnested by the engine)', async () => {
      const order = await store.analytics.counts(accountId, { from: T0, to: T0 + 2 * DAY, granularity: 'day', tag: 'order' });
      assert.deepEqual(order.map((r) => [r.counts.queued, r.counts.delivered, r.counts.hard_bounced]), [[2, 1, 1]]);
      assert.deepEqual(await store.analytics.counts(accountId, { from: T0, to: T0 + 2 * DAY, granularity: 'day', tag: 'ord' }), [], 'a tag is matched whole');
      const byTag = await store.analytics.counts(accountId, { from: T0, to: T0 + 2 * DAY, granularity: 'day', byTag: true });
      assert.deepEqual(byTag.map((r) => [r.bucket - T0, r.tag, r.counts.queued, r.counts.hard_bounced, r.counts.soft_bounced]), [
        [0, 'order', 2, 1, 0],
        [0, 'transactional', 2, 1, 0],
        [DAY, 'newsletter', 1, 0, 1],
      ]);
    });

    test('activity: messages by recipient, status and tag; events by public type and recipient, newest first', async () => {
      const byRecipient = await store.analytics.messages(accountId, { limit: 10, recipient: 'B@R.test' });
      assert.equal(byRecipient.length, 1);
      assert.deepEqual(JSON.parse(byRecipient[0]!.tags!), ['order', 'transactional']);
      assert.equal((await store.analytics.messages(accountId, { limit: 10, tag: 'newsletter' })).length, 1);
      assert.equal((await store.analytics.messages(accountId, { limit: 10, from: T0 + DAY })).length, 1);
      assert.equal((await store.analytics.messages(accountId, { limit: 10, status: 'queued' })).length, 2);
      const soft = await store.analytics.events(accountId, { limit: 10, type: 'soft_bounced' });
      assert.deepEqual(soft.map((e) => e.recipient), ['c@r.test']);
      const hard = await store.analytics.events(accountId, { limit: 10, type: 'hard_bounced' });
      assert.deepEqual(hard.map((e) => e.recipient), ['b@r.test']);
      const forA = await store.analytics.events(accountId, { limit: 2, recipient: 'a@r.test' });
      assert.deepEqual(forA.map((e) => e.type), ['opened', 'opened']);
      const next = await store.analytics.events(accountId, { limit: 10, recipient: 'a@r.test', before: forA.at(-1)!.id });
      assert.deepEqual(next.map((e) => e.type), ['delivered', 'queued']);
    });
  });
}
