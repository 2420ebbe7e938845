import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { api, provisionAccount, startTestRelay, type ProvisionedAccount, type TestRelay } from '../helpers/relay.ts';
import { closedPort } from '../helpers/smtp-sink.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/relaypress-relay.js');
const run = promisify(execFile);

let relay: TestRelay;
let shop: ProvisionedAccount;

before(async () => {
  // Every MX refuses connections: mail stays deferred in the queue.
  relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${await closedPort()}`, RELAY_RETRY_SCHEDULE: '1h' });
  shop = await provisionAccount(relay.baseUrl, 'shop.test');
});
after(async () => relay?.close());

/** The CLI against the running relay's own database (SQLite in WAL mode takes a second process). */
async function cli(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', RELAY_DATA_DIR: relay.dataDir, RELAY_LOG_LEVEL: 'silent' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function deferred(id: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const detail = (await api(relay.baseUrl, 'GET', `/v1/messages/${id}`, { token: shop.token })).body;
    if (detail.recipients.every((r: { status: string }) => r.status === 'deferred')) return detail;
    if (Date.now() > deadline) throw new Error(`not deferred: ${JSON.stringify(detail.recipients)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('queue list, show, retry and delete, as postqueue and postsuper do', async () => {
  const send = async (to: string) => (await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'a@shop.test' }, to: [{ email: to }], subject: 'Queued', text: 'x' } })).body.id as string;
  const a = await send('one@slow.test');
  const b = await send('two@other.test');
  await deferred(a);
  await deferred(b);

  const listed = JSON.parse((await cli('queue', 'list', '--status', 'deferred')).stdout);
  assert.deepEqual(listed.map((e: { message_id: string }) => e.message_id), [a, b]);
  assert.equal(listed[0].recipients[0].email, 'one@slow.test');
  assert.match(listed[0].recipients[0].last_response, /connect|refused/i);
  assert.deepEqual(JSON.parse((await cli('queue', 'list', '--domain', 'other.test')).stdout).map((e: { message_id: string }) => e.message_id), [b]);

  const shown = JSON.parse((await cli('queue', 'show', '--id', a)).stdout);
  assert.equal(shown.attempts.length, 1);
  const nextBefore = Date.parse(shown.recipients[0].next_attempt_at);
  assert.ok(nextBefore > Date.now() + 30 * 60_000, 'deferred for the retry schedule');

  assert.deepEqual(JSON.parse((await cli('queue', 'retry', '--domain', 'slow.test')).stdout), { retried: 1 });
  // Retried now: a second attempt happens at once (and is deferred again).
  const deadline = Date.now() + 10_000;
  while ((await api(relay.baseUrl, 'GET', `/v1/messages/${a}`, { token: shop.token })).body.recipients[0].attempts_count < 2 && Date.now() < deadline) {
    relay.relay.wakeWorker();
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal((await api(relay.baseUrl, 'GET', `/v1/messages/${a}`, { token: shop.token })).body.recipients[0].attempts_count, 2);

  assert.deepEqual(JSON.parse((await cli('queue', 'delete', '--id', b, '--note', 'spam run')).stdout), { cancelled: 1 });
  const cancelled = (await api(relay.baseUrl, 'GET', `/v1/messages/${b}`, { token: shop.token })).body;
  assert.equal(cancelled.recipients[0].status, 'failed');
  assert.equal(cancelled.recipients[0].last_response, 'cancelled by the operator: spam run');
  assert.deepEqual(cancelled.events.at(-1).data, { reason: 'cancelled by the operator: spam run' });
  assert.deepEqual(JSON.parse((await cli('queue', 'list')).stdout).map((e: { message_id: string }) => e.message_id), [a]);

  const unscoped = await cli('queue', 'delete');
  assert.equal(unscoped.code, 2);
  assert.match(unscoped.stderr, /say what to delete: --id, --domain or --account/);
  assert.equal((await cli('queue', 'show', '--id', 'msg_nope')).code, 2);
});
