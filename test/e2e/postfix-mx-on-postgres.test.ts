import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRelayProcess, type RelayProcess } from '../support/relay-process.ts';
import { waitUntil } from '../support/wait.ts';
import { startDnsServer, type TestDnsServer } from '../../relay-service/test/helpers/dns-server.ts';
import { startPostfixMx, type PostfixMx } from '../../relay-service/test/helpers/postfix-mx.ts';
import { createPostgresDatabase, type TestDatabase } from '../../relay-service/test/helpers/databases.ts';
import { provisionAccount, api, ADMIN_TOKEN, type ProvisionedAccount } from '../../relay-service/test/helpers/relay.ts';
import { verifyWithDkimpy } from '../../relay-service/test/dkim/helpers.ts';

/**
 * A second SMTP implementation as the receiving MX (Debian's Postfix), with the relay
 * running on PostgreSQL, the engine hosts scale out on.
 */
describe('relay on PostgreSQL delivering to a Postfix MX', () => {
  let postfix: PostfixMx;
  let dns: TestDnsServer;
  let pg: TestDatabase;
  let relay: RelayProcess;
  let shop: ProvisionedAccount;
  let dataDir: string;

  before(async () => {
    postfix = await startPostfixMx({ domain: 'postfix.test', users: ['alice'], starttls: true });
    dns = await startDnsServer({
      'postfix.test': { MX: [{ exchange: 'mail.postfix.test', priority: 10 }] },
      'mail.postfix.test': { A: ['127.0.0.1'] },
    });
    pg = await createPostgresDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'relaypress-e2e-pg-'));
    relay = await startRelayProcess({
      RELAY_DATA_DIR: dataDir,
      RELAY_DATABASE_URL: pg.url,
      RELAY_HTTP_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0',
      RELAY_SUBMISSION_PORT: '', RELAY_SMTPS_PORT: '', RELAY_INBOUND_PORT: '',
      RELAY_HOSTNAME: 'relay.test',
      RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
      RELAY_DNS_SERVERS: dns.address,
      RELAY_MX_PORT: String(postfix.port),
    });
    shop = await provisionAccount(relay.baseUrl, 'shop.test', { dkim: ['rsa'] });
  });
  after(async () => {
    await relay?.kill('SIGTERM');
    await postfix?.stop();
    await dns?.close();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a known user receives the signed message; an unknown user is refused at RCPT and bounces', async () => {
    const res = await api(relay.baseUrl, 'POST', '/v1/emails', {
      token: shop.token,
      body: { from: { email: 'orders@shop.test', name: 'Shop' }, to: [{ email: 'alice@postfix.test' }, { email: 'bob@postfix.test' }], subject: 'Via Postfix', text: 'Hello from the relay.' },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const detail = await waitUntil('both recipients to settle', async () => {
      const d = await api(relay.baseUrl, 'GET', `/v1/messages/${res.body.id}`, { token: shop.token });
      return d.body.recipients.every((r: { status: string }) => r.status === 'delivered' || r.status === 'bounced') ? d.body : undefined;
    }, 30_000);
    const byEmail = Object.fromEntries(detail.recipients.map((r: { email: string }) => [r.email, r]));
    assert.equal(byEmail['alice@postfix.test'].status, 'delivered');
    assert.equal(byEmail['alice@postfix.test'].attempts[0].tls, true);
    assert.equal(byEmail['bob@postfix.test'].status, 'bounced');
    assert.match(byEmail['bob@postfix.test'].last_response, /^550 5\.1\.1 /);
    assert.equal(byEmail['bob@postfix.test'].attempts[0].category, 'mailbox_unknown');

    const [delivered] = await waitUntil('the maildir file', async () => {
      const files = await postfix.delivered('alice');
      return files.length > 0 ? files : undefined;
    });
    const zone = { [shop.dkim[0]!.dns_record.name]: shop.dkim[0]!.dns_record.value };
    const verdict = await verifyWithDkimpy(Buffer.from(delivered!), zone);
    assert.deepEqual(verdict.results.map((r) => r.ok), [true], 'the signature survives Postfix and verifies with dkimpy');
  });
});
