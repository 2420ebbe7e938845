import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRelay, provisionAccount, api, type TestRelay, type ProvisionedAccount } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

describe('GET /v1/messages', () => {
  let sink: SmtpSink;
  let relay: TestRelay;
  let shop: ProvisionedAccount;
  let other: ProvisionedAccount;
  const ids: string[] = [];

  before(async () => {
    sink = await startSmtpSink();
    sink.behave({ rcpt: { 'gone@customer.test': { code: 550, message: '5.1.1 The email account that you tried to reach does not exist' } } });
    relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}` });
    shop = await provisionAccount(relay.baseUrl, 'shop.test');
    other = await provisionAccount(relay.baseUrl, 'other.test');
    for (let i = 0; i < 5; i++) {
      const res = await api(relay.baseUrl, 'POST', '/v1/emails', {
        token: shop.token,
        body: { from: { email: 'orders@shop.test' }, to: [{ email: i === 4 ? 'gone@customer.test' : `c${i}@customer.test` }], subject: `Order ${i}`, text: 'hi' },
      });
      assert.equal(res.status, 202);
      ids.push(res.body.id);
    }
    await sink.waitFor(4, 10_000);
  });
  after(async () => {
    await relay.close();
    await sink.close();
  });

  test('pages through the account\'s messages newest first with a cursor', async () => {
    const page1 = await api(relay.baseUrl, 'GET', '/v1/messages?limit=2', { token: shop.token });
    assert.equal(page1.status, 200);
    assert.deepEqual(page1.body.data.map((m: { id: string }) => m.id), [ids[4], ids[3]]);
    assert.equal(page1.body.next_cursor, ids[3]);
    const page2 = await api(relay.baseUrl, 'GET', `/v1/messages?limit=2&cursor=${page1.body.next_cursor}`, { token: shop.token });
    assert.deepEqual(page2.body.data.map((m: { id: string }) => m.id), [ids[2], ids[1]]);
    const page3 = await api(relay.baseUrl, 'GET', `/v1/messages?limit=2&cursor=${page2.body.next_cursor}`, { token: shop.token });
    assert.deepEqual(page3.body.data.map((m: { id: string }) => m.id), [ids[0]]);
    assert.equal(page3.body.next_cursor, null);
  });

  test('a delivered message shows its attempt (MX host, TLS, reply) and its events', async () => {
    let detail;
    for (let i = 0; i < 100; i++) {
      detail = await api(relay.baseUrl, 'GET', `/v1/messages/${ids[0]}`, { token: shop.token });
      if (detail.body.recipients[0].status === 'delivered') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = detail!.body.recipients[0];
    assert.equal(r.status, 'delivered');
    assert.equal(r.attempts.length, 1);
    assert.equal(r.attempts[0].outcome, 'delivered');
    assert.match(r.attempts[0].response, /^250/);
    assert.equal(r.attempts[0].mx_ip, '127.0.0.1');
    assert.equal(typeof r.attempts[0].tls, 'boolean');
    assert.deepEqual(detail!.body.events.map((e: { type: string }) => e.type), ['queued', 'sent', 'delivered']);
  });

  test('a 5xx at RCPT bounces the recipient with the remote reply recorded', async () => {
    let detail;
    for (let i = 0; i < 100; i++) {
      detail = await api(relay.baseUrl, 'GET', `/v1/messages/${ids[4]}`, { token: shop.token });
      if (detail.body.recipients[0].status !== 'queued' && detail.body.recipients[0].status !== 'sending') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = detail!.body.recipients[0];
    assert.equal(r.status, 'bounced');
    assert.match(r.last_response, /550.*5\.1\.1/);
    assert.equal(detail!.body.events.at(-1).type, 'bounced');
  });

  test('another account sees none of these messages', async () => {
    const list = await api(relay.baseUrl, 'GET', '/v1/messages', { token: other.token });
    assert.deepEqual(list.body.data, []);
    const detail = await api(relay.baseUrl, 'GET', `/v1/messages/${ids[0]}`, { token: other.token });
    assert.equal(detail.status, 404);
    assert.equal(detail.body.error.code, 'not_found');
  });

  test('a bad limit or cursor is a 400 naming the parameter', async () => {
    const res = await api(relay.baseUrl, 'GET', '/v1/messages?limit=1000', { token: shop.token });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.field, 'limit');
    const bad = await api(relay.baseUrl, 'GET', '/v1/messages?cursor=../../etc', { token: shop.token });
    assert.equal(bad.body.error.field, 'cursor');
  });
});
