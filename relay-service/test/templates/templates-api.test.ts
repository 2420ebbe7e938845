import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';

import { api, provisionAccount, startTestRelay, type ProvisionedAccount, type TestRelay } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const ORDER_HTML = `<html><head><style>.total { font-weight: bold; color: #222222; }</style></head><body>
<h1>Thanks, {{ customer.first_name }}!</h1>
<p>Order #{{ order.order_number }}{% if order.customer_message %} — your note: {{ order.customer_message }}{% endif %}</p>
<ul>{% for item in items %}<li>{{ item.quantity }} × {{ item.product }}: {{ item.price }}</li>{% endfor %}</ul>
<p class="total">Total: {{ invoice.total }}</p></body></html>`;

describe('templates: versions, previews, and sending by template_id', () => {
  let relay: TestRelay;
  let sink: SmtpSink;
  let shop: ProvisionedAccount;
  let other: ProvisionedAccount;
  let templateId: string;

  before(async () => {
    sink = await startSmtpSink();
    relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}` });
    shop = await provisionAccount(relay.baseUrl, 'shop.test');
    other = await provisionAccount(relay.baseUrl, 'other.test');
  });
  after(async () => {
    await relay?.close();
    await sink?.close();
  });

  const sample = { customer: { first_name: 'Zoë' }, order: { order_number: '1001' }, items: [{ product: 'Mug', quantity: 2, price: '€12.00' }], invoice: { total: '€24.00' } };
  const call = (method: string, path: string, body?: unknown, token = shop.token) => api(relay.baseUrl, method, path, { token, ...(body === undefined ? {} : { body }) });

  test('a syntax error is refused with the part, line and column; nothing is stored', async () => {
    const bad = await call('POST', '/v1/templates', { name: 'Broken', subject: 'Hi', html: '<p>\n{% for x in items %}\n{{ x }</p>' });
    assert.equal(bad.status, 422);
    assert.deepEqual([bad.body.error.code, bad.body.error.field, bad.body.error.part, bad.body.error.line, bad.body.error.column], ['template_error', 'html', 'html', 3, 1]);
    assert.match(bad.body.error.message, /^The html has a syntax error at line 3, column 1: /);
    const badSubject = await call('POST', '/v1/templates', { name: 'Broken', subject: 'Order {% if %}', html: '<p>x</p>' });
    assert.deepEqual([badSubject.status, badSubject.body.error.field], [422, 'subject']);
    assert.deepEqual((await call('GET', '/v1/templates')).body.data, []);
  });

  test('create, change (a new version), read old versions, activate an older one; names are unique per account', async () => {
    const created = await call('POST', '/v1/templates', { name: 'Order confirmation', subject: 'Order #{{ order.order_number }}', html: ORDER_HTML, sample_data: sample });
    assert.equal(created.status, 201);
    templateId = created.body.id;
    assert.equal(created.body.active_version, 1);
    assert.equal((await call('POST', '/v1/templates', { name: 'Order confirmation', subject: 's', html: 'h' })).status, 409);
    assert.equal((await call('POST', '/v1/templates', { name: 'Order confirmation', subject: 's', html: 'h' }, other.token)).status, 201, 'another account may use the name');

    const changed = await call('PUT', `/v1/templates/${templateId}`, { subject: 'Your order #{{ order.order_number }}', html: ORDER_HTML });
    assert.deepEqual([changed.body.active_version, changed.body.subject, changed.body.versions.map((v: { version: number }) => v.version)], [2, 'Your order #{{ order.order_number }}', [2, 1]]);
    const draft = await call('PUT', `/v1/templates/${templateId}`, { subject: 'Draft', html: ORDER_HTML, activate: false });
    assert.equal(draft.body.active_version, 2, 'a draft version is not active');
    assert.equal((await call('GET', `/v1/templates/${templateId}/versions/1`)).body.subject, 'Order #{{ order.order_number }}');
    assert.equal((await call('POST', `/v1/templates/${templateId}/versions/1/activate`)).body.active_version, 1);
    assert.equal((await call('POST', `/v1/templates/${templateId}/versions/2/activate`)).body.active_version, 2);
    assert.equal((await call('GET', `/v1/templates/${templateId}`, undefined, other.token)).status, 404, 'another account\'s template');
    // The list (what the plugin's mapping dropdown shows) is the account's own, too.
    const ids = async (token?: string) => ((await call('GET', '/v1/templates', undefined, token)).body.data as { id: string }[]).map((t) => t.id);
    assert.deepEqual(await ids(), [templateId]);
    const theirs = await ids(other.token);
    assert.equal(theirs.length, 1);
    assert.equal(theirs.includes(templateId), false);
  });

  test('render: sample data by default; CSS inlined, text derived; a missing variable names itself', async () => {
    const preview = await call('POST', `/v1/templates/${templateId}/render`, {});
    assert.equal(preview.status, 200);
    assert.equal(preview.body.subject, 'Your order #1001');
    assert.match(preview.body.html, /<p class="total" style="font-weight: bold; color: #222222;">Total: €24.00<\/p>/);
    assert.match(preview.body.text, /THANKS, ZOË!/);
    assert.match(preview.body.text, /2 × Mug: €12.00/);
    const missing = await call('POST', `/v1/templates/${templateId}/render`, { data: { ...sample, customer: {} } });
    assert.equal(missing.status, 422);
    assert.deepEqual([missing.body.error.code, missing.body.error.field, missing.body.error.variable, missing.body.error.part], ['missing_variable', 'data', 'customer.first_name', 'html']);
  });

  test('injection stays inert: markup in data is escaped, prototype keys are dropped, a runaway loop is stopped', async () => {
    const hostile = { ...sample, customer: { first_name: '<script>alert(1)</script>' }, order: { order_number: '1001', customer_message: '<img src=x onerror=alert(1)>' } };
    const rendered = await call('POST', `/v1/templates/${templateId}/render`, { data: hostile });
    assert.doesNotMatch(rendered.body.html, /<script>|<img src=x/);
    assert.match(rendered.body.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    const protoTemplate = await call('POST', '/v1/templates', { name: 'Proto', subject: 'x', html: '{% if a.__proto__ %}leak{% endif %}{% if a.constructor %}leak{% endif %}{{ a.x | default: "safe" }}' });
    const proto = await api(relay.baseUrl, 'POST', `/v1/templates/${protoTemplate.body.id}/render`, { token: shop.token, rawBody: '{"data":{"a":{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}}}' });
    assert.equal(proto.status, 200, JSON.stringify(proto.body));
    assert.equal(proto.body.html, 'safe');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // Recursion needs a template to include itself (or another): there are no files to include.
    for (const html of ['{% include "Proto" %}', '{% render "/etc/passwd" %}', '{% layout "x" %}body']) {
      const recursive = await call('POST', '/v1/templates', { name: `Recursive ${html.length}`, subject: 'x', html });
      assert.equal(recursive.status, 422, html);
      assert.equal(recursive.body.error.code, 'template_error');
    }
    const loop = await call('POST', '/v1/templates', { name: 'Loop', subject: 'x', html: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' });
    const stopped = await call('POST', `/v1/templates/${loop.body.id}/render`, {});
    assert.equal(stopped.status, 422);
    assert.equal(stopped.body.error.code, 'template_error');
  });

  test('send by template_id: the rendered message arrives; unknown template 404; missing variable 422 and nothing sent', async () => {
    const count = sink.messages.length;
    const sent = await call('POST', '/v1/emails', { from: { email: 'orders@shop.test', name: 'Shop' }, to: [{ email: 'zoe@customer.test' }], template_id: templateId, data: sample });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const [received] = (await sink.waitFor(count + 1, 10_000)).slice(count);
    const parsed = await simpleParser(received!.raw);
    assert.equal(parsed.subject, 'Your order #1001');
    assert.match(String(parsed.html), /Thanks, Zoë!/);
    assert.match(String(parsed.text), /2 × Mug: €12.00/);

    assert.equal((await call('POST', '/v1/emails', { from: { email: 'orders@shop.test' }, to: [{ email: 'z@customer.test' }], template_id: 'tpl_nope' })).status, 404);
    const theirs = (await call('GET', '/v1/templates', undefined, other.token)).body.data[0].id;
    assert.equal((await call('POST', '/v1/emails', { from: { email: 'orders@shop.test' }, to: [{ email: 'z@customer.test' }], template_id: theirs })).status, 404, 'another account\'s template');
    const missing = await call('POST', '/v1/emails', { from: { email: 'orders@shop.test' }, to: [{ email: 'z@customer.test' }], template_id: templateId, data: { order: { order_number: '1' } } });
    assert.deepEqual([missing.status, missing.body.error.code, missing.body.error.variable], [422, 'missing_variable', 'customer']);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.messages.length, count + 1, 'nothing more was sent');
  });

  test('personalization: each recipient gets their own message; a retried request with the same Idempotency-Key replays all of them', async () => {
    const count = sink.messages.length;
    const body = {
      from: { email: 'orders@shop.test' }, to: [{ email: 'ann@customer.test' }, { email: 'bob@customer.test' }], template_id: templateId, data: sample,
      personalization: [{ email: 'ann@customer.test', data: { customer: { first_name: 'Ann' } } }, { email: 'bob@customer.test', data: { customer: { first_name: 'Bob' } } }],
    };
    const first = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body, headers: { 'idempotency-key': 'order-1001-mails' } });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal(first.body.messages.length, 2);
    const again = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body, headers: { 'idempotency-key': 'order-1001-mails' } });
    assert.deepEqual(again.body.messages.map((m: { id: string }) => m.id), first.body.messages.map((m: { id: string }) => m.id));
    const received = (await sink.waitFor(count + 2, 10_000)).slice(count);
    const byRecipient = Object.fromEntries(await Promise.all(received.map(async (m) => [m.rcptTo[0], String((await simpleParser(m.raw)).html)])));
    assert.match(byRecipient['ann@customer.test'], /Thanks, Ann!/);
    assert.match(byRecipient['bob@customer.test'], /Thanks, Bob!/);
    const stray = await call('POST', '/v1/emails', { ...body, personalization: [{ email: 'eve@customer.test', data: {} }] });
    assert.deepEqual([stray.status, stray.body.error.field], [400, 'personalization[0].email']);
  });

  test('a test send arrives marked as a test', async () => {
    const count = sink.messages.length;
    const sent = await call('POST', `/v1/templates/${templateId}/test`, { to: 'owner@customer.test', from: 'orders@shop.test' });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const [received] = (await sink.waitFor(count + 1, 10_000)).slice(count);
    assert.equal((await simpleParser(received!.raw)).subject, '[Test] Your order #1001');
  });
});

describe('starter templates, installed with one call', () => {
  let relay: TestRelay;
  let sink: SmtpSink;
  let shop: ProvisionedAccount;
  before(async () => {
    sink = await startSmtpSink();
    relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}` });
    shop = await provisionAccount(relay.baseUrl, 'shop.test');
  });
  after(async () => {
    await relay?.close();
    await sink?.close();
  });

  test('install all, install again (nothing overwritten), render each with its sample data, send one to the sink', async () => {
    const available = (await api(relay.baseUrl, 'GET', '/v1/templates/starters', { token: shop.token })).body.data;
    assert.equal(available.length, 15);
    assert.ok(available.some((s: { key: string }) => s.key === 'customer_processing_order'));
    const first = await api(relay.baseUrl, 'POST', '/v1/templates/starters', { token: shop.token, body: {} });
    assert.equal(first.status, 201);
    assert.equal(first.body.installed.length, 15);
    const again = await api(relay.baseUrl, 'POST', '/v1/templates/starters', { token: shop.token, body: { keys: ['new_order'] } });
    assert.deepEqual([again.status, again.body.installed, again.body.skipped.map((s: { key: string }) => s.key)], [200, [], ['new_order']]);
    assert.equal((await api(relay.baseUrl, 'POST', '/v1/templates/starters', { token: shop.token, body: { keys: ['nope'] } })).status, 400);

    for (const t of first.body.installed) {
      const preview = await api(relay.baseUrl, 'POST', `/v1/templates/${t.id}/render`, { token: shop.token, body: {} });
      assert.equal(preview.status, 200, `${t.key}: ${JSON.stringify(preview.body)}`);
      assert.doesNotMatch(preview.body.subject, /\{\{|\{%/);
    }
    const processing = first.body.installed.find((t: { key: string }) => t.key === 'customer_processing_order');
    const sample = (await api(relay.baseUrl, 'GET', `/v1/templates/${processing.id}`, { token: shop.token })).body.sample_data;
    const count = sink.messages.length;
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'buyer@customer.test' }], template_id: processing.id, data: sample } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const [received] = (await sink.waitFor(count + 1, 10_000)).slice(count);
    const parsed = await simpleParser(received!.raw);
    assert.equal(parsed.subject, `Your ${sample.store.name} order has been received!`, 'WooCommerce\'s default subject for processing orders');
    assert.match(String(parsed.html), new RegExp(String((sample.items as { product: string }[])[0]!.product).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(String(parsed.text), new RegExp(String(sample.order.order_number)));
  });
});
