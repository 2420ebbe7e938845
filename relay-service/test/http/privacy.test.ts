import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, provisionAccount, startTestRelay, type TestRelay } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

let relay: TestRelay;
let sink: SmtpSink;
before(async () => {
  sink = await startSmtpSink();
  relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}` });
});
after(async () => {
  await relay?.close();
  await sink?.close();
});

test('POST /v1/privacy/erase removes the address from the caller\'s history only, and says what it did', async () => {
  const shop = await provisionAccount(relay.baseUrl, 'shop.test');
  const other = await provisionAccount(relay.baseUrl, 'other.test');
  const send = (token: string, from: string) => api(relay.baseUrl, 'POST', '/v1/emails', { token, body: { from: { email: from }, to: [{ email: 'person@customer.test' }], subject: 's', text: 'x' } });
  const mine = await send(shop.token, 'a@shop.test');
  const theirs = await send(other.token, 'a@other.test');
  await sink.waitFor(2, 10_000);
  // Let both deliveries be recorded before erasing.
  for (const [token, id] of [[shop.token, mine.body.id], [other.token, theirs.body.id]]) {
    const deadline = Date.now() + 10_000;
    while ((await api(relay.baseUrl, 'GET', `/v1/messages/${id}`, { token })).body.recipients[0].status !== 'delivered' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  const bad = await api(relay.baseUrl, 'POST', '/v1/privacy/erase', { token: shop.token, body: { email: 'not an address' } });
  assert.deepEqual([bad.status, bad.body.error.field], [400, 'email']);

  const erased = await api(relay.baseUrl, 'POST', '/v1/privacy/erase', { token: shop.token, body: { email: 'Person@Customer.test' } });
  assert.equal(erased.status, 200);
  assert.deepEqual(erased.body, { messages_deleted: 1, recipients_erased: 0, events_deleted: 3, bodies_purged: 0, suppression_kept: false });
  assert.equal((await api(relay.baseUrl, 'GET', `/v1/messages/${mine.body.id}`, { token: shop.token })).status, 404);
  assert.equal((await api(relay.baseUrl, 'GET', `/v1/messages/${theirs.body.id}`, { token: other.token })).status, 200);
});
