import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { api, provisionAccount, startTestRelay, type ProvisionedAccount, type TestRelay } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { verifySignature } from '../../src/webhooks/signature.ts';
import { checkTarget } from '../../src/webhooks/http-post.ts';

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('webhook URLs: only http(s), no credentials, never link-local; loopback and private only when allowed', async () => {
  const resolve = async (host: string) => ({ 'hooks.example': [{ address: '93.184.215.14', family: 4 }], 'sneaky.example': [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.8', family: 4 }] } as Record<string, { address: string; family: number }[]>)[host] ?? [];
  const strict = { allowPrivate: false, resolve };
  assert.equal((await checkTarget('https://hooks.example/wp-json/relaypress/v1/webhooks', strict)).ok, true);
  const reasons = async (url: string, allowPrivate = false) => {
    const r = await checkTarget(url, { allowPrivate, resolve });
    return r.ok ? 'ok' : r.reason;
  };
  assert.equal(await reasons('ftp://hooks.example/x'), 'must be an http:// or https:// URL');
  assert.equal(await reasons('https://user:pw@hooks.example/x'), 'must not contain a user name or password');
  assert.equal(await reasons('not a url'), 'is not a valid URL');
  assert.equal(await reasons('http://127.0.0.1:8080/x'), 'resolves to 127.0.0.1 is a loopback address (the operator can allow private networks with RELAY_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true)');
  assert.equal(await reasons('http://[::1]/x'), 'resolves to ::1 is a loopback address (the operator can allow private networks with RELAY_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true)');
  assert.equal(await reasons('http://169.254.169.254/latest/meta-data/', true), 'resolves to 169.254.169.254 is a link-local address (cloud metadata lives there)');
  assert.equal(await reasons('http://sneaky.example/x'), 'resolves to 10.0.0.8 is a private network address (the operator can allow private networks with RELAY_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true)');
  assert.equal(await reasons('http://nowhere.example/x'), 'host nowhere.example does not resolve');
  assert.equal(await reasons('http://127.0.0.1:8080/x', true), 'ok');
});

describe('webhooks against a real HTTP receiver', () => {
  let relay: TestRelay;
  let sink: SmtpSink;
  let receiver: WebhookReceiver;
  let shop: ProvisionedAccount;
  let other: ProvisionedAccount;

  before(async () => {
    sink = await startSmtpSink();
    receiver = await startWebhookReceiver();
    relay = await startTestRelay({
      RELAY_ROUTES: `*=127.0.0.1:${sink.port}`,
      RELAY_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      RELAY_WEBHOOK_RETRY_SCHEDULE: '100ms',
      RELAY_WEBHOOK_TIMEOUT: '500ms',
    });
    shop = await provisionAccount(relay.baseUrl, 'shop.test');
    other = await provisionAccount(relay.baseUrl, 'other.test');
  });
  after(async () => {
    await relay?.close();
    await receiver?.close();
    await sink?.close();
  });

  const sendOne = async (to: string) => {
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: to }], subject: 'Hook me', text: 'x' } });
    assert.equal(sent.status, 202);
    return sent.body.id as string;
  };
  const accepted = (messageId: string) => receiver.received.filter((r) => r.answered === 200 && JSON.parse(r.body).message_id === messageId);

  test('registration: the secret once, the SSRF policy at the door, other accounts see nothing', async () => {
    const refused = await api(relay.baseUrl, 'POST', '/v1/webhooks', { token: shop.token, body: { url: 'http://169.254.169.254/latest/meta-data/' } });
    assert.deepEqual([refused.status, refused.body.error.field], [400, 'url']);
    assert.equal(refused.body.error.message, 'The webhook URL resolves to 169.254.169.254 is a link-local address (cloud metadata lives there)');
    const badType = await api(relay.baseUrl, 'POST', '/v1/webhooks', { token: shop.token, body: { url: receiver.url, event_types: ['delivered', 'exploded'] } });
    assert.equal(badType.body.error.message, 'Unknown event type exploded; known: queued, sent, delivered, deferred, hard_bounced, soft_bounced, suppressed, failed, spam_complaint, unsubscribed, opened, clicked, test');

    const created = await api(relay.baseUrl, 'POST', '/v1/webhooks', { token: shop.token, body: { url: receiver.url, event_types: ['delivered'] } });
    assert.equal(created.status, 201);
    assert.match(created.body.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await api(relay.baseUrl, 'GET', '/v1/webhooks', { token: shop.token });
    assert.equal(JSON.stringify(listed.body).includes(created.body.secret), false, 'the secret is never shown again');
    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/test'], ['GET', '/deliveries']] as const) {
      assert.equal((await api(relay.baseUrl, method, `/v1/webhooks/${created.body.id}${path}`, { token: other.token, ...(method === 'GET' ? {} : { body: {} }) })).status, 404, `${method} ${path}`);
    }
    // Subscribed to `delivered` only: one signed delivery per message, nothing else.
    const messageId = await sendOne('buyer@customer.test');
    const [hit] = await until('the delivered webhook', () => (accepted(messageId).length > 0 ? accepted(messageId) : undefined));
    const event = JSON.parse(hit!.body);
    assert.deepEqual([event.type, event.recipient, event.message_id, event.account_id], ['delivered', 'buyer@customer.test', messageId, shop.accountId]);
    assert.deepEqual(verifySignature(hit!.headers['relaypress-signature'] as string, created.body.secret, hit!.body), { ok: true });
    assert.deepEqual(verifySignature(hit!.headers['relaypress-signature'] as string, created.body.secret, hit!.body.replace('buyer', 'BUYER')), { ok: false, reason: 'mismatch' });
    assert.equal(hit!.headers['relaypress-event-id'], event.id);
    assert.equal(hit!.headers['user-agent'], 'RelayPress-Webhooks/1');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.deepEqual(accepted(messageId).map((r) => JSON.parse(r.body).type), ['delivered']);
    assert.equal((await api(relay.baseUrl, 'DELETE', `/v1/webhooks/${created.body.id}`, { token: shop.token })).status, 204);
  });

  test('an endpoint that is down for a while receives every event once it is back, each accepted once', async () => {
    const created = await api(relay.baseUrl, 'POST', '/v1/webhooks', { token: shop.token, body: { url: receiver.url } });
    receiver.setMode({ kind: 'status', status: 503 });
    const ids = [await sendOne('a@customer.test'), await sendOne('b@customer.test')];
    await until('failed attempts', () => receiver.received.filter((r) => r.answered === 503).length >= 6);
    receiver.setMode({ kind: 'ok' });
    for (const id of ids) await until(`queued, sent and delivered of ${id}`, () => accepted(id).length >= 3);
    for (const id of ids) {
      const events = (await api(relay.baseUrl, 'GET', `/v1/messages/${id}`, { token: shop.token })).body.events as { id: string }[];
      const acceptedIds = accepted(id).map((r) => JSON.parse(r.body).id).sort();
      assert.deepEqual(acceptedIds, events.map((e) => e.id).sort(), 'every event, each accepted exactly once');
    }
    const history = await api(relay.baseUrl, 'GET', `/v1/webhooks/${created.body.id}/deliveries?limit=500`, { token: shop.token });
    assert.ok(history.body.data.some((a: { ok: boolean; status_code: number; error: string }) => !a.ok && a.status_code === 503 && a.error === 'HTTP 503'));
    assert.ok(history.body.data.some((a: { ok: boolean }) => a.ok));
    await api(relay.baseUrl, 'DELETE', `/v1/webhooks/${created.body.id}`, { token: shop.token });
  });

  test('a receiver that hangs times out; a redirect is not followed', async () => {
    const created = await api(relay.baseUrl, 'POST', '/v1/webhooks', { token: shop.token, body: { url: receiver.url, event_types: ['delivered'] } });
    receiver.setMode({ kind: 'hang' });
    const hung = await api(relay.baseUrl, 'POST', `/v1/webhooks/${created.body.id}/test`, { token: shop.token });
    assert.deepEqual([hung.body.ok, hung.body.status_code, hung.body.error], [false, null, 'no answer within 500 ms']);
    const target = `http://127.0.0.1:${receiver.port}/elsewhere`;
    receiver.setMode({ kind: 'redirect', location: target });
    const redirected = await api(relay.baseUrl, 'POST', `/v1/webhooks/${created.body.id}/test`, { token: shop.token });
    assert.deepEqual([redirected.body.ok, redirected.body.status_code, redirected.body.error], [false, 302, 'redirect (302) not followed']);
    assert.equal(receiver.received.some((r) => r.answered === 404), false, 'the redirect target was never requested');
    receiver.setMode({ kind: 'ok' });
    const fine = await api(relay.baseUrl, 'POST', `/v1/webhooks/${created.body.id}/test`, { token: shop.token });
    assert.equal(fine.body.ok, true);
    const test = receiver.received.at(-1)!;
    assert.equal(JSON.parse(test.body).type, 'test');
    await api(relay.baseUrl, 'DELETE', `/v1/webhooks/${created.body.id}`, { token: shop.token });
  });
});

