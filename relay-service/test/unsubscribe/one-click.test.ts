import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { startTestRelay, provisionAccount, api, ADMIN_TOKEN, type TestRelay, type ProvisionedAccount } from '../helpers/relay.ts';
import { startSmtpSink, closedPort, type SmtpSink, type ReceivedMessage } from '../helpers/smtp-sink.ts';
import { ENGINES, type TestDatabase } from '../helpers/databases.ts';
import { verifyWithDkimpy, verifyWithMailauth } from '../dkim/helpers.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

const admin = { token: ADMIN_TOKEN };

/** A header of a delivered message, unfolded; undefined when absent. */
function header(raw: Buffer, name: string): string | undefined {
  const head = raw.toString('latin1', 0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return match?.[1];
}

function unsubscribeUrl(raw: Buffer): string {
  const value = header(raw, 'List-Unsubscribe');
  const url = value && /^<(https?:\/\/[^>]+)>$/.exec(value)?.[1];
  assert.ok(url, `no List-Unsubscribe URL in:\n${raw.toString('latin1', 0, 2000)}`);
  return url;
}

/** What Gmail and Yahoo do with the URL (RFC 8058 §3.2): a bare POST, no cookies, no redirects followed. */
function oneClick(url: string, form: 'urlencoded' | 'multipart' = 'urlencoded'): Promise<Response> {
  if (form === 'multipart') {
    const body = new FormData();
    body.set('List-Unsubscribe', 'One-Click');
    return fetch(url, { method: 'POST', body, redirect: 'manual' });
  }
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click', redirect: 'manual' });
}

/** The `h=` names of each DKIM-Signature of a message. */
function signedHeaderLists(raw: Buffer): string[][] {
  const head = raw.toString('latin1', 0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return [...head.matchAll(/^DKIM-Signature:.*$/gim)].map((m) => /\bh=([^;]+)/.exec(m[0])![1]!.split(':').map((n) => n.trim().toLowerCase()));
}

for (const engine of ENGINES) {
  describe(`one-click unsubscribe (RFC 8058) on ${engine.name}`, () => {
    let sink: SmtpSink;
    let relay: TestRelay;
    let database: TestDatabase | undefined;
    let shop: ProvisionedAccount;
    let receiver: WebhookReceiver;
    const zone: Record<string, string> = {};

    before(async () => {
      sink = await startSmtpSink();
      receiver = await startWebhookReceiver();
      // The links must point at this relay, so its HTTP port is chosen before it starts.
      const httpPort = await closedPort();
      const env: Record<string, string> = {
        RELAY_ROUTES: `*=127.0.0.1:${sink.port}`,
        RELAY_HTTP_PORT: String(httpPort),
        RELAY_PUBLIC_URL: `http://127.0.0.1:${httpPort}/`,
        RELAY_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      };
      if (engine.name === 'postgres') {
        database = await engine.create();
        env.RELAY_DATABASE_URL = database.url;
      }
      relay = await startTestRelay(env);
      shop = await provisionAccount(relay.baseUrl, 'shop.test', { dkim: ['rsa', 'ed25519'] });
      for (const key of shop.dkim) zone[key.dns_record.name] = key.dns_record.value;
      const hook = await api(relay.baseUrl, 'POST', '/v1/webhooks', { token: shop.token, body: { url: receiver.url, event_types: ['unsubscribed'] } });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
    });
    after(async () => {
      await relay?.close();
      await sink?.close();
      await receiver?.close();
      await database?.drop();
    });

    async function send(body: Record<string, unknown>) {
      const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'news@shop.test', name: 'Shop' }, subject: 'Autumn sale', text: 'Everything half price.', ...body } });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      return sent.body as { id: string; recipients: { id: string; email: string; suppressed?: string }[] };
    }

    /** Sends and waits until every recipient's copy arrived; returns them by recipient. */
    async function sendAndReceive(body: Record<string, unknown>, expectedTransactions: number) {
      const before = sink.messages.length;
      const sent = await send(body);
      const received = (await sink.waitFor(before + expectedTransactions, 10_000)).slice(before);
      const byRecipient = new Map<string, ReceivedMessage>();
      for (const m of received) for (const r of m.rcptTo) byRecipient.set(r, m);
      return { sent, received, byRecipient };
    }

    const events = async (messageId: string) =>
      (await api(relay.baseUrl, 'GET', `/v1/messages/${messageId}`, { token: shop.token })).body.events as { type: string; recipient: string | null; data: Record<string, unknown> }[];
    const suppressions = async () => (await api(relay.baseUrl, 'GET', '/v1/suppressions?limit=500', { token: shop.token })).body.data as { pattern: string; reason: string }[];
    // What an unsubscribe writes (delivery keeps recording its own events meanwhile).
    const counts = async () => {
      const knex = relay.relay.store.db.knex;
      const n = async (q: ReturnType<typeof knex>) => Number((await q.count({ n: '*' }).first())!.n);
      return {
        unsubscribedEvents: await n(knex('events').where({ type: 'unsubscribed' })),
        unsubscribedRows: await n(knex('recipients').whereNotNull('unsubscribed_at')),
        suppressions: await n(knex('suppressions')),
      };
    };

    let firstSend: Awaited<ReturnType<typeof sendAndReceive>>;

    test('each recipient gets its own signed link in List-Unsubscribe with the One-Click marker, and DKIM (dkimpy, mailauth) covers both fields', async () => {
      firstSend = await sendAndReceive({ to: [{ email: 'ann@customer.test' }, { email: 'bob@customer.test' }], cc: [{ email: 'cy@other.test' }], unsubscribe: true }, 3);
      assert.deepEqual(firstSend.received.map((m) => m.rcptTo.length), [1, 1, 1], 'one transaction per recipient: the header differs');
      const urls = new Set<string>();
      for (const recipient of firstSend.sent.recipients) {
        const raw = firstSend.byRecipient.get(recipient.email)!.raw;
        const url = unsubscribeUrl(raw);
        assert.ok(url.startsWith(`${relay.baseUrl}/unsubscribe/${recipient.id}.`), `${url} names the recipient row ${recipient.id}`);
        urls.add(url);
        assert.equal(header(raw, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
        for (const names of signedHeaderLists(raw)) {
          assert.ok(names.includes('list-unsubscribe') && names.includes('list-unsubscribe-post'), names.join(':'));
        }
        const dkimpy = await verifyWithDkimpy(raw, zone);
        assert.deepEqual(dkimpy.results.map((r) => [r.algorithm, r.ok, r.error]).sort(), [['ed25519-sha256', true, null], ['rsa-sha256', true, null]]);
        assert.deepEqual((await verifyWithMailauth(raw, zone)).map((r) => r.ok), [true, true]);
        // A tampered link must break the signature: the URL is what the signature protects.
        const forged = Buffer.from(raw.toString('latin1').replace(recipient.id, 'rcpt_0000000000aaaaaaaaaaaaaaaa'), 'latin1');
        assert.deepEqual((await verifyWithMailauth(forged, zone)).map((r) => r.ok), [false, false]);
      }
      assert.equal(urls.size, 3, 'every recipient has a different URL');
    });

    test('GET shows a confirmation page with a button, behind strict headers, and never unsubscribes', async () => {
      const url = unsubscribeUrl(firstSend.byRecipient.get('ann@customer.test')!.raw);
      const before = await counts();
      for (let i = 0; i < 3; i++) {
        const page = await fetch(url);
        assert.equal(page.status, 200);
        const html = await page.text();
        assert.match(html, /a•••@customer\.test/);
        assert.match(html, /Stop emails like this one from <strong>shop\.test<\/strong>/);
        assert.equal(html.includes('ann@customer.test'), false, 'the full address is not on the page');
        assert.match(html, /<form method="post">\s*<input type="hidden" name="List-Unsubscribe" value="One-Click">/);
        assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
        assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
        assert.equal(page.headers.get('cache-control'), 'no-store');
        assert.equal(page.headers.get('set-cookie'), null);
      }
      assert.equal((await fetch(url, { method: 'HEAD' })).status, 200);
      assert.deepEqual(await counts(), before, 'nothing written by GET or HEAD');
      assert.equal((await events(firstSend.sent.id)).some((e) => e.type === 'unsubscribed'), false);
    });

    test('a one-click POST by an HTTP client suppresses exactly that recipient; the next send to them is suppressed, the others go out', async () => {
      const url = unsubscribeUrl(firstSend.byRecipient.get('ann@customer.test')!.raw);
      const res = await oneClick(url);
      assert.equal(res.status, 200);
      const done = await res.text();
      assert.match(done, /<h1>Unsubscribed<\/h1>/);
      assert.match(done, /Messages about your own orders or account, such as receipts, can still arrive\./, 'what the next test holds the relay to');
      assert.equal(res.headers.get('set-cookie'), null);

      const unsubscribed = (await events(firstSend.sent.id)).filter((e) => e.type === 'unsubscribed');
      assert.deepEqual(unsubscribed.map((e) => [e.recipient, e.data.suppression]), [['ann@customer.test', 'added']]);
      assert.deepEqual((await suppressions()).map((s) => [s.pattern, s.reason]), [['ann@customer.test', 'unsubscribe']]);
      // The site hears of it through its webhook, like of every other event.
      const deadline = Date.now() + 10_000;
      const hooked = () => receiver.received.map((r) => JSON.parse(r.body)).filter((e) => e.type === 'unsubscribed' && e.message_id === firstSend.sent.id);
      while (hooked().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(hooked().map((e) => e.recipient), ['ann@customer.test']);

      const next = await sendAndReceive({ to: [{ email: 'ann@customer.test' }, { email: 'bob@customer.test' }], unsubscribe: true }, 1);
      assert.deepEqual(next.sent.recipients.map((r) => [r.email, r.suppressed ?? null]), [['ann@customer.test', 'unsubscribe'], ['bob@customer.test', null]]);
      assert.deepEqual(next.received.map((m) => m.rcptTo), [['bob@customer.test']]);
      const rows = await relay.relay.store.db.knex('recipients').where({ message_id: next.sent.id }).select('email', 'header_prefix');
      assert.deepEqual(rows.map((r) => [r.email, r.header_prefix === null]).sort(), [['ann@customer.test', true], ['bob@customer.test', false]], 'no link is made (or signed) for a suppressed recipient');
    });

    test('an unsubscribe stops the mail it was offered on, not transactional mail: a receipt still reaches them; a tagged newsletter or one with its own List-Unsubscribe does not', async () => {
      // ann@customer.test unsubscribed in the test above.
      const receipt = await sendAndReceive({ to: [{ email: 'ann@customer.test' }], subject: 'Your order #1042 is on its way', text: 'Thanks.' }, 1);
      assert.deepEqual(receipt.sent.recipients.map((r) => [r.email, r.suppressed ?? null]), [['ann@customer.test', null]]);
      assert.deepEqual(receipt.received.map((m) => m.rcptTo), [['ann@customer.test']]);

      const own = await send({ to: [{ email: 'ann@customer.test' }], headers: [{ name: 'List-Unsubscribe', value: '<mailto:leave@shop.test>' }] });
      assert.equal(own.recipients[0]!.suppressed, 'unsubscribe', "the sender's own List-Unsubscribe: mail one can unsubscribe from");
      assert.equal((await api(relay.baseUrl, 'PATCH', `/admin/accounts/${shop.accountId}`, { ...admin, body: { non_transactional_tags: ['newsletter'] } })).status, 200);
      try {
        const tagged = await send({ to: [{ email: 'ann@customer.test' }], tags: ['newsletter'], unsubscribe: false });
        assert.equal(tagged.recipients[0]!.suppressed, 'unsubscribe', 'a non-transactional tag, even with the links turned off');
      } finally {
        await api(relay.baseUrl, 'PATCH', `/admin/accounts/${shop.accountId}`, { ...admin, body: { non_transactional_tags: [] } });
      }

      // Every other reason stops transactional mail too, also over her own unsubscribe entry.
      const manual = await api(relay.baseUrl, 'POST', '/v1/suppressions', { token: shop.token, body: { email: '*@customer.test', reason: 'manual' } });
      assert.equal(manual.status, 201, JSON.stringify(manual.body));
      try {
        const blocked = await send({ to: [{ email: 'ann@customer.test' }, { email: 'bob@customer.test' }] });
        assert.deepEqual(blocked.recipients.map((r) => [r.email, r.suppressed ?? null]), [['ann@customer.test', 'manual'], ['bob@customer.test', 'manual']]);
      } finally {
        assert.equal((await api(relay.baseUrl, 'DELETE', `/v1/suppressions/${manual.body.id}`, { token: shop.token })).status, 204);
      }
    });

    test('a replayed POST answers "already unsubscribed" and writes nothing; the multipart form RFC 8058 prefers works too', async () => {
      const url = unsubscribeUrl(firstSend.byRecipient.get('ann@customer.test')!.raw);
      const before = await counts();
      for (const form of ['urlencoded', 'multipart'] as const) {
        const replay = await oneClick(url, form);
        assert.equal(replay.status, 200);
        assert.match(await replay.text(), /Already unsubscribed/);
      }
      const page = await (await fetch(url)).text();
      assert.match(page, /Already unsubscribed/);
      assert.equal(page.includes('<form'), false, 'no button for an address already unsubscribed');
      assert.deepEqual(await counts(), before);

      // Two POSTs at once (a provider's retry racing the first): exactly one of them unsubscribes.
      const bobUrl = unsubscribeUrl(firstSend.byRecipient.get('bob@customer.test')!.raw);
      const answers = await Promise.all([oneClick(bobUrl, 'multipart'), oneClick(bobUrl), oneClick(bobUrl)]);
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
      const titles = await Promise.all(answers.map(async (a) => /<h1>(.*)<\/h1>/.exec(await a.text())![1]));
      assert.deepEqual(titles.sort(), ['Already unsubscribed', 'Already unsubscribed', 'Unsubscribed']);
      assert.deepEqual((await events(firstSend.sent.id)).filter((e) => e.type === 'unsubscribed').map((e) => e.recipient), ['ann@customer.test', 'bob@customer.test']);
      assert.deepEqual((await suppressions()).map((s) => s.pattern).sort(), ['ann@customer.test', 'bob@customer.test']);
    });

    test('tampered, malformed and foreign tokens are refused (404) with nothing written; a token whose row is gone is 410', async () => {
      const url = unsubscribeUrl(firstSend.byRecipient.get('cy@other.test')!.raw);
      const token = url.slice(url.lastIndexOf('/') + 1);
      const [rowId, mac] = token.split('.') as [string, string];
      const flipped = `${rowId}.${mac.slice(0, 3)}${mac[3] === 'x' ? 'y' : 'x'}${mac.slice(4)}`;
      const otherRow = firstSend.sent.recipients.find((r) => r.email === 'bob@customer.test')!.id;
      const before = await counts();
      for (const bad of [flipped, `${otherRow}.${mac}`, rowId, `${token}x`, 'nonsense', encodeURIComponent('<script>')]) {
        const res = await oneClick(`${relay.baseUrl}/unsubscribe/${bad}`);
        assert.equal(res.status, 404, bad);
        assert.match(await res.text(), /not valid/);
        assert.equal((await fetch(`${relay.baseUrl}/unsubscribe/${bad}`)).status, 404);
      }
      assert.deepEqual(await counts(), before);
      assert.equal((await suppressions()).some((s) => s.pattern === 'cy@other.test'), false);

      // The message was deleted (e.g. by retention): the link is valid but refers to nothing.
      const gone = await sendAndReceive({ to: [{ email: 'dee@customer.test' }], unsubscribe: true }, 1);
      const goneUrl = unsubscribeUrl(gone.received[0]!.raw);
      const knex = relay.relay.store.db.knex;
      await knex('attempts').where({ message_id: gone.sent.id }).delete();
      await knex('events').where({ message_id: gone.sent.id }).delete();
      await knex('recipients').where({ message_id: gone.sent.id }).delete();
      await knex('messages').where({ id: gone.sent.id }).delete();
      const beforeGone = await counts();
      assert.equal((await oneClick(goneUrl)).status, 410);
      assert.equal((await fetch(goneUrl)).status, 410);
      assert.deepEqual(await counts(), beforeGone);

      // An erasure request keeps the row under a placeholder address: nobody is left to unsubscribe.
      assert.equal((await api(relay.baseUrl, 'POST', '/v1/privacy/erase', { token: shop.token, body: { email: 'cy@other.test' } })).status, 200);
      assert.equal((await oneClick(url)).status, 410);
      assert.equal((await fetch(url)).status, 410);
      assert.deepEqual(await counts(), beforeGone);
    });

    test('the account default: a non-transactional tag adds the headers, "unsubscribe": false overrides it, other mail is untouched and shares one transaction', async () => {
      const bad = await api(relay.baseUrl, 'PATCH', `/admin/accounts/${shop.accountId}`, { ...admin, body: { non_transactional_tags: ['x'.repeat(65)] } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, 'non_transactional_tags.0');
      assert.equal((await api(relay.baseUrl, 'PATCH', `/admin/accounts/${shop.accountId}`, { ...admin, body: {} })).status, 400);
      const patched = await api(relay.baseUrl, 'PATCH', `/admin/accounts/${shop.accountId}`, { ...admin, body: { non_transactional_tags: ['newsletter', 'promo', 'newsletter'] } });
      assert.equal(patched.status, 200);
      assert.deepEqual(patched.body.non_transactional_tags, ['newsletter', 'promo']);
      assert.equal(patched.body.sandbox, true, 'sandbox is left as it was');

      const to = [{ email: 'eve@customer.test' }, { email: 'fay@customer.test' }];
      const tagged = await sendAndReceive({ to, tags: ['promo'] }, 2);
      assert.ok(tagged.received.every((m) => unsubscribeUrl(m.raw)));

      const optedOut = await sendAndReceive({ to, tags: ['newsletter'], unsubscribe: false }, 1);
      const order = await sendAndReceive({ to, tags: ['order'] }, 1);
      const untagged = await sendAndReceive({ to }, 1);
      for (const plain of [optedOut, order, untagged]) {
        assert.deepEqual(plain.received.map((m) => [...m.rcptTo].sort()), [['eve@customer.test', 'fay@customer.test']], 'one transaction for both, as before');
        const raw = plain.received[0]!.raw;
        assert.equal(header(raw, 'List-Unsubscribe'), undefined);
        assert.equal(header(raw, 'List-Unsubscribe-Post'), undefined);
        // Signed once at accept and stored signed: what arrives is the stored bytes exactly.
        assert.deepEqual(await relay.relay.store.messages.getRaw(plain.sent.id), raw);
        assert.deepEqual((await verifyWithMailauth(raw, zone)).map((r) => r.ok), [true, true]);
        const rows = await relay.relay.store.db.knex('recipients').where({ message_id: plain.sent.id }).select('header_prefix');
        assert.deepEqual(rows.map((r) => r.header_prefix), [null, null]);
      }

      // A message with its own List-Unsubscribe keeps it under the default; asking for the relay's on top is refused.
      const own = { name: 'List-Unsubscribe', value: '<mailto:leave@shop.test>' };
      const kept = await sendAndReceive({ to: [{ email: 'eve@customer.test' }], tags: ['newsletter'], headers: [own] }, 1);
      assert.equal(header(kept.received[0]!.raw, 'List-Unsubscribe'), '<mailto:leave@shop.test>');
      const clash = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'news@shop.test' }, to, subject: 's', text: 't', headers: [own], unsubscribe: true } });
      assert.equal(clash.status, 400);
      assert.equal(clash.body.error.code, 'invalid_message');
      assert.equal(clash.body.error.field, 'unsubscribe');

      await api(relay.baseUrl, 'PATCH', `/admin/accounts/${shop.accountId}`, { ...admin, body: { non_transactional_tags: [] } });
      const off = await sendAndReceive({ to, tags: ['promo'] }, 1);
      assert.equal(header(off.received[0]!.raw, 'List-Unsubscribe'), undefined, 'clearing the list turns the default off at once');
    });

    test('SMTP submission asks with X-RelayPress-Unsubscribe: yes, which never reaches the recipient; a bad value is refused', async () => {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1', port: relay.relay.ports.submission!, secure: false, requireTLS: true,
        tls: { rejectUnauthorized: false }, auth: { user: shop.smtpUser.username, pass: shop.smtpUser.password },
      });
      try {
        const before = sink.messages.length;
        const info = await transport.sendMail({
          from: 'Shop <news@shop.test>', to: ['gus@customer.test', 'hal@customer.test'], subject: 'Weekly', text: 'News.',
          headers: { 'X-RelayPress-Unsubscribe': 'yes' },
        });
        assert.match(info.response, /^250 2\.0\.0 Ok: queued as msg_/);
        const received = (await sink.waitFor(before + 2, 10_000)).slice(before);
        const urls = received.map((m) => unsubscribeUrl(m.raw));
        assert.equal(new Set(urls).size, 2);
        for (const m of received) {
          assert.equal(header(m.raw, 'X-RelayPress-Unsubscribe'), undefined);
          assert.deepEqual((await verifyWithDkimpy(m.raw, zone)).results.map((r) => r.ok), [true, true]);
        }
        assert.equal((await oneClick(urls[0]!)).status, 200);
        assert.ok((await suppressions()).some((s) => s.pattern === received[0]!.rcptTo[0]));

        await assert.rejects(
          transport.sendMail({ from: 'news@shop.test', to: 'gus@customer.test', subject: 'x', text: 'x', headers: { 'X-RelayPress-Unsubscribe': 'maybe' } }),
          (err: { responseCode?: number; response?: string }) => err.responseCode === 554 && /5\.6\.0 X-RelayPress-Unsubscribe must be "yes" or "no"/.test(err.response ?? ''),
        );
      } finally {
        transport.close();
      }
    });
  });
}
