import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import http from 'node:http';

import { ADMIN_TOKEN, api, provisionAccount, startTestRelay, type ProvisionedAccount, type TestRelay } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { verifyWithDkimpy } from '../dkim/helpers.ts';
import { decodeBody, parseMime, walkParts } from '../../src/mime/parse.ts';
import { createKeyring, loadOrCreateSecretKey } from '../../src/auth/keyring.ts';
import { createTrackingTokens } from '../../src/tracking/token.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { publishAndVerify } from '../helpers/verified-domain.ts';

const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

/** The decoded HTML of a delivered message. */
function htmlOf(raw: Buffer): string {
  const part = [...walkParts(parseMime(raw).root)].find((p) => p.type === 'text/html');
  return part ? decodeBody(part).toString('utf8') : '';
}

describe('open and click tracking, end to end', () => {
  let relay: TestRelay;
  let sink: SmtpSink;
  let shop: ProvisionedAccount;
  let zone: Record<string, string>;

  before(async () => {
    sink = await startSmtpSink();
    relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}`, RELAY_PUBLIC_URL: 'http://127.0.0.1:1' });
    shop = await provisionAccount(relay.baseUrl, 'shop.test', { dkim: ['rsa'] });
    zone = Object.fromEntries(shop.dkim.map((k) => [k.dns_record.name, k.dns_record.value]));
  });
  after(async () => {
    await relay?.close();
    await sink?.close();
  });

  /** Sends, waits for the sink and for the relay to record the delivery; returns the message id and the delivered bytes. */
  async function sendAndDeliver(body: Record<string, unknown>): Promise<{ id: string; raw: Buffer }> {
    const count = sink.messages.length;
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'reader@customer.test' }], subject: 'Your order', ...body } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const [received] = (await sink.waitFor(count + 1, 10_000)).slice(count);
    const deadline = Date.now() + 10_000;
    while ((await api(relay.baseUrl, 'GET', `/v1/messages/${sent.body.id}`, { token: shop.token })).body.recipients[0].status !== 'delivered' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return { id: sent.body.id, raw: received!.raw };
  }

  /** Moves the recorded delivery a minute into the past: what a reader does a minute later. */
  async function deliveredAMinuteAgo(messageId: string) {
    const knex = relay.relay.store.db.knex;
    await knex('events').where({ message_id: messageId, type: 'delivered' }).update({ created_at: knex.raw('created_at - 60000') });
  }

  const trackedUrls = (html: string) => {
    // The relay's public URL in these tests is http://127.0.0.1:1; requests go to the test relay's real port.
    const local = (url: string) => url.replace('http://127.0.0.1:1', relay.baseUrl);
    return {
      pixel: local(/<img src="(http:\/\/127\.0\.0\.1:1\/t\/o\/[^"]+)"/.exec(html)![1]!),
      links: [...html.matchAll(/href="(http:\/\/127\.0\.0\.1:1\/t\/c\/[^"]+)"/g)].map((m) => local(m[1]!)),
    };
  };
  const eventsOf = async (id: string) => (await api(relay.baseUrl, 'GET', `/v1/messages/${id}`, { token: shop.token })).body.events as { type: string; recipient: string; data: Record<string, unknown> }[];

  test('a reader opens and clicks: exactly one opened and one clicked event, the redirect goes to the original link, DKIM still verifies', async () => {
    const { id, raw } = await sendAndDeliver({
      html: '<html><body><p>Thanks! <a href="https://shop.test/orders/1001?ref=mail&amp;x=1">Your order</a> · <a href="mailto:help@shop.test">Help</a></p></body></html>',
      text: 'Thanks! https://shop.test/orders/1001',
      tracking: { opens: true, clicks: true },
    });
    const verdict = await verifyWithDkimpy(raw, zone);
    assert.deepEqual(verdict.results.map((r) => r.ok), [true], 'signed after the rewrite');
    const html = htmlOf(raw);
    const { pixel, links } = trackedUrls(html);
    assert.equal(links.length, 1, 'the mailto: link is left alone');
    assert.match(html, /href="mailto:help@shop\.test"/);
    assert.match(raw.toString('latin1'), /Thanks! https:\/\/shop\.test\/orders\/1001/, 'the text part is untouched');

    await deliveredAMinuteAgo(id);
    const image = await fetch(pixel, { headers: { 'user-agent': BROWSER } });
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/gif');
    assert.equal(Buffer.from(await image.arrayBuffer()).length, 42);
    const click = await fetch(links[0]!, { headers: { 'user-agent': BROWSER }, redirect: 'manual' });
    assert.equal(click.status, 302);
    assert.equal(click.headers.get('location'), 'https://shop.test/orders/1001?ref=mail&x=1');

    const events = await eventsOf(id);
    const opened = events.filter((e) => e.type === 'opened');
    const clicked = events.filter((e) => e.type === 'clicked');
    assert.equal(opened.length, 1);
    assert.equal(clicked.length, 1);
    assert.deepEqual([opened[0]!.recipient, opened[0]!.data], ['reader@customer.test', { user_agent_class: 'browser', machine: false }]);
    assert.deepEqual(clicked[0]!.data, { url: 'https://shop.test/orders/1001?ref=mail&x=1', user_agent_class: 'browser', machine: false });
    const analytics = (await api(relay.baseUrl, 'GET', '/v1/analytics', { token: shop.token })).body.totals;
    assert.ok(analytics.opened >= 1 && analytics.clicked >= 1);
  });

  test('machines are flagged, not hidden: a scanner, a HEAD request and a prefetch within seconds of delivery', async () => {
    const { id, raw } = await sendAndDeliver({ html: '<p><a href="https://shop.test/a">A</a></p>', tracking: { opens: true, clicks: true } });
    const { pixel, links } = trackedUrls(htmlOf(raw));
    await fetch(pixel, { headers: { 'user-agent': BROWSER } }); // seconds after delivery: a privacy proxy's prefetch
    await fetch(links[0]!, { method: 'HEAD', headers: { 'user-agent': BROWSER }, redirect: 'manual' });
    await deliveredAMinuteAgo(id);
    await fetch(links[0]!, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Barracuda Sentinel)' }, redirect: 'manual' });
    const events = await eventsOf(id);
    assert.deepEqual(events.filter((e) => e.type === 'opened' || e.type === 'clicked').map((e) => [e.type, e.data.machine, e.data.user_agent_class]), [
      ['opened', true, 'browser'], ['clicked', true, 'browser'], ['clicked', true, 'scanner'],
    ]);
  });

  test('bad tokens: tampered, swapped kind, expired; nothing is recorded and nothing redirects', async () => {
    const { id, raw } = await sendAndDeliver({ html: '<p><a href="https://shop.test/b">B</a></p>', tracking: { opens: true, clicks: true } });
    const { pixel, links } = trackedUrls(htmlOf(raw));
    const before = (await eventsOf(id)).length;
    const token = links[0]!.slice(links[0]!.lastIndexOf('/') + 1);
    const [payload, mac] = token.split('.') as [string, string];
    const evil = Buffer.from(JSON.stringify(['c', id, Math.floor(Date.now() / 1000), 'https://evil.example/'])).toString('base64url');
    for (const bad of [`${evil}.${mac}`, `${payload}.${mac.slice(0, -2)}xx`, payload, 'nothing']) {
      const res = await fetch(`${relay.baseUrl}/t/c/${bad}`, { redirect: 'manual' });
      assert.equal(res.status, 404, bad);
      assert.equal(res.headers.get('location'), null);
    }
    assert.equal((await fetch(`${relay.baseUrl}/t/o/${token}`)).status, 404, 'a click token is not an open token');
    assert.equal((await fetch(pixel.replace('/t/o/', '/t/c/'), { redirect: 'manual' })).status, 404, 'an open token is not a click token');
    // A token signed with the relay's own key but issued past retention.
    const keyring = createKeyring(loadOrCreateSecretKey(undefined, relay.dataDir).key);
    const old = createTrackingTokens(keyring.deriveKey('tracking')).click(id, 'https://shop.test/b', Date.now() - 91 * 86_400_000);
    assert.equal((await fetch(`${relay.baseUrl}/t/c/${old}`, { redirect: 'manual' })).status, 410);
    assert.equal((await eventsOf(id)).length, before);
  });

  test('the account default and the per-send override; SMTP chooses with X-RelayPress-Track, which never reaches the reader', async () => {
    assert.equal((await api(relay.baseUrl, 'PATCH', `/admin/accounts/${shop.accountId}`, { token: ADMIN_TOKEN, body: { track_opens: true } })).body.track_opens, true);
    const byDefault = await sendAndDeliver({ html: '<p><a href="https://shop.test/c">C</a></p>' });
    assert.match(htmlOf(byDefault.raw), /\/t\/o\//);
    assert.doesNotMatch(htmlOf(byDefault.raw), /\/t\/c\//, 'clicks stay off by default');
    const optedOut = await sendAndDeliver({ html: '<p><a href="https://shop.test/c">C</a></p>', tracking: { opens: false } });
    assert.equal(htmlOf(optedOut.raw).trimEnd(), '<p><a href="https://shop.test/c">C</a></p>');
    await api(relay.baseUrl, 'PATCH', `/admin/accounts/${shop.accountId}`, { token: ADMIN_TOKEN, body: { track_opens: false } });

    const count = sink.messages.length;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: relay.relay.ports.submission!, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: shop.smtpUser.username, pass: shop.smtpUser.password } });
    await transport.sendMail({ from: 'orders@shop.test', to: 'reader@customer.test', subject: 'SMTP', html: '<p><a href="https://shop.test/d">D</a></p>', headers: { 'X-RelayPress-Track': 'clicks' } });
    transport.close();
    const [received] = (await sink.waitFor(count + 1, 10_000)).slice(count);
    assert.doesNotMatch(received!.raw.toString('latin1'), /X-RelayPress-Track/i);
    assert.match(htmlOf(received!.raw), /href="http:\/\/127\.0\.0\.1:1\/t\/c\//);
    assert.doesNotMatch(htmlOf(received!.raw), /\/t\/o\//);
    assert.deepEqual((await verifyWithDkimpy(received!.raw, zone)).results.map((r) => r.ok), [true]);

    const refused = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'r@customer.test' }], subject: 's', text: 'x', tracking: { opens: 'yes' } } });
    assert.equal(refused.status, 400);
  });
});

/** A GET with a chosen Host header (fetch does not allow setting it), without following redirects. */
function getWithHost(baseUrl: string, path: string, host: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${path}`, { headers: { host, 'user-agent': BROWSER } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a domain\'s own tracking host (CNAME)', () => {
  let relay: TestRelay;
  let sink: SmtpSink;
  let dns: TestDnsServer;
  let shop: ProvisionedAccount;
  let other: ProvisionedAccount;

  before(async () => {
    sink = await startSmtpSink();
    dns = await startDnsServer({});
    relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}`, RELAY_PUBLIC_URL: 'https://relay.public.test', RELAY_DNS_SERVERS: dns.address });
    shop = await provisionAccount(relay.baseUrl, 'shop.test');
    other = await provisionAccount(relay.baseUrl, 'other.test');
  });
  after(async () => {
    await relay?.close();
    await sink?.close();
    await dns?.close();
  });

  test('set, published, verified, used in links; another account\'s token on it is 404', async () => {
    const domainId = (await api(relay.baseUrl, 'GET', '/v1/domains', { token: shop.token })).body.data[0].id;
    const outside = await api(relay.baseUrl, 'PATCH', `/v1/domains/${domainId}`, { token: shop.token, body: { tracking_host: 'track.elsewhere.test' } });
    assert.deepEqual([outside.status, outside.body.error.message], [400, 'tracking_host must be a name under shop.test, such as track.shop.test']);
    const set = await api(relay.baseUrl, 'PATCH', `/v1/domains/${domainId}`, { token: shop.token, body: { tracking_host: 'Track.Shop.test' } });
    assert.equal(set.body.tracking_host, 'track.shop.test');
    const record = set.body.records.find((r: { purpose: string }) => r.purpose === 'tracking_cname');
    assert.deepEqual([record.name, record.type, record.value, record.required, record.status], ['track.shop.test', 'CNAME', 'relay.public.test', false, 'unchecked']);
    // Before the CNAME is seen, links use the relay's public URL.
    const early = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'a@shop.test' }, to: [{ email: 'r@customer.test' }], subject: 's', html: '<a href="https://shop.test/x">x</a>', tracking: { clicks: true } } });
    assert.equal(early.status, 202);
    const first = await sink.waitFor(1, 10_000);
    assert.match(htmlOf(first[0]!.raw), /href="https:\/\/relay\.public\.test\/t\/c\//);

    await publishAndVerify(relay.baseUrl, shop.token, dns, 'shop.test');
    const verified = (await api(relay.baseUrl, 'GET', `/v1/domains/${domainId}`, { token: shop.token })).body;
    assert.equal(verified.records.find((r: { purpose: string }) => r.purpose === 'tracking_cname').status, 'ok');
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'a@shop.test' }, to: [{ email: 'r@customer.test' }], subject: 's', html: '<a href="https://shop.test/y">y</a>', tracking: { clicks: true } } });
    const [received] = (await sink.waitFor(2, 10_000)).slice(1);
    const link = /href="https:\/\/track\.shop\.test(\/t\/c\/[^"]+)"/.exec(htmlOf(received!.raw));
    assert.ok(link, htmlOf(received!.raw));

    const otherDomain = (await api(relay.baseUrl, 'GET', '/v1/domains', { token: other.token })).body.data[0].id;
    await api(relay.baseUrl, 'PATCH', `/v1/domains/${otherDomain}`, { token: other.token, body: { tracking_host: 'track.other.test' } });
    const taken = await api(relay.baseUrl, 'PATCH', `/v1/domains/${otherDomain}`, { token: other.token, body: { tracking_host: 'track.shop.test' } });
    assert.equal(taken.status, 400, 'not under other.test');
    const before = (await api(relay.baseUrl, 'GET', `/v1/messages/${sent.body.id}`, { token: shop.token })).body.events.length;
    assert.equal((await getWithHost(relay.baseUrl, link[1]!, 'track.other.test')).status, 404, 'shop\'s token on other\'s tracking host');
    assert.equal((await api(relay.baseUrl, 'GET', `/v1/messages/${sent.body.id}`, { token: shop.token })).body.events.length, before);
    const good = await getWithHost(relay.baseUrl, link[1]!, 'track.shop.test');
    assert.deepEqual([good.status, good.location], [302, 'https://shop.test/y']);
  });
});
