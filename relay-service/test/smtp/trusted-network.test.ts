import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRelay, provisionAccount, api, ADMIN_TOKEN, type TestRelay, type ProvisionedAccount } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { SmtpTestClient } from '../helpers/smtp-client.ts';
import { startSubmission } from './harness.ts';

const admin = { token: ADMIN_TOKEN };

function message(from: string, to: string, subject: string): string {
  return `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nHello from the same host.\r\n.`;
}

/** Greeting, EHLO, MAIL, RCPT, DATA and the message, without STARTTLS or AUTH. */
async function sendPlain(port: number, from: string, to: string, subject: string, options: { starttls?: boolean } = {}) {
  const client = await SmtpTestClient.connect(port);
  try {
    const greeting = await client.reply();
    let ehlo = await client.ehlo();
    if (options.starttls) {
      await client.startTls();
      ehlo = await client.ehlo();
    }
    const mail = await client.command(`MAIL FROM:<${from}>`);
    if (mail.code !== 250) return { greeting, ehlo, mail };
    const rcpt = await client.command(`RCPT TO:<${to}>`);
    const data = await client.command('DATA');
    const end = await client.command(message(from, to, subject));
    return { greeting, ehlo, mail, rcpt, data, end };
  } finally {
    client.close();
  }
}

describe('trusted client networks (mynetworks per account)', () => {
  let sink: SmtpSink;
  let relay: TestRelay;
  let shop: ProvisionedAccount;
  let other: ProvisionedAccount;

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

  test('without a trusted network, plain submission still needs AUTH', async () => {
    const result = await sendPlain(relay.relay.ports.submission!, 'orders@shop.test', 'buyer@customer.test', 'no trust');
    assert.match(result.ehlo.lines.join('\n'), /STARTTLS/);
    assert.equal(result.mail.last, '530 5.7.0 Authentication required');
  });

  test('a client in the account\'s network sends without TLS or AUTH, as that account only', async () => {
    const added = await api(relay.baseUrl, 'POST', `/admin/accounts/${shop.accountId}/trusted-networks`, { ...admin, body: { cidr: '127.0.0.0/8', note: 'WordPress on this host' } });
    assert.equal(added.status, 201);
    assert.equal(added.body.cidr, '127.0.0.0/8');

    const before = sink.messages.length;
    const sent = await sendPlain(relay.relay.ports.submission!, 'orders@shop.test', 'buyer@customer.test', 'trusted plain');
    assert.equal(sent.greeting.code, 220);
    assert.doesNotMatch(sent.ehlo.lines.join('\n'), /^AUTH/m, 'a trusted session has nothing to authenticate');
    assert.match(sent.end!.last, /^250 2\.0\.0 Ok: queued as msg_/);
    const [received] = (await sink.waitFor(before + 1, 10_000)).slice(before);
    assert.match(received!.raw.toString(), /Subject: trusted plain/);
    assert.match(received!.raw.toString(), /^DKIM-Signature: [^]*?\sd=shop\.test;/m);

    // The network makes the client the shop, not anyone it likes to be.
    const foreign = await sendPlain(relay.relay.ports.submission!, 'news@other.test', 'buyer@customer.test', 'not mine');
    assert.equal(foreign.mail.last, '553 5.7.1 Sender address not allowed for this account');

    // STARTTLS wipes what the server knew (RFC 3207); the trust is established again.
    const viaTls = await sendPlain(relay.relay.ports.submission!, 'orders@shop.test', 'buyer@customer.test', 'trusted over tls', { starttls: true });
    assert.match(viaTls.end!.last, /^250 2\.0\.0 Ok: queued as msg_/);
    await sink.waitFor(before + 2, 10_000);
  });

  test('networks that overlap another account\'s, bad notation and over-broad networks are refused with the reason', async () => {
    const overlap = await api(relay.baseUrl, 'POST', `/admin/accounts/${other.accountId}/trusted-networks`, { ...admin, body: { cidr: '127.0.0.1' } });
    assert.equal(overlap.status, 409);
    assert.deepEqual(overlap.body.error, { code: 'conflict', message: '127.0.0.1/32 overlaps 127.0.0.0/8, which another account trusts', field: 'cidr' });
    const hostBits = await api(relay.baseUrl, 'POST', `/admin/accounts/${other.accountId}/trusted-networks`, { ...admin, body: { cidr: '10.9.8.7/8' } });
    assert.equal(hostBits.status, 400);
    assert.deepEqual(hostBits.body.error, { code: 'validation_failed', message: 'host bits are set; did you mean 10.0.0.0/8?', field: 'cidr' });
    const everything = await api(relay.baseUrl, 'POST', `/admin/accounts/${other.accountId}/trusted-networks`, { ...admin, body: { cidr: '0.0.0.0/0' } });
    assert.equal(everything.status, 400);
    assert.equal(everything.body.error.message, '/0 is too broad; an IPv4 network must be /8 or narrower');
    const again = await api(relay.baseUrl, 'POST', `/admin/accounts/${shop.accountId}/trusted-networks`, { ...admin, body: { cidr: '127.0.0.0/8' } });
    assert.equal(again.status, 200, 'adding a network the account already trusts changes nothing');
    const listed = await api(relay.baseUrl, 'GET', `/admin/accounts/${other.accountId}/trusted-networks`, admin);
    assert.deepEqual(listed.body.data, [], 'nothing was half-added to the refused account');
  });

  test('removing the network takes effect for the next connection', async () => {
    const listed = await api(relay.baseUrl, 'GET', `/admin/accounts/${shop.accountId}/trusted-networks`, admin);
    assert.equal(listed.body.data.length, 1);
    assert.equal(listed.body.data[0].note, 'WordPress on this host');
    const removed = await api(relay.baseUrl, 'DELETE', `/admin/accounts/${shop.accountId}/trusted-networks/${listed.body.data[0].id}`, admin);
    assert.equal(removed.status, 204);
    assert.equal((await api(relay.baseUrl, 'DELETE', `/admin/accounts/${shop.accountId}/trusted-networks/${listed.body.data[0].id}`, admin)).status, 404);
    const after = await sendPlain(relay.relay.ports.submission!, 'orders@shop.test', 'buyer@customer.test', 'removed');
    assert.equal(after.mail.last, '530 5.7.0 Authentication required');
    // Another account cannot delete the shop's network by id either.
    const re = await api(relay.baseUrl, 'POST', `/admin/accounts/${shop.accountId}/trusted-networks`, { ...admin, body: { cidr: '127.0.0.0/8' } });
    assert.equal((await api(relay.baseUrl, 'DELETE', `/admin/accounts/${other.accountId}/trusted-networks/${re.body.id}`, admin)).status, 404);
  });
});

test('a failing trusted-network lookup answers 421 4.3.0 at connect instead of a permanent refusal later', async () => {
  const harness = await startSubmission({ deps: { trustedAccount: async () => { throw new Error('database is locked'); } } });
  try {
    const client = await harness.connect();
    const greeting = await client.reply();
    assert.equal(greeting.last, '421 4.3.0 Temporary failure, try again later');
    await client.waitClosed();
    assert.equal(harness.accepted.length, 0);
    assert.ok(harness.logs.some((line) => line.includes('"event":"smtp.trusted_network.error"')));
  } finally {
    await harness.close();
  }
});
