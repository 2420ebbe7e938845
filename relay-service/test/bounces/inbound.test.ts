import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { api, provisionAccount, startTestRelay, type ProvisionedAccount, type TestRelay } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { SmtpTestClient, type Reply } from '../helpers/smtp-client.ts';
import { publishAndVerify } from '../helpers/verified-domain.ts';
import { fixture } from './fixtures.ts';

/** One report over a fresh connection: MAIL, each RCPT, and DATA when a recipient was taken. */
async function sendReport(port: number, mailFrom: string, rcpts: string[], raw?: Buffer): Promise<{ mail: Reply; rcpt: Reply[]; data?: Reply }> {
  const client = await SmtpTestClient.connect(port);
  try {
    await client.reply();
    await client.ehlo('mx.remote.test');
    const mail = await client.command(`MAIL FROM:<${mailFrom}>`);
    const rcpt: Reply[] = [];
    for (const r of rcpts) rcpt.push(await client.command(`RCPT TO:<${r}>`));
    if (!raw || !rcpt.some((r) => r.code === 250)) return { mail, rcpt };
    assert.equal((await client.command('DATA')).code, 354);
    client.write(raw);
    const data = await client.command(raw.subarray(-2).toString() === '\r\n' ? '.' : '\r\n.');
    await client.command('QUIT').catch(() => undefined);
    return { mail, rcpt, data };
  } finally {
    client.close();
  }
}

/** A bounce-looking message nested `levels` multiparts deep, the DSN at the bottom. */
function deeplyNested(levels: number): Buffer {
  let body = 'Content-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; quiet@reader.test\r\nAction: failed\r\nStatus: 5.1.1\r\n';
  for (let i = 0; i < levels; i++) body = `Content-Type: multipart/report; report-type=delivery-status; boundary="n${i}"\r\n\r\n--n${i}\r\n${body}--n${i}--\r\n`;
  return Buffer.from(`From: MAILER-DAEMON@deep.test\r\nSubject: Undelivered Mail\r\n${body}`);
}

/**
 * The inbound port against the whole relay: mail is sent through the API to a sink with a
 * VERP return path (a verified domain on a loopback DNS server), then reports about it
 * come back over SMTP, as a remote MTA or a mailbox provider's feedback loop sends them.
 */
