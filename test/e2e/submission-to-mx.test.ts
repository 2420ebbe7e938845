import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startRelayProcess, type RelayProcess } from '../support/relay-process.ts';
import { waitUntil } from '../support/wait.ts';
import { startSmtpSink, type SmtpSink } from '../../relay-service/test/helpers/smtp-sink.ts';
import { startDnsServer, type TestDnsServer } from '../../relay-service/test/helpers/dns-server.ts';
import { provisionAccount, api, ADMIN_TOKEN, type ProvisionedAccount } from '../../relay-service/test/helpers/relay.ts';
import { verifyWithDkimpy } from '../../relay-service/test/dkim/helpers.ts';

const run = promisify(execFile);

/**
 * The path of one email with real peers only: swaks (Debian) submits over STARTTLS with
 * AUTH to the relay process, which looks up MX records on a real DNS server on loopback,
 * delivers to an SMTP MX over STARTTLS, and dkimpy verifies what arrived.
 */
describe('submission to MX with real peers', () => {
  let sink: SmtpSink;
  let dns: TestDnsServer;
  let relay: RelayProcess;
  let shop: ProvisionedAccount;
  let dataDir: string;
  const dkimZone: Record<string, string> = {};

  before(async () => {
    sink = await startSmtpSink({ starttls: true });
    dns = await startDnsServer({
      'customer.test': { MX: [{ exchange: 'mx2.customer.test', priority: 20 }, { exchange: 'mx1.customer.test', priority: 10 }] },
      'mx1.customer.test': { A: ['127.0.0.1'] },
      'mx2.customer.test': { A: ['127.0.0.1'] },
      'implicit.test': { A: ['127.0.0.1'] },
      'nullmx.test': { MX: [{ exchange: '.', priority: 0 }] },
      'broken.test': { servfail: true },
    });
    dataDir = mkdtempSync(path.join(tmpdir(), 'relaypress-e2e-'));
    relay = await startRelayProcess({
      RELAY_DATA_DIR: dataDir,
      RELAY_HTTP_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0',
      RELAY_SMTP_HOST: '127.0.0.1', RELAY_SUBMISSION_PORT: '0', RELAY_SMTPS_PORT: '0', RELAY_INBOUND_PORT: '',
      RELAY_HOSTNAME: 'relay.test',
      RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
      RELAY_DNS_SERVERS: dns.address,
      RELAY_MX_PORT: String(sink.port),
      RELAY_RETRY_SCHEDULE: '1h',
    });
    shop = await provisionAccount(relay.baseUrl, 'shop.test', { dkim: ['rsa', 'ed25519'] });
    for (const key of shop.dkim) {
      dkimZone[key.dns_record.name] = key.dns_record.value;
      dns.setName(key.dns_record.name, { TXT: [key.dns_record.value] });
    }
  });
  after(async () => {
    await relay?.kill('SIGTERM');
    await sink?.close();
    await dns?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('swaks submits over STARTTLS with AUTH PLAIN; the MX receives it over TLS, DKIM-signed with RSA and Ed25519', async () => {
    const before = sink.messages.length;
    const { stdout } = await run('swaks', [
      '--server', `127.0.0.1:${relay.ports.submission}`, '--tls',
      '--auth', 'PLAIN', '--auth-user', shop.smtpUser.username, '--auth-password', shop.smtpUser.password,
      '--from', 'orders@shop.test', '--to', 'buyer@customer.test',
      '--header', 'From: Shop <orders@shop.test>', '--header', 'Subject: Order 1001 shipped',
      '--body', 'Your parcel is on its way.',
    ], { timeout: 20_000 });
    const queued = /<~\s+250 2\.0\.0 Ok: queued as (msg_[0-9a-z]+)/.exec(stdout);
    assert.ok(queued, `no queue id in swaks output:\n${stdout}`);
    const [received] = (await sink.waitFor(before + 1, 15_000)).slice(before);
    assert.equal(received!.secure, true, 'opportunistic STARTTLS towards the MX');
    assert.deepEqual(received!.rcptTo, ['buyer@customer.test']);
    assert.equal(received!.clientHostname, 'relay.test');
    const verdict = await verifyWithDkimpy(received!.raw, dkimZone);
    assert.deepEqual(verdict.results.map((r) => [r.algorithm, r.ok]).sort(), [['ed25519-sha256', true], ['rsa-sha256', true]]);

    const detail = await api(relay.baseUrl, 'GET', `/v1/messages/${queued![1]}`, { token: shop.token });
    const attempt = detail.body.recipients[0].attempts[0];
    assert.equal(attempt.mx_host, 'mx1.customer.test', 'the lowest preference MX is tried first');
    assert.equal(attempt.tls, true);
  });

  test('a domain without MX gets its A record as implicit MX; null MX and NXDOMAIN bounce at once; SERVFAIL defers', async () => {
    const send = async (to: string) => {
      const res = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: to }], subject: 'hi', text: 'hi' } });
      assert.equal(res.status, 202);
      return res.body.id as string;
    };
    const ids = {
      implicit: await send('someone@implicit.test'),
      nullmx: await send('someone@nullmx.test'),
      nxdomain: await send('someone@does-not-exist.test'),
      servfail: await send('someone@broken.test'),
    };
    const settled = (id: string) => waitUntil(`message ${id} to settle`, async () => {
      const d = await api(relay.baseUrl, 'GET', `/v1/messages/${id}`, { token: shop.token });
      const r = d.body.recipients[0];
      return r.status === 'queued' || r.status === 'sending' ? undefined : r;
    });
    assert.equal((await settled(ids.implicit)).status, 'delivered');
    const nullmx = await settled(ids.nullmx);
    assert.equal(nullmx.status, 'bounced');
    assert.match(nullmx.last_response, /null MX/);
    const nx = await settled(ids.nxdomain);
    assert.equal(nx.status, 'bounced');
    const servfail = await settled(ids.servfail);
    assert.equal(servfail.status, 'deferred');
    assert.ok(Date.parse(servfail.next_attempt_at) > Date.now() + 30 * 60_000, 'retried on the schedule, not at once');
  });
});
