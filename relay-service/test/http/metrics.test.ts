import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, api, provisionAccount, startTestRelay, type TestRelay } from '../helpers/relay.ts';
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

/** `name{labels} value` lines of a Prometheus text exposition, as a map. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

test('/metrics: admin token required; accepts, refusals, attempts by result and the queue by status', async () => {
  assert.equal((await fetch(`${relay.baseUrl}/metrics`)).status, 401);
  const shop = await provisionAccount(relay.baseUrl, 'shop.test');
  const ok = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'a@shop.test' }, to: [{ email: 'buyer@customer.test' }, { email: 'dead@customer.test' }], subject: 's', text: 'x' } });
  assert.equal(ok.status, 202);
  const refused = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'a@elsewhere.test' }, to: [{ email: 'buyer@customer.test' }], subject: 's', text: 'x' } });
  assert.equal(refused.status, 403);
  const deadline = Date.now() + 10_000;
  let metrics = new Map<string, number>();
  while (Date.now() < deadline) {
    const res = await fetch(`${relay.baseUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    metrics = samples(await res.text());
    if (metrics.get('relaypress_delivery_attempts_total{result="bounced"}') === 1 && metrics.get('relaypress_delivery_attempts_total{result="delivered"}') === 1) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(metrics.get('relaypress_messages_accepted_total{source="http"}'), 1);
  assert.equal(metrics.get('relaypress_messages_rejected_total{source="http",code="sender_domain_not_allowed"}'), 1);
  assert.equal(metrics.get('relaypress_accept_duration_seconds_count{source="http"}'), 1);
  assert.equal(metrics.get('relaypress_delivery_attempts_total{result="delivered"}'), 1);
  assert.equal(metrics.get('relaypress_delivery_attempts_total{result="bounced"}'), 1);
  assert.equal(metrics.get('relaypress_queue_recipients{status="delivered"}'), 1);
  assert.equal(metrics.get('relaypress_queue_recipients{status="bounced"}'), 1);
  assert.equal(metrics.get('relaypress_webhook_backlog'), 0);
  assert.ok(metrics.get('relaypress_delivery_duration_seconds_count')! >= 1);
});