describe('inbound port: bounces and complaints joined to the messages they are about', () => {
  let relay: TestRelay;
  let sink: SmtpSink;
  let dns: TestDnsServer;
  let shop: ProvisionedAccount;
  let other: ProvisionedAccount;
  let port: number;

  before(async () => {
    dns = await startDnsServer({});
    sink = await startSmtpSink();
    relay = await startTestRelay({
      RELAY_INBOUND_PORT: '0',
      RELAY_INBOUND_HOST: 'bounces.relay.test',
      RELAY_DNS_SERVERS: dns.address,
      RELAY_ROUTES: `reader.test=127.0.0.1:${sink.port}`,
      RELAY_SOFT_BOUNCE_LIMIT: '2',
      RELAY_INBOUND_MAX_MESSAGE_SIZE: '256KB',
    });
    port = relay.relay.ports.inbound!;
    shop = await provisionAccount(relay.baseUrl, 'shop.test');
    other = await provisionAccount(relay.baseUrl, 'other.test');
    await publishAndVerify(relay.baseUrl, shop.token, dns, 'shop.test');
    await publishAndVerify(relay.baseUrl, other.token, dns, 'other.test');
  });

  after(async () => {
    await relay?.close();
    await sink?.close();
    await dns?.close();
  });

  /** Sends through the API and waits for the sink: the message id and its VERP envelope sender. */
  async function send(account: ProvisionedAccount, domain: string, to: string[]): Promise<{ id: string; verp: string; recipients: { id: string; email: string }[] }> {
    const before = sink.messages.length;
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: account.token, body: { from: { email: `orders@${domain}` }, to: to.map((email) => ({ email })), subject: 'Your order', text: 'Thanks.' } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const [received] = (await sink.waitFor(before + 1, 10_000)).slice(before);
    assert.match(received!.mailFrom, /^b-[0-9a-z]+-[0-9a-f]{12}@rp\./);
    // The sink has it; wait until the relay has recorded the delivery too (its events).
    const deadline = Date.now() + 10_000;
    while ((await events(account, sent.body.id)).recipients.some((r: { status: string }) => r.status !== 'delivered')) {
      if (Date.now() > deadline) throw new Error('delivery not recorded in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { id: sent.body.id, verp: received!.mailFrom, recipients: sent.body.recipients };
  }

  const events = async (account: ProvisionedAccount, id: string) => (await api(relay.baseUrl, 'GET', `/v1/messages/${id}`, { token: account.token })).body;
  const suppressions = async (account: ProvisionedAccount) => (await api(relay.baseUrl, 'GET', '/v1/suppressions', { token: account.token })).body.data as { pattern: string; reason: string; note: string }[];
  const counts = async () => {
    const knex = relay.relay.store.db.knex;
    const [m, e, s] = await Promise.all([knex('messages').count({ n: '*' }).first(), knex('events').count({ n: '*' }).first(), knex('suppressions').count({ n: '*' }).first()]);
    return { messages: Number(m!.n), events: Number(e!.n), suppressions: Number(s!.n), sink: sink.messages.length };
  };

  test('only VERP addresses of this relay and the feedback address are taken; everything else is 550 5.7.1 at RCPT', async () => {
    const { verp } = await send(shop, 'shop.test', ['first@reader.test']);
    const mac = verp.slice(verp.lastIndexOf('-') + 1, verp.indexOf('@'));
    const forged = verp.replace(mac, mac.slice(0, -1) + (mac.endsWith('0') ? '1' : '0'));
    const elsewhere = verp.replace('@rp.shop.test', '@rp.unknown.test');
    const start = await counts();
    const replies = await sendReport(port, 'someone@spammer.test', ['postmaster@rp.shop.test', 'anyone@reader.test', forged, elsewhere, 'FBL@bounces.relay.test', verp]);
    assert.deepEqual(replies.rcpt.map((r) => r.last), [
      '550 5.7.1 Relay access denied: this server only accepts bounces and reports for mail it sent',
      '550 5.7.1 Relay access denied: this server only accepts bounces and reports for mail it sent',
      '550 5.7.1 Relay access denied: this server only accepts bounces and reports for mail it sent',
      '550 5.7.1 Relay access denied: this server only accepts bounces and reports for mail it sent',
      '250 2.1.5 Accepted',
      '250 2.1.5 Accepted',
    ]);
    assert.deepEqual(await counts(), start, 'nothing written, nothing sent');
  });

  test('a DSN for a delivered recipient: bounced event, status bounced, hard suppression; the other recipient is untouched; a resent DSN records nothing more', async () => {
    const sent = await send(shop, 'shop.test', ['gone@reader.test', 'stays@reader.test']);
    const dsn = fixture('gmail-dsn.eml', { VERP: sent.verp, RCPT: 'gone@reader.test' });
    const first = await sendReport(port, '', [sent.verp], dsn);
    assert.equal(first.data!.last, '250 2.0.0 Ok: report received');
    const view = await events(shop, sent.id);
    const gone = view.recipients.find((r: { email: string }) => r.email === 'gone@reader.test');
    const stays = view.recipients.find((r: { email: string }) => r.email === 'stays@reader.test');
    assert.equal(gone.status, 'bounced');
    assert.equal(stays.status, 'delivered');
    const bounce = view.events.filter((e: { type: string }) => e.type === 'bounced');
    assert.equal(bounce.length, 1);
    assert.equal(bounce[0].recipient, 'gone@reader.test');
    assert.deepEqual(
      { source: bounce[0].data.source, report: bounce[0].data.report, kind: bounce[0].data.kind, category: bounce[0].data.category, status: bounce[0].data.status, reporting_mta: bounce[0].data.reporting_mta },
      { source: 'inbound', report: 'dsn', kind: 'hard', category: 'mailbox_unknown', status: '5.1.1', reporting_mta: 'googlemail.com' },
    );
    const list = await suppressions(shop);
    assert.deepEqual(list.filter((s) => s.pattern.endsWith('@reader.test')).map((s) => [s.pattern, s.reason]), [['gone@reader.test', 'hard_bounce']]);

    const before = await counts();
    const again = await sendReport(port, '', [sent.verp], dsn);
    assert.equal(again.data!.code, 250);
    assert.deepEqual(await counts(), before, 'the same DSN twice is recorded once');

    // The suppression works: the next message to that address is accepted but not sent.
    const next = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'gone@reader.test' }], subject: 'Again', text: 'x' } });
    assert.equal(next.body.recipients[0].suppressed, 'hard_bounce');
  });

  test('free-text soft bounces count: the second within the window suppresses (RELAY_SOFT_BOUNCE_LIMIT=2)', async () => {
    for (const round of [1, 2]) {
      const sent = await send(shop, 'shop.test', ['full@reader.test']);
      const reply = await sendReport(port, '', [sent.verp], fixture('exim-bounce.eml', { VERP: sent.verp, RCPT: 'full@reader.test' }));
      assert.equal(reply.data!.code, 250);
      const view = await events(shop, sent.id);
      const bounce = view.events.find((e: { type: string }) => e.type === 'bounced');
      assert.deepEqual([bounce.data.report, bounce.data.kind, bounce.data.category], ['text_bounce', 'soft', 'mailbox_full']);
      const suppressed = (await suppressions(shop)).find((s) => s.pattern === 'full@reader.test');
      if (round === 1) assert.equal(suppressed, undefined, 'one soft bounce does not suppress');
      else assert.match(suppressed!.note, /^2 soft bounces within 14 days; last: 552 5\.2\.2 Mailbox quota exceeded/);
    }
  });

  test('complaints: an ARF report to the feedback address suppresses the complainer; a headers-only report names which of two recipients', async () => {
    const sent = await send(shop, 'shop.test', ['angry@reader.test']);
    const reply = await sendReport(port, '', ['fbl@bounces.relay.test'], fixture('arf-yahoo.eml', { VERP: sent.verp, FBL: 'fbl@bounces.relay.test' }));
    assert.equal(reply.data!.last, '250 2.0.0 Ok: report received');
    const view = await events(shop, sent.id);
    const complaint = view.events.find((e: { type: string }) => e.type === 'spam_complaint');
    assert.equal(complaint.recipient, 'angry@reader.test');
    assert.deepEqual([complaint.data.feedback_type, complaint.data.user_agent], ['abuse', 'Yahoo!-Mail-Feedback/2.0']);
    assert.equal((await suppressions(shop)).find((s) => s.pattern === 'angry@reader.test')!.reason, 'complaint');

    const two = await send(shop, 'shop.test', ['calm@reader.test', 'upset@reader.test']);
    await sendReport(port, '', ['fbl@bounces.relay.test'], fixture('arf-headers-only.eml', { VERP: two.verp, RCPT: 'upset@reader.test', FBL: 'fbl@bounces.relay.test' }));
    const patterns = (await suppressions(shop)).map((s) => s.pattern);
    assert.ok(patterns.includes('upset@reader.test'));
    assert.ok(!patterns.includes('calm@reader.test'));
  });

  test('reports that cannot be joined are accepted and dropped: no original, unknown message, malformed, auto-reply; no mail is generated', async () => {
    const sent = await send(shop, 'shop.test', ['quiet@reader.test']);
    const start = await counts();
    const cases: [string, string, Buffer][] = [
      ['fbl@bounces.relay.test', '', fixture('arf-no-original.eml', { FBL: 'fbl@bounces.relay.test' })],
      [sent.verp, '', fixture('malformed-dsn.eml', { VERP: sent.verp })],
      [sent.verp, 'quiet@reader.test', fixture('out-of-office.eml', { VERP: sent.verp, RCPT: 'quiet@reader.test' })],
      [sent.verp, '', fixture('postfix-delayed.eml', { VERP: sent.verp, RCPT: 'quiet@reader.test' })],
      [sent.verp, '', deeplyNested(1500)],
    ];
    for (const [rcpt, from, raw] of cases) {
      const reply = await sendReport(port, from, [rcpt], raw);
      assert.equal(reply.data!.last, '250 2.0.0 Ok: report received');
    }
    assert.deepEqual(await counts(), start);
    assert.equal((await events(shop, sent.id)).recipients[0].status, 'delivered');
  });

  test('a VERP address of a message that no longer exists (expired): accepted, dropped', async () => {
    const sent = await send(shop, 'shop.test', ['old@reader.test']);
    await relay.relay.store.db.knex('messages').where({ id: sent.id }).delete();
    const start = await counts();
    const reply = await sendReport(port, '', [sent.verp], fixture('gmail-dsn.eml', { VERP: sent.verp, RCPT: 'old@reader.test' }));
    assert.equal(reply.data!.code, 250);
    assert.deepEqual(await counts(), start);
  });

  test('the tenant boundary: a report naming one account\'s message sent to another account\'s return path records nothing', async () => {
    const theirs = await send(other, 'other.test', ['victim@reader.test']);
    // A VERP address valid for other.test's message but delivered to shop.test's return path.
    const crossed = theirs.verp.replace('@rp.other.test', '@rp.shop.test');
    const start = await counts();
    const reply = await sendReport(port, '', [crossed], fixture('gmail-dsn.eml', { VERP: crossed, RCPT: 'victim@reader.test' }));
    assert.equal(reply.data!.code, 250);
    assert.deepEqual(await counts(), start);
    assert.equal((await events(other, theirs.id)).recipients[0].status, 'delivered');
  });

  test('when recording fails the sender is told to retry (451 4.3.0) and the retry is recorded', async () => {
    const sent = await send(shop, 'shop.test', ['retry@reader.test']);
    const dsn = fixture('gmail-dsn.eml', { VERP: sent.verp, RCPT: 'retry@reader.test' });
    const bounces = relay.relay.store.bounces;
    const record = bounces.record.bind(bounces);
    // Fault injection: the database write fails, as it would with the disk full or PostgreSQL gone.
    bounces.record = async () => {
      throw new Error('database unavailable');
    };
    const start = await counts();
    try {
      const refused = await sendReport(port, '', [sent.verp], dsn);
      assert.equal(refused.data!.last, '451 4.3.0 Temporary failure, try again later');
    } finally {
      bounces.record = record;
    }
    assert.deepEqual(await counts(), start);
    const retried = await sendReport(port, '', [sent.verp], dsn);
    assert.equal(retried.data!.code, 250);
    assert.equal((await events(shop, sent.id)).recipients[0].status, 'bounced');
  });

  test('too large: 552 5.3.4 after DATA, nothing recorded', async () => {
    const sent = await send(shop, 'shop.test', ['big@reader.test']);
    const huge = Buffer.concat([fixture('gmail-dsn.eml', { VERP: sent.verp, RCPT: 'big@reader.test' }), Buffer.from(`${'x'.repeat(998)}\r\n`.repeat(300))]);
    const start = await counts();
    const reply = await sendReport(port, '', [sent.verp], huge);
    assert.equal(reply.data!.last, '552 5.3.4 Message exceeds the size limit');
    assert.deepEqual(await counts(), start);
  });

  test('a refusal during delivery (550 5.1.1 at RCPT) suppresses the address at once; a policy refusal (5.7.1 spam) does not', async () => {
    sink.behave({ rcpt: { 'dead@reader.test': { code: 550, message: '5.1.1 <dead@reader.test>: Recipient address rejected: User unknown' }, 'filtered@reader.test': { code: 554, message: '5.7.1 Message rejected as spam by Content Filtering' } } });
    try {
      const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'dead@reader.test' }, { email: 'filtered@reader.test' }], subject: 'x', text: 'x' } });
      const deadline = Date.now() + 10_000;
      let view;
      do {
        await new Promise((r) => setTimeout(r, 50));
        view = await events(shop, sent.body.id);
      } while (view.recipients.some((r: { status: string }) => r.status !== 'bounced') && Date.now() < deadline);
      const list = await suppressions(shop);
      const dead = list.find((s) => s.pattern === 'dead@reader.test');
      assert.equal(dead?.reason, 'hard_bounce');
      assert.match(dead!.note, /550 5\.1\.1/);
      assert.equal(list.find((s) => s.pattern === 'filtered@reader.test'), undefined);
    } finally {
      sink.behave({});
    }
  });
});

