import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { startTestRelay, provisionAccount, api, type TestRelay, type ProvisionedAccount } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

describe('POST /v1/emails', () => {
  let sink: SmtpSink;
  let relay: TestRelay;
  let shop: ProvisionedAccount;

  before(async () => {
    sink = await startSmtpSink();
    relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}`, RELAY_MAX_MESSAGE_SIZE: '64KB' });
    shop = await provisionAccount(relay.baseUrl, 'shop.test');
    await provisionAccount(relay.baseUrl, 'other.test');
  });
  after(async () => {
    await relay.close();
    await sink.close();
  });

  const send = (body: unknown, headers: Record<string, string> = {}, token = shop.token) =>
    api(relay.baseUrl, 'POST', '/v1/emails', { token, body, headers });

  const order = {
    from: { email: 'orders@shop.test', name: 'Shop' },
    to: [{ email: 'buyer@customer.test', name: 'Zoë Buyer' }],
    cc: [{ email: 'cc@customer.test' }],
    bcc: [{ email: 'audit@shop.test' }],
    reply_to: { email: 'help@shop.test' },
    subject: 'Your order #1001 – thank you',
    html: '<p>Thanks for your order!</p>',
    text: 'Thanks for your order!',
    attachments: [{ filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4 fake').toString('base64'), content_type: 'application/pdf' }],
    tags: ['order'],
    metadata: { order_id: '1001' },
  };

  test('a structured email is accepted with one id per recipient and reaches the MX DKIM-signed, Bcc hidden', async () => {
    const before = sink.messages.length;
    const res = await send(order);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.match(res.body.id, /^msg_/);
    assert.deepEqual(res.body.recipients.map((r: { email: string }) => r.email), ['buyer@customer.test', 'cc@customer.test', 'audit@shop.test']);
    // One SMTP transaction per destination domain: customer.test (to + cc) and shop.test (bcc).
    const received = (await sink.waitFor(before + 2, 10_000)).slice(before);
    assert.deepEqual(received.map((m) => [...m.rcptTo].sort().join(',')).sort(), ['audit@shop.test', 'buyer@customer.test,cc@customer.test']);
    const got = received.find((m) => m.rcptTo.includes('buyer@customer.test'))!;
    assert.equal(got.mailFrom, 'orders@shop.test');
    const text = got.raw.toString();
    assert.match(text, /^DKIM-Signature: v=1;[\s\S]*?\bd=shop\.test;/m);
    assert.doesNotMatch(text, /^Bcc:/im);
    const parsed = await simpleParser(got.raw);
    assert.equal(parsed.subject, order.subject);
    assert.equal(parsed.attachments[0]!.filename, 'invoice.pdf');
    assert.equal(parsed.attachments[0]!.content.toString(), '%PDF-1.4 fake');
  });

  test('a raw message with its envelope is delivered byte for byte after the signature', async () => {
    const raw = 'From: WordPress <wordpress@shop.test>\r\nTo: admin@customer.test\r\nSubject: Password reset\r\nMessage-ID: <wp-1@shop.test>\r\nDate: Sun, 29 Nov 2026 06:00:00 +0000\r\n\r\nSomeone requested a password reset.\r\n';
    const before = sink.messages.length;
    const res = await send({ envelope: { mail_from: 'wordpress@shop.test', rcpt_to: ['admin@customer.test'] }, raw: Buffer.from(raw).toString('base64') });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const [got] = (await sink.waitFor(before + 1, 10_000)).slice(before);
    const delivered = got!.raw.toString();
    assert.ok(delivered.endsWith(raw), 'the message WordPress built arrives unchanged after the DKIM-Signature header');
  });

  test('no token or a wrong token is 401', async () => {
    assert.equal((await api(relay.baseUrl, 'POST', '/v1/emails', { body: order })).status, 401);
    const res = await send(order, {}, 'rp_wrong');
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthorized');
  });

  test('bad input gets a 4xx naming the field, and nothing is queued', async () => {
    const countBefore = (await api(relay.baseUrl, 'GET', '/v1/messages?limit=100', { token: shop.token })).body.data.length;
    const cases: [unknown, number, string, string | undefined][] = [
      [{ ...order, to: [] }, 400, 'validation_failed', 'to'],
      [{ ...order, subject: 'Hi\r\nBcc: victim@example.com' }, 400, 'invalid_header', 'subject'],
      [{ ...order, from: { email: 'orders@shop.test', name: 'Shop\nX-Evil: 1' } }, 400, 'invalid_header', 'from.name'],
      [{ ...order, attachments: [{ filename: 'passwd', path: '/etc/passwd' }] }, 400, 'validation_failed', undefined],
      [{ ...order, attachments: [{ filename: 'x', content: 'eA==', href: 'http://169.254.169.254/' }] }, 400, 'validation_failed', 'attachments.0.href'],
      [{ ...order, from: { email: 'ceo@other.test' } }, 403, 'sender_domain_not_allowed', 'from'],
      [{ ...order, from: { email: 'ceo@unknown.test' } }, 403, 'sender_domain_not_allowed', 'from'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await send(body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, code, JSON.stringify(res.body));
      if (field) assert.equal(res.body.error.field, field, JSON.stringify(res.body));
      assert.equal(typeof res.body.error.message, 'string');
    }
    const notJson = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, rawBody: '{"from":' });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.code, 'invalid_json');
    const countAfter = (await api(relay.baseUrl, 'GET', '/v1/messages?limit=100', { token: shop.token })).body.data.length;
    assert.equal(countAfter, countBefore);
  });

  test('a message over the size limit is a 413, whether the JSON body or the composed message is too big', async () => {
    for (const size of [100 * 1024, 400 * 1024]) {
      const res = await send({ ...order, text: 'x'.repeat(size), html: undefined });
      assert.equal(res.status, 413, `${size}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'message_too_large');
    }
  });

  test('Idempotency-Key: the same body returns the first result without a second send; another body is 409', async () => {
    const body = { ...order, to: [{ email: 'idem@customer.test' }], cc: undefined, bcc: undefined };
    const first = await send(body, { 'Idempotency-Key': 'wp-outbox-42' });
    assert.equal(first.status, 202);
    const again = await send(body, { 'Idempotency-Key': 'wp-outbox-42' });
    assert.equal(again.status, 202);
    assert.deepEqual(again.body, first.body);
    const conflict = await send({ ...body, subject: 'changed' }, { 'Idempotency-Key': 'wp-outbox-42' });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error.code, 'idempotency_conflict');
    // Keys are per account: another account may use the same key for its own message.
    const list = (await api(relay.baseUrl, 'GET', '/v1/messages?limit=100', { token: shop.token })).body.data;
    assert.equal(list.filter((m: { recipients: { email: string }[] }) => m.recipients.some((r) => r.email === 'idem@customer.test')).length, 1);
  });
});