describe('a webhook endpoint that never answers is disabled after the retry period', () => {
  let relay: TestRelay;
  let sink: SmtpSink;
  let receiver: WebhookReceiver;
  before(async () => {
    sink = await startSmtpSink();
    receiver = await startWebhookReceiver();
    relay = await startTestRelay({
      RELAY_ROUTES: `*=127.0.0.1:${sink.port}`,
      RELAY_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      RELAY_WEBHOOK_RETRY_SCHEDULE: '100ms',
      RELAY_WEBHOOK_MAX_AGE: '700ms',
    });
  });
  after(async () => {
    await relay?.close();
    await receiver?.close();
    await sink?.close();
  });

  test('disabled with the reason; enabling it again starts afresh', async () => {
    const shop = await provisionAccount(relay.baseUrl, 'shop.test');
    receiver.setMode({ kind: 'status', status: 500 });
    const created = await api(relay.baseUrl, 'POST', '/v1/webhooks', { token: shop.token, body: { url: receiver.url, event_types: ['delivered'] } });
    await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'x@customer.test' }], subject: 's', text: 'x' } });
    const disabled = await until('the endpoint to be disabled', async () => {
      const view = (await api(relay.baseUrl, 'GET', `/v1/webhooks/${created.body.id}`, { token: shop.token })).body;
      return view.enabled ? undefined : view;
    });
    assert.equal(disabled.disabled_reason, 'No delivery succeeded for the whole retry period; last error: HTTP 500');
    assert.ok(disabled.failing_since);
    receiver.setMode({ kind: 'ok' });
    const enabled = await api(relay.baseUrl, 'PATCH', `/v1/webhooks/${created.body.id}`, { token: shop.token, body: { enabled: true } });
    assert.deepEqual([enabled.body.enabled, enabled.body.disabled_reason, enabled.body.failing_since], [true, null, null]);
  });
});
