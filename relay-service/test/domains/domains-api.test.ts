import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRelay, provisionAccount, api, ADMIN_TOKEN, type TestRelay, type ProvisionedAccount } from '../helpers/relay.ts';
import { SmtpTestClient } from '../helpers/smtp-client.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { verifyWithDkimpy, verifyWithPyspf } from '../dkim/helpers.ts';
import { splitTxtValue } from '../../src/dkim/keys.ts';

interface RecordView { purpose: string; name: string; type: string; value: string; priority?: number; required: boolean; status: string; found: string[]; message: string; selector?: string; algorithm?: string }

/**
 * A site owner's path with a domain, against a real DNS server on loopback: add it, read
 * the records, verify in each state (nothing, wrong, right), then send signed mail.
 */
describe('domains: records, live verification, signing after verification', () => {
  let dns: TestDnsServer;
  let sink: SmtpSink;
  let relay: TestRelay;
  let shop: ProvisionedAccount;
  let other: ProvisionedAccount;

  before(async () => {
    dns = await startDnsServer({});
    sink = await startSmtpSink();
    relay = await startTestRelay({
      RELAY_DNS_SERVERS: dns.address,
      // Mail to unreachable.test waits in the queue (connection refused, retried in an hour).
      RELAY_ROUTES: `unreachable.test=127.0.0.1:1,*=127.0.0.1:${sink.port}`,
      RELAY_RETRY_SCHEDULE: '1h',
      RELAY_HOSTNAME: 'relay.test',
      RELAY_INBOUND_HOST: 'bounces.relay.test',
      RELAY_SENDING_IPS: '192.0.2.10,2001:db8::10',
    });
    shop = await provisionAccount(relay.baseUrl, 'provisioned.test');
    other = await provisionAccount(relay.baseUrl, 'other.test');
  });
  after(async () => {
    await relay?.close();
    await sink?.close();
    await dns?.close();
  });

  const byPurpose = (records: RecordView[], purpose: string) => records.filter((r) => r.purpose === purpose);
  let domainId: string;
  let records: RecordView[];

  test('adding a domain gives two DKIM keys (not signing yet), a return path and every record to publish', async () => {
    const created = await api(relay.baseUrl, 'POST', '/v1/domains', { token: shop.token, body: { domain: 'Shop.Test', return_path: 'Bounces' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'shop.test');
    assert.equal(created.body.return_path, 'bounces.shop.test');
    assert.equal(created.body.status, 'pending');
    assert.deepEqual(created.body.dkim_keys.map((k: { algorithm: string; signing: boolean }) => [k.algorithm, k.signing]), [['rsa', false], ['ed25519', false]]);
    domainId = created.body.id;
    records = created.body.records;
    const month = new Date().toISOString().slice(0, 7).replace('-', '');
    assert.deepEqual(byPurpose(records, 'dkim').map((r) => [r.name, r.type, r.required, r.status]), [
      [`rpr${month}._domainkey.shop.test`, 'TXT', true, 'unchecked'],
      [`rpe${month}._domainkey.shop.test`, 'TXT', true, 'unchecked'],
    ]);
    assert.match(byPurpose(records, 'dkim')[0]!.value, /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
    assert.match(byPurpose(records, 'dkim')[1]!.value, /^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(byPurpose(records, 'return_path_mx').map((r) => [r.name, r.type, r.value, r.priority, r.required]), [['bounces.shop.test', 'MX', 'bounces.relay.test', 10, true]]);
    assert.deepEqual(byPurpose(records, 'return_path_spf').map((r) => [r.name, r.value, r.required]), [['bounces.shop.test', 'v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all', true]]);
    assert.deepEqual(byPurpose(records, 'spf').map((r) => [r.name, r.value, r.required]), [['shop.test', 'v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 ~all', false]]);
    assert.deepEqual(byPurpose(records, 'dmarc').map((r) => [r.name, r.value, r.required]), [['_dmarc.shop.test', 'v=DMARC1; p=none', false]]);
  });

  test('the DMARC suggestion names the reporting address when the owner gives one', async () => {
    const created = await api(relay.baseUrl, 'POST', '/v1/domains', { token: other.token, body: { domain: 'reports.test', dmarc_report_address: 'DMARC@Reports.test' } });
    assert.equal(created.status, 201);
    assert.deepEqual(byPurpose(created.body.records, 'dmarc').map((r) => r.value), ['v=DMARC1; p=none; rua=mailto:dmarc@reports.test']);
    const bad = await api(relay.baseUrl, 'POST', '/v1/domains', { token: other.token, body: { domain: 'reports2.test', dmarc_report_address: '*@reports.test' } });
    assert.deepEqual(bad.body.error, { code: 'validation_failed', message: 'dmarc_report_address must be an email address', field: 'dmarc_report_address' });
    assert.equal((await api(relay.baseUrl, 'GET', '/v1/domains', { token: other.token })).body.data.some((d: { name: string }) => d.name === 'reports2.test'), false, 'nothing half-added');
  });

  test('another account can neither add nor see the domain, and learns nothing about who owns it', async () => {
    const taken = await api(relay.baseUrl, 'POST', '/v1/domains', { token: other.token, body: { domain: 'shop.test' } });
    assert.equal(taken.status, 409);
    assert.deepEqual(taken.body.error, { code: 'conflict', message: 'This domain cannot be added to this account', field: 'domain' });
    assert.equal((await api(relay.baseUrl, 'GET', `/v1/domains/${domainId}`, { token: other.token })).status, 404);
    assert.equal((await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/verify`, { token: other.token })).status, 404);
    const bad = await api(relay.baseUrl, 'POST', '/v1/domains', { token: other.token, body: { domain: 'shop.test', return_path: 'a.b' } });
    assert.deepEqual(bad.body.error, { code: 'validation_failed', message: 'return_path must be a single DNS label such as "bounces"', field: 'return_path' });
    const noName = await api(relay.baseUrl, 'POST', '/v1/domains', { token: other.token, body: { domain: 'not a domain' } });
    assert.equal(noName.status, 400);
    assert.equal(noName.body.error.field, 'domain');
  });

  test('nothing published: every record missing, not verified', async () => {
    const checked = await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/verify`, { token: shop.token });
    assert.equal(checked.status, 200);
    assert.equal(checked.body.status, 'pending');
    assert.ok(checked.body.last_checked_at);
    assert.deepEqual(checked.body.records.map((r: RecordView) => [r.purpose, r.status]), [
      ['dkim', 'missing'], ['dkim', 'missing'], ['return_path_mx', 'missing'], ['return_path_spf', 'missing'], ['spf', 'missing'], ['dmarc', 'missing'],
    ]);
  });

  test('wrong values are reported as mismatched with what was found; broken SPF and DMARC as errors; a failing server as unknown', async () => {
    const [rsa, ed] = byPurpose(records, 'dkim');
    dns.setName(rsa!.name, { TXT: ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong'] });
    dns.setName(ed!.name, { servfail: true });
    dns.setName('bounces.shop.test', { MX: [{ exchange: 'mx.elsewhere.test', priority: 5 }], TXT: ['v=spf1 ip4:198.51.100.1 -all'] });
    dns.setName('shop.test', { TXT: ['v=spf1 mx -all', 'v=spf1 a -all'] });
    dns.setName('_dmarc.shop.test', { TXT: ['v=DMARC1; p=none', 'v=DMARC1; p=reject'] });
    const checked = await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/verify`, { token: shop.token });
    const view = checked.body.records as RecordView[];
    assert.equal(checked.body.status, 'pending');
    assert.equal(view[0]!.status, 'mismatched');
    assert.deepEqual(view[0]!.found, ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong']);
    assert.equal(view[1]!.status, 'unknown');
    assert.match(view[1]!.message, /^The DNS lookup of rpe\d{6}\._domainkey\.shop\.test failed \(ESERVFAIL\); try again later$/);
    const mx = byPurpose(view, 'return_path_mx')[0]!;
    assert.deepEqual([mx.status, mx.found, mx.message], ['mismatched', ['5 mx.elsewhere.test'], 'bounces.shop.test has MX 5 mx.elsewhere.test; bounces must go to bounces.relay.test']);
    const rpSpf = byPurpose(view, 'return_path_spf')[0]!;
    assert.deepEqual([rpSpf.status, rpSpf.message], ['mismatched', 'The SPF record of bounces.shop.test does not authorize the relay; publish the value shown']);
    const rootSpf = byPurpose(view, 'spf')[0]!;
    assert.equal(rootSpf.status, 'error');
    assert.match(rootSpf.message, /shop\.test has 2 SPF records/);
    const dmarc = byPurpose(view, 'dmarc')[0]!;
    assert.deepEqual([dmarc.status, dmarc.message], ['error', '_dmarc.shop.test has 2 DMARC records; receivers ignore them all (RFC 7489 §6.6.3): keep one']);
  });

  test('an existing root SPF record gets a merge suggestion instead of a replacement', async () => {
    dns.setName('shop.test', { TXT: ['v=spf1 include:_spf.mailhost.test ~all'] });
    dns.setName('_spf.mailhost.test', { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] });
    const checked = await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/verify`, { token: shop.token });
    const rootSpf = byPurpose(checked.body.records, 'spf')[0]!;
    assert.equal(rootSpf.status, 'mismatched');
    assert.equal(rootSpf.value, 'v=spf1 include:_spf.mailhost.test ip4:192.0.2.10 ip6:2001:db8::10 ~all');
  });

  test('everything published: verified, both keys sign, and a receiver verifies both signatures aligned with From', async () => {
    const zone: Record<string, string> = {};
    for (const r of byPurpose(records, 'dkim')) {
      dns.setName(r.name, { TXT: [splitTxtValue(r.value)] });
      zone[r.name] = r.value;
    }
    dns.setName('bounces.shop.test', { MX: [{ exchange: 'bounces.relay.test', priority: 10 }], TXT: ['v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all'] });
    dns.setName('_dmarc.shop.test', { TXT: ['v=DMARC1; p=none; rua=mailto:dmarc@shop.test'] });
    const checked = await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/verify`, { token: shop.token });
    assert.equal(checked.body.status, 'verified');
    assert.ok(checked.body.verified_at);
    assert.deepEqual(checked.body.records.filter((r: RecordView) => r.required).map((r: RecordView) => r.status), ['ok', 'ok', 'ok', 'ok']);
    assert.deepEqual(checked.body.dkim_keys.map((k: { signing: boolean; verified_at: string | null }) => [k.signing, k.verified_at !== null]), [[true, true], [true, true]]);

    const before = sink.messages.length;
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'buyer@customer.test' }], subject: 'Verified', text: 'Signed by both keys.' } });
    assert.equal(sent.status, 202);
    const [received] = (await sink.waitFor(before + 1, 10_000)).slice(before);
    const verdict = await verifyWithDkimpy(received!.raw, zone);
    assert.deepEqual(verdict.results.map((r) => [r.algorithm, r.ok]).sort(), [['ed25519-sha256', true], ['rsa-sha256', true]]);
    assert.match(received!.raw.toString(), /^DKIM-Signature: [^]*?\sd=shop\.test;/m);
    // The envelope sender is a VERP address on the verified return path: bounces name the message.
    assert.match(received!.mailFrom, new RegExp(`^b-${sent.body.id.slice(4)}-[0-9a-f]{12}@bounces\\.shop\\.test$`));
    // pyspf, an independent SPF implementation: the relay's sending IP passes for that envelope
    // sender, any other address fails; bounces.shop.test aligns with From shop.test (relaxed).
    assert.equal((await verifyWithPyspf('192.0.2.10', received!.mailFrom, 'relay.test', dns.address)).result, 'pass');
    assert.equal((await verifyWithPyspf('2001:db8::10', received!.mailFrom, 'relay.test', dns.address)).result, 'pass');
    assert.equal((await verifyWithPyspf('203.0.113.9', received!.mailFrom, 'relay.test', dns.address)).result, 'fail');

    // A domain that was never verified keeps the client's envelope sender.
    const plain = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'news@provisioned.test' }, to: [{ email: 'buyer@customer.test' }], subject: 'Unverified', text: 'x' } });
    assert.equal(plain.status, 202);
    const [unverified] = (await sink.waitFor(before + 2, 10_000)).slice(before + 1);
    assert.equal(unverified!.mailFrom, 'news@provisioned.test');
  });

  test('preflight: a receiver (mailauth) would pass SPF, both DKIM signatures and DMARC for the verified domain, and not for an unpublished one', async () => {
    const preflight = await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/preflight`, { token: shop.token });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.body.ip, '192.0.2.10');
    assert.match(preflight.body.envelope_from, /^b-preflight[0-9a-z]+-[0-9a-f]{12}@bounces\.shop\.test$/);
    assert.deepEqual([preflight.body.spf.result, preflight.body.spf.domain], ['pass', 'bounces.shop.test']);
    assert.deepEqual(preflight.body.dkim.map((d: { algorithm: string; result: string; aligned: boolean; domain: string }) => [d.algorithm, d.result, d.aligned, d.domain]).sort(), [
      ['ed25519-sha256', 'pass', true, 'shop.test'],
      ['rsa-sha256', 'pass', true, 'shop.test'],
    ]);
    assert.deepEqual([preflight.body.dmarc.result, preflight.body.dmarc.policy, preflight.body.would_pass_dmarc], ['pass', 'none', true]);

    const provisioned = (await api(relay.baseUrl, 'GET', '/v1/domains', { token: shop.token })).body.data.find((d: { name: string }) => d.name === 'provisioned.test');
    const unpublished = await api(relay.baseUrl, 'POST', `/v1/domains/${provisioned.id}/preflight`, { token: shop.token });
    assert.equal(unpublished.status, 200);
    assert.equal(unpublished.body.would_pass_dmarc, false);
    assert.notEqual(unpublished.body.dkim[0].result, 'pass', 'no key record published for provisioned.test');
    assert.equal((await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/preflight`, { token: other.token })).status, 404);
  });

  test('key rotation: a new key is published beside the old one, then switched to, with every message verifying throughout', async () => {
    const zone: Record<string, string> = {};
    for (const r of byPurpose(records, 'dkim')) zone[r.name] = r.value;
    const received: Buffer[] = [];
    const send = async (subject: string) => {
      const before = sink.messages.length;
      const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'buyer@customer.test' }], subject, text: subject } });
      assert.equal(sent.status, 202);
      received.push((await sink.waitFor(before + 1, 10_000))[before]!.raw);
    };
    await send('before rotation');

    const added = await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/dkim-keys`, { token: shop.token, body: { algorithm: 'rsa' } });
    assert.equal(added.status, 201);
    const fresh = added.body.dkim_keys.find((k: { state: string }) => k.state === 'pending');
    const month = new Date().toISOString().slice(0, 7).replace('-', '');
    assert.equal(fresh.selector, `rpr${month}b`, 'a second key in the same month gets the next selector');
    const freshRecord = (added.body.records as RecordView[]).find((r) => r.selector === fresh.selector)!;
    assert.equal(freshRecord.required, false, 'an unpublished rotation key does not unverify the domain');

    const early = await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/dkim-keys/${fresh.selector}/activate`, { token: shop.token });
    assert.equal(early.status, 409);
    assert.deepEqual(early.body.error, { code: 'conflict', message: `Publish ${fresh.selector}._domainkey.shop.test and verify the domain before this key signs`, field: 'selector' });
    await send('new key added, not published');

    dns.setName(freshRecord.name, { TXT: [splitTxtValue(freshRecord.value)] });
    zone[freshRecord.name] = freshRecord.value;
    const verified = await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/verify`, { token: shop.token });
    assert.equal(verified.body.status, 'verified');
    assert.equal(verified.body.dkim_keys.find((k: { selector: string }) => k.selector === fresh.selector).state, 'ready', 'seen, but the old key still signs');
    await send('new key published, old key signing');

    const switched = await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/dkim-keys/${fresh.selector}/activate`, { token: shop.token });
    assert.equal(switched.status, 200);
    const states = Object.fromEntries(switched.body.dkim_keys.map((k: { selector: string; state: string }) => [k.selector, k.state]));
    const oldRsa = byPurpose(records, 'dkim')[0]!.selector!;
    assert.equal(states[fresh.selector], 'signing');
    assert.equal(states[oldRsa], 'retired');
    const retired = switched.body.dkim_keys.find((k: { selector: string }) => k.selector === oldRsa);
    assert.equal(Date.parse(retired.remove_record_after) - Date.parse(retired.retired_at), 7 * 86_400_000);
    await send('after the switch');

    for (const raw of received) {
      const verdict = await verifyWithDkimpy(raw, zone);
      assert.ok(verdict.results.length === 2 && verdict.results.every((r) => r.ok), `every signature verifies: ${JSON.stringify(verdict.results)}`);
    }
    assert.match(received.at(-1)!.toString(), new RegExp(`s=${fresh.selector};`), 'the last message is signed with the new key');

    const signing = await api(relay.baseUrl, 'DELETE', `/v1/domains/${domainId}/dkim-keys/${fresh.selector}`, { token: shop.token });
    assert.equal(signing.status, 409);
    assert.equal(signing.body.error.message, 'This key signs for shop.test; switch signing to another key first');
    const removed = await api(relay.baseUrl, 'DELETE', `/v1/domains/${domainId}/dkim-keys/${oldRsa}`, { token: shop.token });
    assert.equal(removed.status, 200);
    assert.equal(removed.body.dkim_keys.some((k: { selector: string }) => k.selector === oldRsa), false);
    assert.equal((await api(relay.baseUrl, 'DELETE', `/v1/domains/${domainId}/dkim-keys/${oldRsa}`, { token: shop.token })).status, 404);
    assert.equal((await api(relay.baseUrl, 'POST', `/v1/domains/${domainId}/dkim-keys`, { token: other.token, body: { algorithm: 'rsa' } })).status, 404);
  });

  test('a domain with queued mail is deleted only when forced; afterwards it can no longer send', async () => {
    const created = await api(relay.baseUrl, 'POST', '/v1/domains', { token: shop.token, body: { domain: 'gone.test' } });
    const queued = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'a@gone.test' }, to: [{ email: 'x@unreachable.test' }], subject: 'stuck', text: 'x' } });
    assert.equal(queued.status, 202);
    const refused = await api(relay.baseUrl, 'DELETE', `/v1/domains/${created.body.id}`, { token: shop.token });
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.body.error, { code: 'conflict', message: '1 recipient is still queued for mail from gone.test; wait for delivery or delete with force=true' });
    assert.equal((await api(relay.baseUrl, 'DELETE', `/v1/domains/${created.body.id}?force=true`, { token: other.token })).status, 404, 'not another account\'s to delete');
    assert.equal((await api(relay.baseUrl, 'GET', `/v1/domains/${created.body.id}`, { token: shop.token })).status, 200, 'nothing was deleted by the refusals');
    assert.equal((await api(relay.baseUrl, 'DELETE', `/v1/domains/${created.body.id}?force=true`, { token: shop.token })).status, 204);
    assert.equal((await api(relay.baseUrl, 'GET', `/v1/domains/${created.body.id}`, { token: shop.token })).status, 404);
    const after = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'a@gone.test' }, to: [{ email: 'x@customer.test' }], subject: 'after', text: 'x' } });
    assert.equal(after.status, 403);
    assert.equal(after.body.error.code, 'sender_domain_not_allowed');
  });

  test('sending policy: outside sandbox mode only a verified From domain sends, over HTTP and SMTP; sandbox answers say so', async () => {
    const admin = { token: ADMIN_TOKEN };
    const account = (await api(relay.baseUrl, 'POST', '/admin/accounts', { ...admin, body: { name: 'Strict' } })).body;
    assert.equal(account.sandbox, false);
    const token = (await api(relay.baseUrl, 'POST', `/admin/accounts/${account.id}/tokens`, { ...admin, body: { name: 't' } })).body.token;
    const smtpUser = (await api(relay.baseUrl, 'POST', `/admin/accounts/${account.id}/smtp-users`, { ...admin, body: {} })).body;
    const domain = (await api(relay.baseUrl, 'POST', '/v1/domains', { token, body: { domain: 'strict.test' } })).body;
    const email = { from: { email: 'hello@strict.test' }, to: [{ email: 'buyer@customer.test' }], subject: 'policy', text: 'x' };

    const refused = await api(relay.baseUrl, 'POST', '/v1/emails', { token, body: email });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body.error, {
      code: 'sender_domain_not_verified',
      message: 'The From domain strict.test is not verified yet: publish its DNS records and verify it (POST /v1/domains/:id/verify), or use a sandbox account for development',
      field: 'from',
    });
    const client = await SmtpTestClient.connect(relay.relay.ports.submission!);
    try {
      assert.equal((await client.login(smtpUser.username, smtpUser.password)).code, 235);
      assert.equal((await client.command('MAIL FROM:<hello@strict.test>')).code, 250);
      assert.equal((await client.command('RCPT TO:<buyer@customer.test>')).code, 250);
      assert.equal((await client.command('DATA')).code, 354);
      const end = await client.command('From: hello@strict.test\r\nSubject: policy\r\n\r\nx\r\n.');
      assert.equal(end.last, '550 5.7.1 The From domain strict.test is not verified yet: publish its DNS records and verify it (POST /v1/domains/:id/verify), or use a sandbox account for development');
    } finally {
      client.close();
    }

    for (const r of domain.records as RecordView[]) {
      if (r.purpose === 'dkim') dns.setName(r.name, { TXT: [splitTxtValue(r.value)] });
    }
    dns.setName('rp.strict.test', { MX: [{ exchange: 'bounces.relay.test', priority: 10 }], TXT: ['v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all'] });
    assert.equal((await api(relay.baseUrl, 'POST', `/v1/domains/${domain.id}/verify`, { token })).body.status, 'verified');
    const allowed = await api(relay.baseUrl, 'POST', '/v1/emails', { token, body: email });
    assert.equal(allowed.status, 202);
    assert.equal(allowed.body.sandbox, undefined);

    const sandboxed = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { ...email, from: { email: 'news@provisioned.test' } } });
    assert.equal(sandboxed.status, 202);
    assert.equal(sandboxed.body.sandbox, true, 'a sandbox account hears it in every answer');
  });

  test('the admin API serves the same domain routes for any account, and only for accounts that exist', async () => {
    const admin = { token: ADMIN_TOKEN };
    const viaAdmin = await api(relay.baseUrl, 'GET', `/admin/accounts/${shop.accountId}/domains/${domainId}`, admin);
    assert.equal(viaAdmin.status, 200);
    assert.deepEqual(viaAdmin.body, (await api(relay.baseUrl, 'GET', `/v1/domains/${domainId}`, { token: shop.token })).body);
    assert.equal((await api(relay.baseUrl, 'GET', `/admin/accounts/${other.accountId}/domains/${domainId}`, admin)).status, 404);
    const missing = await api(relay.baseUrl, 'GET', `/admin/accounts/acc_nope/domains`, admin);
    assert.deepEqual([missing.status, missing.body.error.message], [404, 'No such account']);
    const key = await api(relay.baseUrl, 'POST', `/admin/accounts/${shop.accountId}/domains/${domainId}/dkim-keys`, { ...admin, body: { algorithm: 'ed25519' } });
    assert.equal(key.status, 201);
    const added = key.body.dkim_keys.find((k: { state: string; algorithm: string }) => k.state === 'pending' && k.algorithm === 'ed25519');
    assert.ok(added);
    assert.equal((await api(relay.baseUrl, 'DELETE', `/admin/accounts/${shop.accountId}/domains/${domainId}/dkim-keys/${added.selector}`, admin)).status, 200);
    assert.equal((await api(relay.baseUrl, 'GET', `/admin/accounts/${shop.accountId}/domains/${domainId}`, { token: shop.token })).status, 401, 'an account token is not an admin token');
  });

  test('the list shows the account its own domains only', async () => {
    const mine = await api(relay.baseUrl, 'GET', '/v1/domains', { token: shop.token });
    assert.deepEqual(mine.body.data.map((d: { name: string }) => d.name).sort(), ['provisioned.test', 'shop.test']);
    const theirs = await api(relay.baseUrl, 'GET', '/v1/domains', { token: other.token });
    assert.deepEqual(theirs.body.data.map((d: { name: string }) => d.name), ['other.test', 'reports.test']);
  });
});
