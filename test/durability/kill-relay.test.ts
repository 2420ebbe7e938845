import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRelayProcess, type RelayProcess } from '../support/relay-process.ts';
import { startSmtpSink } from '../../relay-service/test/helpers/smtp-sink.ts';
import { provisionAccount, api, ADMIN_TOKEN } from '../../relay-service/test/helpers/relay.ts';

// Bounded: MESSAGES sends over KILL_ROUNDS SIGKILLs, then one clean run to drain the queue.
const MESSAGES = Number(process.env.DURABILITY_MESSAGES ?? 300);
const KILL_ROUNDS = Number(process.env.DURABILITY_ROUNDS ?? 4);
const SUBMITTERS = 6;

test('SIGKILL at random moments loses no accepted message', { timeout: 240_000 }, async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relaypress-durability-'));
  // A slightly slow MX keeps deliveries in flight when the kill lands.
  const sink = await startSmtpSink();
  sink.behave({ dataDelayMs: 5 });
  const env = {
    RELAY_DATA_DIR: dataDir,
    RELAY_HTTP_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0',
    RELAY_SUBMISSION_PORT: '', RELAY_SMTPS_PORT: '', RELAY_INBOUND_PORT: '',
    RELAY_HOSTNAME: 'relay.test',
    RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
    RELAY_ROUTES: `*=127.0.0.1:${sink.port}`,
    RELAY_DNS_SERVERS: '127.0.0.1:1',
    RELAY_LEASE_DURATION: '2s',
    RELAY_RETRY_SCHEDULE: '1s',
  };

  const accepted = new Set<number>();
  const pending: number[] = Array.from({ length: MESSAGES }, (_, i) => i);
  let relay: RelayProcess | undefined;
  let token = '';

  const body = (i: number) => ({ from: { email: 'orders@shop.test' }, to: [{ email: `c${i % 7}@customer.test` }], subject: `durability ${i}`, text: `message ${i}` });

  async function submitUntilStopped(r: RelayProcess, shouldStop: () => boolean): Promise<void> {
    while (!shouldStop()) {
      const i = pending.shift();
      if (i === undefined) return;
      try {
        // The same Idempotency-Key on a retry: a message committed just before the kill is
        // answered from the first commit, not queued twice.
        const res = await api(r.baseUrl, 'POST', '/v1/emails', { token, body: body(i), headers: { 'Idempotency-Key': `dur-${i}` } });
        if (res.status === 202) accepted.add(i);
        else assert.fail(`unexpected ${res.status} ${JSON.stringify(res.body)}`);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        pending.push(i); // no answer: the client does not know, so it retries later
        return;
      }
    }
  }

  try {
    for (let round = 0; round <= KILL_ROUNDS; round++) {
      relay = await startRelayProcess(env);
      if (round === 0) token = (await provisionAccount(relay.baseUrl, 'shop.test')).token;
      const last = round === KILL_ROUNDS;
      let stop = false;
      const submitters = Array.from({ length: SUBMITTERS }, () => submitUntilStopped(relay!, () => stop));
      if (last) {
        await Promise.all(submitters);
        break;
      }
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 900)));
      process.kill(relay.pid, 'SIGKILL');
      stop = true;
      await relay.exited;
      await Promise.all(submitters);
    }
    assert.equal(pending.length, 0);
    assert.equal(accepted.size, MESSAGES);

    // Everything accepted must arrive; the final relay drains the queue.
    const deadline = Date.now() + 120_000;
    const seen = () => new Set(sink.messages.map((m) => Number(/Subject: durability (\d+)/.exec(m.raw.toString())?.[1])));
    while (Date.now() < deadline && [...accepted].some((i) => !seen().has(i))) await new Promise((r) => setTimeout(r, 200));
    const missing = [...accepted].filter((i) => !seen().has(i));
    const duplicates = sink.messages.length - seen().size;
    console.log(`durability: ${accepted.size} accepted, ${sink.messages.length} received, ${missing.length} missing, ${duplicates} duplicates over ${KILL_ROUNDS} SIGKILLs`);
    assert.deepEqual(missing, [], 'every accepted message reached the sink');
  } finally {
    await relay?.kill('SIGTERM');
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
