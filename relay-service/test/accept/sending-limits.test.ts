import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { ADMIN_TOKEN, api, provisionAccount, startTestRelay, type ProvisionedAccount, type TestRelay } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { SmtpTestClient } from '../helpers/smtp-client.ts';
import { createPostgresDatabase, type TestDatabase } from '../helpers/databases.ts';

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`sending limits per account on ${engine}`, () => {
    let relay: TestRelay;
    let sink: SmtpSink;
    let pg: TestDatabase | undefined;
    let shop: ProvisionedAccount;

    before(async () => {
      sink = await startSmtpSink();
      pg = engine === 'postgres' ? await createPostgresDatabase() : undefined;
      relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}`, ...(pg ? { RELAY_DATABASE_URL: pg.url } : {}) });
      shop = await provisionAccount(relay.baseUrl, 'shop.test');
    });
    after(async () => {
      await relay?.close();
      await sink?.close();
      await pg?.drop();
    });

    const send = (account: ProvisionedAccount, n: number) => api(relay.baseUrl, 'POST', '/v1/emails', { token: account.token, body: { from: { email: 'a@shop.test' }, to: [{ email: `r${n}@customer.test` }], subject: `m${n}`, text: 'x' } });
    const limit = (account: ProvisionedAccount, body: Record<string, unknown>) => api(relay.baseUrl, 'PATCH', `/admin/accounts/${account.accountId}`, { token: ADMIN_TOKEN, body });

    test('messages a minute: over the limit HTTP answers 429 with Retry-After, SMTP 451 4.7.1; nothing is stored', async () => {
      assert.equal((await limit(shop, { rate_per_minute: 3 })).body.rate_per_minute, 3);
      for (let i = 0; i < 3; i++) assert.equal((await send(shop, i)).status, 202);
      const refused = await send(shop, 3);
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error.code, 'rate_limited');
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
      assert.equal(refused.body.error.retry_after, retryAfter);
      assert.match(refused.body.error.message, /^The account may send 3 messages a minute; try again in \d+ s$/);

      const client = await SmtpTestClient.connect(relay.relay.ports.submission!);
      try {
        assert.equal((await client.login(shop.smtpUser.username, shop.smtpUser.password)).code, 235);
        await client.command('MAIL FROM:<a@shop.test>');
        await client.command('RCPT TO:<smtp@customer.test>');
        await client.command('DATA');
        const end = await client.command('From: a@shop.test\r\nTo: smtp@customer.test\r\nSubject: over\r\n\r\nx\r\n.');
        assert.match(end.last, /^451 4\.7\.1 The account may send 3 messages a minute/);
      } finally {
        client.close();
      }
      const listed = (await api(relay.baseUrl, 'GET', '/v1/messages?limit=100', { token: shop.token })).body.data;
      assert.equal(listed.length, 3, 'the refused ones left nothing behind');
      assert.equal((await limit(shop, { rate_per_minute: null })).body.rate_per_minute, null);
      assert.equal((await send(shop, 4)).status, 202, 'no limit any more');
    });

    test('a daily quota: reached, then 429 quota_exceeded until midnight UTC; another account is unaffected', async () => {
      const small = await provisionAccount(relay.baseUrl, 'small.test');
      await limit(small, { daily_quota: 2 });
      const from = (n: number) => api(relay.baseUrl, 'POST', '/v1/emails', { token: small.token, body: { from: { email: 'a@small.test' }, to: [{ email: `q${n}@customer.test` }], subject: 'q', text: 'x' } });
      assert.equal((await from(1)).status, 202);
      assert.equal((await from(2)).status, 202);
      const over = await from(3);
      assert.deepEqual([over.status, over.body.error.code], [429, 'quota_exceeded']);
      const untilMidnight = Math.ceil((Math.ceil(Date.now() / 86_400_000) * 86_400_000 - Date.now()) / 1000);
      assert.ok(Math.abs(Number(over.headers.get('retry-after')) - untilMidnight) <= 2);
      assert.equal((await send(shop, 5)).status, 202);
      const bad = await limit(small, { daily_quota: 0 });
      assert.equal(bad.status, 400);
    });
  });
}