describe('inbound port limits: connections and messages per IP', () => {
  let relay: TestRelay;
  before(async () => {
    relay = await startTestRelay({ RELAY_INBOUND_PORT: '0', RELAY_INBOUND_RATE_LIMIT: '3', RELAY_INBOUND_MAX_CONNECTIONS_PER_IP: '2' });
  });
  after(async () => relay?.close());

  test('past the rate limit MAIL FROM gets 451 4.7.1; past the connection limit the greeting is 421 4.7.0', async () => {
    const port = relay.relay.ports.inbound!;
    const client = await SmtpTestClient.connect(port);
    await client.reply();
    await client.ehlo();
    const replies = [];
    for (let i = 0; i < 4; i++) {
      replies.push((await client.command('MAIL FROM:<>')).last);
      await client.command('RSET');
    }
    assert.deepEqual(replies.slice(0, 3).map((r) => r.slice(0, 3)), ['250', '250', '250']);
    assert.equal(replies[3], '451 4.7.1 Too many messages from your address, try again later');

    const second = await SmtpTestClient.connect(port);
    assert.equal((await second.reply()).code, 220);
    const third = await SmtpTestClient.connect(port);
    assert.equal((await third.reply()).last, '421 4.7.0 Too many connections from your address, try again later');
    await third.waitClosed();
    client.close();
    second.close();
  });
});
