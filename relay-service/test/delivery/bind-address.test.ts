import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, api, provisionAccount, startTestRelay, type TestRelay } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

// Linux routes all of 127.0.0.0/8 to the loopback interface: 127.0.0.2 is a second source address.
let relay: TestRelay;
let sink: SmtpSink;
before(async () => {
  sink = await startSmtpSink();
  relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}`, RELAY_BIND_ADDRESSES: '127.0.0.2=mail2.relay.test' });
});
after(async () => {
  await relay?.close();
  await sink?.close();
});

test('an account bound to a source address sends from it and greets with its name; others use the default', async () => {
  const bound = await provisionAccount(relay.baseUrl, 'bound.test');
  const plain = await provisionAccount(relay.baseUrl, 'plain.test');
  const refused = await api(relay.baseUrl, 'PATCH', `/admin/accounts/${bound.accountId}`, { token: ADMIN_TOKEN, body: { bind_address: '192.0.2.9' } });
  assert.deepEqual([refused.status, refused.body.error.message], [400, 'bind_address must be one of 127.0.0.2 (RELAY_BIND_ADDRESSES)']);
  assert.equal((await api(relay.baseUrl, 'PATCH', `/admin/accounts/${bound.accountId}`, { token: ADMIN_TOKEN, body: { bind_address: '127.0.0.2' } })).body.bind_address, '127.0.0.2');

  const send = (token: string, domain: string) => api(relay.baseUrl, 'POST', '/v1/emails', { token, body: { from: { email: `a@${domain}` }, to: [{ email: `r@${domain.replace('.test', '-rcpt.test')}` }], subject: domain, text: 'x' } });
  assert.equal((await send(bound.token, 'bound.test')).status, 202);
  assert.equal((await send(plain.token, 'plain.test')).status, 202);
  const received = await sink.waitFor(2, 10_000);
  const bySender = Object.fromEntries(received.map((m) => [m.mailFrom.split('@')[1], m]));
  assert.deepEqual([bySender['bound.test']!.remoteAddress.replace('::ffff:', ''), bySender['bound.test']!.clientHostname], ['127.0.0.2', 'mail2.relay.test']);
  assert.deepEqual([bySender['plain.test']!.remoteAddress.replace('::ffff:', ''), bySender['plain.test']!.clientHostname], ['127.0.0.1', 'relay.test']);
});
