import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, provisionAccount, startTestRelay, type TestRelay } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

let relay: TestRelay;
let sink: SmtpSink;
before(async () => {
  sink = await startSmtpSink({ behaviour: { rcpt: { 'dead@customer.test': { code: 550, message: '5.1.1 No such user' } } } });
  relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}` });
});
after(async () => {
  await relay?.close();
  await sink?.close();
});

test('analytics and activity over the API: counts, rates, filters, validation, tenant scope', async () => {
  const shop = await provisionAccount(relay.baseUrl, 'shop.test');
  const other = await provisionAccount(relay.baseUrl, 'other.test');
  const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'a@shop.test' }, to: [{ email: 'buyer@customer.test' }, { email: 'dead@customer.test' }], subject: 's', text: 'x', tags: ['order'] } });
  assert.equal(sent.status, 202);
  const deadline = Date.now() + 10_000;
  let report;
  do {
    await new Promise((r) => setTimeout(r, 50));
    report = (await api(relay.baseUrl, 'GET', `/v1/analytics?group_by=hour&from=${new Date(Date.now() - 86_400_000).toISOString()}`, { token: shop.token })).body;
  } while ((report.totals.delivered !== 1 || report.totals.hard_bounced !== 1) && Date.now() < deadline);
  assert.equal(report.group_by, 'hour');
  assert.deepEqual([report.totals.queued, report.totals.delivered, report.totals.hard_bounced, report.totals.delivery_rate, report.totals.bounce_rate, report.totals.open_rate], [2, 1, 1, 0.5, 0.5, 0]);
  assert.equal(report.data.length, 1);

  const tagged = (await api(relay.baseUrl, 'GET', '/v1/analytics?by_tag=true', { token: shop.token })).body;
  assert.deepEqual(tagged.data.map((r: { tag: string; queued: number }) => [r.tag, r.queued]), [['order', 2]]);
  assert.equal((await api(relay.baseUrl, 'GET', '/v1/analytics', { token: other.token })).body.totals.queued, 0, 'another account sees nothing');

  for (const [query, field, message] of [
    ['group_by=week', 'group_by', 'group_by must be day or hour'],
    ['from=yesterday', 'from', 'from must be an ISO 8601 date or time, e.g. 2026-11-29 or 2026-11-29T12:00:00Z'],
    ['from=2026-11-29&to=2026-11-01', 'from', 'from must be before to'],
    ['group_by=hour&from=2026-01-01&to=2026-11-01', 'from', 'A range grouped by hour may span at most 31 days'],
  ] as const) {
    const res = await api(relay.baseUrl, 'GET', `/v1/analytics?${query}`, { token: shop.token });
    assert.deepEqual([res.status, res.body.error.field, res.body.error.message], [400, field, message], query);
  }

  const bounces = (await api(relay.baseUrl, 'GET', '/v1/events?type=hard_bounced', { token: shop.token })).body;
  assert.deepEqual(bounces.data.map((e: { type: string; recipient: string; data: { kind: string; status: string } }) => [e.type, e.recipient, e.data.kind, e.data.status]), [['hard_bounced', 'dead@customer.test', 'hard', '5.1.1']]);
  const page = (await api(relay.baseUrl, 'GET', '/v1/events?recipient=buyer@customer.test&limit=2', { token: shop.token })).body;
  assert.deepEqual(page.data.map((e: { type: string }) => e.type), ['delivered', 'sent']);
  const rest = (await api(relay.baseUrl, 'GET', `/v1/events?recipient=buyer@customer.test&limit=2&cursor=${page.next_cursor}`, { token: shop.token })).body;
  assert.deepEqual([rest.data.map((e: { type: string }) => e.type), rest.next_cursor], [['queued'], null]);
  assert.equal((await api(relay.baseUrl, 'GET', '/v1/events?type=exploded', { token: shop.token })).status, 400);

  const activity = (await api(relay.baseUrl, 'GET', '/v1/messages?status=bounced&tag=order', { token: shop.token })).body;
  assert.deepEqual(activity.data.map((m: { id: string }) => m.id), [sent.body.id]);
  assert.deepEqual((await api(relay.baseUrl, 'GET', '/v1/messages?status=deferred', { token: shop.token })).body.data, []);
  assert.equal((await api(relay.baseUrl, 'GET', '/v1/messages?status=lost', { token: shop.token })).status, 400);
});
