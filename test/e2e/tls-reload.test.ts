import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { startRelayProcess, type RelayProcess } from '../support/relay-process.ts';
import { waitUntil } from '../support/wait.ts';
import { selfSignedCertificate } from '../../relay-service/test/helpers/self-signed-cert.ts';
import { SmtpTestClient } from '../../relay-service/test/helpers/smtp-client.ts';
import { ADMIN_TOKEN } from '../../relay-service/test/helpers/relay.ts';

/** The common name of the certificate a TLS server presents now. */
function presentedOnImplicitTls(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(String(socket.getPeerCertificate().subject.CN));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

async function presentedOnStartTls(port: number): Promise<string> {
  const client = await SmtpTestClient.connect(port);
  try {
    await client.reply();
    await client.ehlo();
    const secure = await client.startTls();
    assert.equal(secure.code, 220);
    return String(client.peerCertificate()?.subject.CN);
  } finally {
    client.close();
  }
}

let dir: string;
let relay: RelayProcess;
const certFile = () => path.join(dir, 'cert.pem');
const keyFile = () => path.join(dir, 'key.pem');
function install(commonName: string) {
  const pair = selfSignedCertificate(commonName);
  writeFileSync(certFile(), pair.cert);
  writeFileSync(keyFile(), pair.key, { mode: 0o600 });
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'relaypress-tls-reload-'));
  install('first.test');
  relay = await startRelayProcess({
    RELAY_DATA_DIR: dir, RELAY_HTTP_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0', RELAY_SMTP_HOST: '127.0.0.1',
    RELAY_SUBMISSION_PORT: '0', RELAY_SMTPS_PORT: '0', RELAY_INBOUND_PORT: '', RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
    RELAY_TLS_CERT_FILE: certFile(), RELAY_TLS_KEY_FILE: keyFile(),
  });
});
after(async () => {
  await relay?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

test('SIGHUP reloads the certificate for 465 and STARTTLS without a restart; a broken pair keeps the old one', async () => {
  assert.equal(await presentedOnImplicitTls(relay.ports.smtps!), 'first.test');
  assert.equal(await presentedOnStartTls(relay.ports.submission!), 'first.test');

  install('second.test');
  process.kill(relay.pid, 'SIGHUP');
  await waitUntil('the reload', () => relay.logs.some((l) => l.event === 'relay.tls_reloaded') || undefined, 10_000);
  assert.equal(await presentedOnImplicitTls(relay.ports.smtps!), 'second.test');
  assert.equal(await presentedOnStartTls(relay.ports.submission!), 'second.test');

  // A renewal that went wrong: the key of another certificate.
  writeFileSync(keyFile(), selfSignedCertificate('third.test').key);
  process.kill(relay.pid, 'SIGHUP');
  await waitUntil('the failed reload', () => relay.logs.some((l) => l.event === 'relay.tls_reload_failed') || undefined, 10_000);
  assert.equal(await presentedOnImplicitTls(relay.ports.smtps!), 'second.test');
  assert.equal(relay.child.exitCode, null, 'still running');
});
