import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import knexFactory from 'knex';
import { startRelayProcess } from '../support/relay-process.ts';
import { startSmtpSink } from '../../relay-service/test/helpers/smtp-sink.ts';
import { SmtpTestClient } from '../../relay-service/test/helpers/smtp-client.ts';
import { provisionAccount, api, ADMIN_TOKEN } from '../../relay-service/test/helpers/relay.ts';

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

test('SIGTERM drains: the SMTP transaction in flight gets its 250, new connections are refused, leases are released', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relaypress-drain-'));
  // An MX that takes a while to answer DATA keeps a delivery in flight during the drain.
  const sink = await startSmtpSink();
  sink.behave({ dataDelayMs: 1_500 });
  const relay = await startRelayProcess({
    RELAY_DATA_DIR: dataDir,
    RELAY_HTTP_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0',
    RELAY_SMTP_HOST: '127.0.0.1', RELAY_SUBMISSION_PORT: '0', RELAY_SMTPS_PORT: '', RELAY_INBOUND_PORT: '',
    RELAY_HOSTNAME: 'relay.test', RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
    RELAY_ROUTES: `*=127.0.0.1:${sink.port}`, RELAY_DNS_SERVERS: '127.0.0.1:1',
  });
  try {
    const shop = await provisionAccount(relay.baseUrl, 'shop.test');
    // A delivery in flight…
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'a@shop.test' }, to: [{ email: 'x@customer.test' }], subject: 'in flight', text: 'x' } });
    assert.equal(sent.status, 202);
    // …and an SMTP client halfway through DATA when the signal arrives.
    const client = await SmtpTestClient.connect(relay.ports.submission!);
    assert.equal((await client.login(shop.smtpUser.username, shop.smtpUser.password)).code, 235);
    assert.equal((await client.command('MAIL FROM:<a@shop.test>')).code, 250);
    assert.equal((await client.command('RCPT TO:<y@customer.test>')).code, 250);
    assert.equal((await client.command('DATA')).code, 354);
    client.write('From: a@shop.test\r\nTo: y@customer.test\r\nSubject: during drain\r\n\r\nfirst half\r\n');
    await new Promise((r) => setTimeout(r, 300));

    relay.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await connects(relay.ports.submission!), false, 'the listener is closed for new sessions');

    client.write('second half\r\n.\r\n');
    const final = await client.reply();
    assert.equal(final.code, 250, final.last);
    assert.match(final.last, /^250 2\.0\.0 Ok: queued as msg_/);
    client.close();

    const exit = await relay.exited;
    assert.equal(exit.code, 0, 'a drain ends with exit code 0');
    assert.ok(relay.logs.some((l) => l.event === 'relay.stopped'));

    // Nothing is left leased to the stopped process: every row is delivered or due again.
    const db = knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(dataDir, 'relay.db') }, useNullAsDefault: true });
    const rows = await db('recipients').select('email', 'status', 'lease_owner');
    await db.destroy();
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r: { status: string; lease_owner: string | null }) => r.status !== 'sending' && r.lease_owner === null), JSON.stringify(rows));
  } finally {
    await relay.kill('SIGKILL');
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
