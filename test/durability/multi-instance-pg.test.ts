import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startRelayProcess, type RelayProcess } from '../support/relay-process.ts';
import { startSmtpSink } from '../../relay-service/test/helpers/smtp-sink.ts';
import { createPostgresDatabase } from '../../relay-service/test/helpers/databases.ts';
import { provisionAccount, api, ADMIN_TOKEN } from '../../relay-service/test/helpers/relay.ts';

// Bounded: MESSAGES sends through INSTANCES relay processes on one PostgreSQL database; one
// of them is SIGKILLed when half have been accepted; the others finish the work.
const MESSAGES = Number(process.env.MULTI_INSTANCE_MESSAGES ?? 5000);
const INSTANCES = 3;
const SUBMITTERS = 12;

test('three relay instances on one PostgreSQL database, one SIGKILLed mid-way: every message delivered, none twice outside the crash window', { timeout: 600_000 }, async () => {
  const pg = await createPostgresDatabase();
  const sink = await startSmtpSink();
  // A slightly slow MX keeps deliveries in flight when the kill lands.
  sink.behave({ dataDelayMs: 2 });
  const dirs: string[] = [];
  const env = (i: number) => {
    const dir = mkdtempSync(path.join(tmpdir(), `relaypress-multi-${i}-`));
    dirs.push(dir);
    return {
      RELAY_DATA_DIR: dir,
      RELAY_DATABASE_URL: pg.url,
      // Every instance must hold the same key: DKIM keys and secrets are encrypted with it.
      RELAY_SECRET_KEY: SECRET,
      RELAY_HTTP_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0',
      RELAY_SUBMISSION_PORT: '', RELAY_SMTPS_PORT: '', RELAY_INBOUND_PORT: '',
      RELAY_HOSTNAME: `relay${i}.test`,
      RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
      RELAY_ROUTES: `*=127.0.0.1:${sink.port}`,
      RELAY_DNS_SERVERS: '127.0.0.1:1',
      RELAY_LEASE_DURATION: '3s',
      RELAY_RETRY_SCHEDULE: '1s',
      RELAY_DELIVERY_CONCURRENCY: '20',
    };
  };
  const SECRET = randomBytes(32).toString('base64');
  const relays: RelayProcess[] = [];
  try {
    for (let i = 0; i < INSTANCES; i++) relays.push(await startRelayProcess(env(i), { readyTimeoutMs: 60_000 }));
    const token = (await provisionAccount(relays[0]!.baseUrl, 'shop.test')).token;
    const alive = new Set(relays.map((_, i) => i));
    const victim = 1;
    let killed = false;

    const accepted = new Set<number>();
    const pending: number[] = Array.from({ length: MESSAGES }, (_, i) => i);
    const body = (i: number) => ({ from: { email: 'orders@shop.test' }, to: [{ email: `c${i % 11}@customer.test` }], subject: `multi ${i}`, text: `message ${i}` });
    let turn = 0;

    async function submitter(): Promise<void> {
      for (;;) {
        const i = pending.shift();
        if (i === undefined) return;
        const targets = [...alive];
        const target = relays[targets[turn++ % targets.length]!]!;
        try {
          // A retry after no answer carries the same key: a commit the client never heard of
          // is answered from the database, on whichever instance gets the retry.
          const res = await api(target.baseUrl, 'POST', '/v1/emails', { token, body: body(i), headers: { 'Idempotency-Key': `multi-${i}` } });
          if (res.status !== 202) assert.fail(`unexpected ${res.status} ${JSON.stringify(res.body)}`);
          accepted.add(i);
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          pending.push(i);
        }
        if (!killed && accepted.size >= MESSAGES / 2) {
          killed = true;
          alive.delete(victim);
          process.kill(relays[victim]!.pid, 'SIGKILL');
        }
      }
    }
    const started = Date.now();
    await Promise.all(Array.from({ length: SUBMITTERS }, submitter));
    const acceptSeconds = (Date.now() - started) / 1000;
    assert.equal(accepted.size, MESSAGES);
    assert.ok(killed);

    const subjectOf = (raw: Buffer) => Number(/Subject: multi (\d+)/.exec(raw.toString('latin1'))?.[1]);
    // Done when every message arrived and nothing is left in the queue: rows the killed
    // instance held come back after their lease and are delivered (again) by the others.
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline && (new Set(sink.messages.map((m) => subjectOf(m.raw))).size < MESSAGES || (await fetchQueue(relays[0]!.baseUrl)) > 0)) await new Promise((r) => setTimeout(r, 250));
    const totalSeconds = (Date.now() - started) / 1000;
    const seen = new Set(sink.messages.map((m) => subjectOf(m.raw)));
    const missing = [...accepted].filter((i) => !seen.has(i));
    const duplicates = sink.messages.length - seen.size;
    console.log(`multi-instance: ${MESSAGES} accepted in ${acceptSeconds.toFixed(1)} s by ${INSTANCES} instances (one SIGKILLed), all delivered after ${totalSeconds.toFixed(1)} s, ${duplicates} duplicates`);
    assert.deepEqual(missing, [], 'every accepted message reached the sink');
    // Only deliveries the killed instance had in flight may repeat: at most its concurrency.
    assert.ok(duplicates <= 20, `${duplicates} duplicates`);
    const left = await fetchQueue(relays[0]!.baseUrl);
    assert.equal(left, 0, 'nothing left in the queue');
    for (const [i, r] of relays.entries()) {
      if (i === victim) continue;
      const trouble = r.logs.filter((l) => /deadlock|claim_failed|group_failed|unexpected_error/i.test(JSON.stringify(l)));
      assert.deepEqual(trouble, [], `instance ${i} logged trouble`);
    }
  } finally {
    await Promise.all(relays.map((r) => r.kill('SIGTERM')));
    await sink.close();
    await pg.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});

/** Recipients still queued, deferred or being sent, from /metrics. */
async function fetchQueue(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
  let n = 0;
  for (const status of ['queued', 'deferred', 'sending']) n += Number(new RegExp(`relaypress_queue_recipients\\{status="${status}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return n;
}
