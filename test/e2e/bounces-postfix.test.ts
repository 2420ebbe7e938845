import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { waitUntil } from '../support/wait.ts';
import { startDnsServer, type TestDnsServer } from '../../relay-service/test/helpers/dns-server.ts';
import { postfixUnavailable, startPostfixMx, type PostfixMx } from '../../relay-service/test/helpers/postfix-mx.ts';
import { closedPort, startSmtpSink, type SmtpSink } from '../../relay-service/test/helpers/smtp-sink.ts';
import { api, provisionAccount, startTestRelay, type ProvisionedAccount, type TestRelay } from '../../relay-service/test/helpers/relay.ts';
import { publishAndVerify } from '../../relay-service/test/helpers/verified-domain.ts';

/**
 * Bounces from a real MTA. Debian's Postfix is the receiving MX for two domains: for
 * postfix.test it refuses unknown users during the SMTP session (a synchronous 550 5.1.1);
 * for async.test it is a gateway that accepts every recipient and relays to a mailbox
 * server behind it (an smtp-server sink) which refuses them, so Postfix's own bounce
 * daemon writes a real RFC 3464 DSN and delivers it over SMTP to the VERP return path,
 * which its transport map sends to the relay's inbound port.
 */
const skip = await postfixUnavailable();

describe('bounces from a real Postfix, synchronous and asynchronous', { skip: skip ?? false }, () => {
  let postfix: PostfixMx;
  let mailboxServer: SmtpSink;
  let dns: TestDnsServer;
  let relay: TestRelay;
  let shop: ProvisionedAccount;

  before(async () => {
    dns = await startDnsServer({});
    const inboundPort = await closedPort();
    mailboxServer = await startSmtpSink({ behaviour: { rcptDefault: { code: 550, message: '5.1.1 Recipient address rejected: User unknown in local recipient table' } } });
    postfix = await startPostfixMx({
      domain: 'postfix.test',
      users: ['alice'],
      relayDomains: ['async.test'],
      transports: {
        'async.test': `smtp:[127.0.0.1]:${mailboxServer.port}`,
        'rp.shop.test': `smtp:[127.0.0.1]:${inboundPort}`,
      },
    });
    relay = await startTestRelay({
      RELAY_INBOUND_PORT: String(inboundPort),
      RELAY_INBOUND_HOST: 'bounces.relay.test',
      RELAY_DNS_SERVERS: dns.address,
      RELAY_ROUTES: `postfix.test=127.0.0.1:${postfix.port},async.test=127.0.0.1:${postfix.port}`,
    });
    shop = await provisionAccount(relay.baseUrl, 'shop.test');
    await publishAndVerify(relay.baseUrl, shop.token, dns, 'shop.test');
  });
  after(async () => {
    await relay?.close();
    await postfix?.stop();
    await mailboxServer?.close();
    await dns?.close();
  });

  const suppressionOf = async (email: string) =>
    ((await api(relay.baseUrl, 'GET', `/v1/suppressions?search=${encodeURIComponent(email)}`, { token: shop.token })).body.data as { pattern: string; reason: string; note: string }[]).find((s) => s.pattern === email);

  test('(a) an unknown user refused at RCPT: hard bounce during delivery, suppressed; the known user is delivered', async () => {
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'alice@postfix.test' }, { email: 'nobody@postfix.test' }], subject: 'Order', text: 'Thanks.' } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const detail = await waitUntil('both recipients to settle', async () => {
      const d = await api(relay.baseUrl, 'GET', `/v1/messages/${sent.body.id}`, { token: shop.token });
      return d.body.recipients.every((r: { status: string }) => r.status === 'delivered' || r.status === 'bounced') ? d.body : undefined;
    }, 30_000);
    const byEmail = Object.fromEntries(detail.recipients.map((r: { email: string }) => [r.email, r]));
    assert.equal(byEmail['alice@postfix.test'].status, 'delivered');
    assert.equal(byEmail['nobody@postfix.test'].status, 'bounced');
    assert.match(byEmail['nobody@postfix.test'].last_response, /^550 5\.1\.1 /);
    const suppression = await waitUntil('the suppression', () => suppressionOf('nobody@postfix.test'), 10_000);
    assert.equal(suppression.reason, 'hard_bounce');
    assert.equal(await suppressionOf('alice@postfix.test'), undefined);
  });

  test('(b) accepted, then bounced: Postfix\'s DSN reaches the inbound port and is joined to the message through the VERP address', async () => {
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'carol@async.test' }], subject: 'Order', text: 'Thanks.' } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const detail = await waitUntil('the DSN to be recorded', async () => {
      const d = await api(relay.baseUrl, 'GET', `/v1/messages/${sent.body.id}`, { token: shop.token });
      return d.body.events.some((e: { type: string; data: { source?: string } }) => e.type === 'bounced' && e.data.source === 'inbound') ? d.body : undefined;
    }, 30_000).catch(async (err) => {
      throw new Error(`${(err as Error).message}\nPostfix log:\n${(await postfix.log()).slice(-3000)}`);
    });
    const carol = detail.recipients[0];
    assert.equal(carol.status, 'bounced', 'delivered to Postfix first, bounced once its DSN arrived');
    assert.equal(carol.attempts[0].outcome, 'delivered');
    const bounce = detail.events.find((e: { type: string; data: { source?: string } }) => e.type === 'bounced' && e.data.source === 'inbound');
    assert.equal(bounce.recipient, 'carol@async.test');
    assert.equal(bounce.data.report, 'dsn');
    assert.equal(bounce.data.kind, 'hard');
    assert.equal(bounce.data.status, '5.1.1');
    assert.equal(bounce.data.reporting_mta, 'mx.postfix.test');
    assert.equal(bounce.data.category, 'mailbox_unknown');
    assert.match(bounce.data.diagnostic, /^550 5\.1\.1 Recipient address rejected: User unknown in local recipient table/);
    assert.equal((await suppressionOf('carol@async.test'))?.reason, 'hard_bounce');
    // Postfix's log shows the DSN handed to the relay with our 250.
    assert.match(await postfix.log(), /status=sent \(250 2\.0\.0 Ok: report received\)/);
  });
});
