/**
 * npm run bench:scale: throughput of 1 and 2 relay instances sharing one PostgreSQL
 * database (the scale-out mode), through the HTTP API into an SMTP sink. Prints accepted
 * and delivered messages a second per instance count. Settings: SCALE_MESSAGES (4000),
 * SCALE_CLIENTS (24), SCALE_INSTANCES ("1,2").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startRelayProcess, type RelayProcess } from '../test/support/relay-process.ts';
import { startSmtpSink } from '../relay-service/test/helpers/smtp-sink.ts';
import { createPostgresDatabase } from '../relay-service/test/helpers/databases.ts';
import { provisionAccount, api, ADMIN_TOKEN } from '../relay-service/test/helpers/relay.ts';

const MESSAGES = Number(process.env.SCALE_MESSAGES ?? 4000);
const CLIENTS = Number(process.env.SCALE_CLIENTS ?? 24);
const COUNTS = (process.env.SCALE_INSTANCES ?? '1,2').split(',').map(Number);

async function run(instances: number): Promise<{ accepted: number; delivered: number }> {
  const pg = await createPostgresDatabase();
  const sink = await startSmtpSink();
  const secret = randomBytes(32).toString('base64');
  const dirs: string[] = [];
  const relays: RelayProcess[] = [];
  try {
    for (let i = 0; i < instances; i++) {
      const dir = mkdtempSync(path.join(tmpdir(), `relaypress-scale-${i}-`));
      dirs.push(dir);
      // Info level: the harness waits for the relay.ready line.
      relays.push(await startRelayProcess({
        RELAY_DATA_DIR: dir, RELAY_DATABASE_URL: pg.url, RELAY_SECRET_KEY: secret,
        RELAY_HTTP_HOST: '127.0.0.1', RELAY_HTTP_PORT: '0', RELAY_SUBMISSION_PORT: '', RELAY_SMTPS_PORT: '', RELAY_INBOUND_PORT: '',
        RELAY_ADMIN_TOKEN: ADMIN_TOKEN, RELAY_ROUTES: `*=127.0.0.1:${sink.port}`, RELAY_DNS_SERVERS: '127.0.0.1:1',
      }, { readyTimeoutMs: 60_000 }));
    }
    const token = (await provisionAccount(relays[0]!.baseUrl, 'shop.test')).token;
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
      for (;;) {
        const i = next++;
        if (i >= MESSAGES) return;
        const target = relays[(i + c) % relays.length]!;
        const res = await api(target.baseUrl, 'POST', '/v1/emails', { token, body: { from: { email: 'a@shop.test' }, to: [{ email: `c${i % 13}@customer.test` }], subject: `scale ${i}`, text: 'x'.repeat(2000) } });
        if (res.status !== 202) throw new Error(`send ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }));
    const acceptedIn = (performance.now() - started) / 1000;
    await sink.waitFor(MESSAGES, 600_000);
    const deliveredIn = (performance.now() - started) / 1000;
    return { accepted: MESSAGES / acceptedIn, delivered: MESSAGES / deliveredIn };
  } finally {
    await Promise.all(relays.map((r) => r.kill('SIGTERM')));
    await sink.close();
    await pg.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

for (const n of COUNTS) {
  const result = await run(n);
  console.log(`scale-out: ${n} instance${n === 1 ? '' : 's'} on PostgreSQL, ${MESSAGES} messages, ${CLIENTS} clients: accepted ${result.accepted.toFixed(0)} msg/s, delivered ${result.delivered.toFixed(0)} msg/s end to end`);
}
