#!/usr/bin/env node
// RelayPress benchmark orchestrator (run it through `npm run bench`, i.e. bench/run.sh).
// Same workload for every system: BENCH_MESSAGES messages of ~BENCH_SIZE bytes body,
// BENCH_CONC concurrent sessions, a new connection per message, relayed to a counting sink
// on loopback; median of BENCH_RUNS runs after a warm-up. See bench/README.md.
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, appendFileSync, existsSync, openSync, readSync, fstatSync, closeSync, rmSync, readdirSync } from 'node:fs';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  startChild, stopPid, stopAllStarted, startSampler, freePort, waitPort, sleep, loadAvg,
  threadTicks, resetHwm, vmHwm, userSys, CLK,
} from './lib/procs.mjs';
import { PostfixInstance, OpenDkim, postfixAvailable, opendkimAvailable, postfixVersion } from './lib/postfix.mjs';
import { summarizeProfile } from './lib/profile-summary.mjs';

const BENCH = import.meta.dirname;
const ROOT = path.resolve(BENCH, '..');
const RELAY_BIN = path.join(ROOT, 'relay-service', 'bin', 'relaypress-relay.js');
const LOADGEN = path.join(BENCH, 'lib', 'loadgen.mjs');
const NODE_SINK = path.join(BENCH, 'lib', 'sink.mjs');
const requireRelay = createRequire(path.join(ROOT, 'relay-service', 'package.json'));

const env = process.env;
const int = (k, d) => (env[k] === undefined || env[k] === '' ? d : Number(env[k]));
const C = {
  messages: int('BENCH_MESSAGES', 10000),
  runs: int('BENCH_RUNS', 3),
  size: int('BENCH_SIZE', 5000),
  conc: int('BENCH_CONC', 20),
  warmup: int('BENCH_WARMUP', 300),
  runLimitS: int('BENCH_RUN_LIMIT_S', 180),   // injection stops after this (relay over SMTP is slow)
  drainS: int('BENCH_DRAIN_S', 90),           // after injection: time allowed for delivery to finish
  halfLoadS: int('BENCH_HALF_LOAD_S', 20),    // length of the half-of-peak latency run
  scenarios: (env.BENCH_SCENARIOS || 'relay-smtp,relay-smtp-auth,relay-http,relay-smtp-pg,relay-http-pg,postfix,postfix-dkim').split(',').map((s) => s.trim()),
  smtpSource: env.BENCH_SMTP_SOURCE !== '0',  // also drive Postfix with Postfix's own smtp-source
  profile: env.BENCH_PROFILE === '1',
  opendkimSocket: env.BENCH_OPENDKIM_SOCKET || 'unix',
  pgUrl: env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  out: env.BENCH_OUT || path.join(BENCH, 'results'),
};
const FROM = 'sender@example.test', RCPT = 'rcpt@sink.test', VERIFY_RCPT = 'check@verify.test', DOMAIN = 'example.test';
const ADMIN = 'bench-admin-token-0123456789abcdef0123456789abcdef';
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const WORK = mkdtempSync(path.join(os.tmpdir(), 'relaypress-bench-'));
chmodSync(WORK, 0o755); // Postfix and OpenDKIM run as their own users below it
let activePostfix, activeOpendkim;
mkdirSync(C.out, { recursive: true });
const RESULTS = path.join(C.out, `results-${stamp}.jsonl`);
const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const rows = [];
const notes = [];

// ---------------------------------------------------------------- sinks
const smtpSinkBin = ['/usr/sbin/smtp-sink', '/usr/bin/smtp-sink'].find(existsSync);
const RELAY_NODE_FLAGS = ['--max-semi-space-size=8'];
const smtpSourceBin = ['/usr/sbin/smtp-source', '/usr/bin/smtp-source'].find(existsSync);
let sink;
async function startSink() {
  const port = await freePort();
  const counter = path.join(WORK, 'sink.counter');
  writeFileSync(counter, '');
  const fd = openSync(counter, 'a');
  let child;
  if (smtpSinkBin) {
    const args = ['-c', ...(process.getuid() === 0 ? ['-u', 'nobody'] : []), `127.0.0.1:${port}`, '1024'];
    child = startChild('smtp-sink', smtpSinkBin, args, { stdio: ['ignore', fd, 'ignore'] });
  } else {
    child = startChild('node-sink', process.execPath, [NODE_SINK, '127.0.0.1', String(port)], { stdio: ['ignore', fd, 'ignore'] });
  }
  await waitPort(port);
  sink = { port, pid: child.pid, counter, kind: smtpSinkBin ? 'smtp-sink' : 'node sink' };
  log(`sink: ${sink.kind} on 127.0.0.1:${port} (pid ${child.pid})`);
}
function sinkCount() {
  const fd = openSync(sink.counter, 'r');
  try {
    const size = fstatSync(fd).size, len = Math.min(512, size), buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const all = [...buf.toString('latin1').matchAll(/mesg=(\d+)/g)];
    return all.length ? Number(all.at(-1)[1]) : 0;
  } finally { closeSync(fd); }
}
let capture;
async function startCaptureSink() {
  const port = await freePort();
  const dir = path.join(WORK, 'capture');
  mkdirSync(dir, { recursive: true });
  const child = startChild('capture-sink', process.execPath, [NODE_SINK, '127.0.0.1', String(port), dir], {});
  await waitPort(port);
  capture = { port, dir, pid: child.pid };
}
/** Sends one message to check@verify.test and checks its DKIM signature at the capture sink. */
async function checkDkim(label, genArgs, selector, dnsValue) {
  for (const f of readdirSync(capture.dir)) rmSync(path.join(capture.dir, f));
  const r = await runLoadgen([...genArgs.map((a) => (a === RCPT ? VERIFY_RCPT : a)), '--count', '1', '--conc', '1']);
  if (r.ok !== 1) throw new Error(`${label}: DKIM check message not accepted: ${JSON.stringify(r.errors)}`);
  let files = [];
  for (let i = 0; i < 100 && files.length === 0; i++) { await sleep(100); files = readdirSync(capture.dir); }
  if (!files.length) throw new Error(`${label}: DKIM check message never reached the capture sink`);
  const v = spawnSync('/usr/bin/python3', [path.join(BENCH, 'lib', 'verify_dkim.py'), path.join(capture.dir, files[0]), selector, DOMAIN, dnsValue], { encoding: 'utf8' });
  const verdict = (v.stdout || v.stderr || 'no verifier').trim();
  if (v.status === 1) throw new Error(`${label}: DKIM check failed: ${verdict}`);
  log(`${label}: DKIM ${verdict}`);
  return verdict;
}

// ---------------------------------------------------------------- load generators
function runLoadgen(args, { timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const child = startChild('loadgen', process.execPath, [LOADGEN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = timeoutMs ? setTimeout(() => stopPid(child.pid, 2000), timeoutMs) : null;
    child.on('exit', (code) => {
      clearTimeout(timer);
      try { resolve(JSON.parse(out.trim().split('\n').at(-1))); } catch { reject(new Error(`loadgen failed (${code}): ${err.slice(-500)}`)); }
    });
  });
}
function smtpGenArgs(port, extra = []) {
  return ['smtp', '--host', '127.0.0.1', '--port', String(port), '--size', String(C.size), '--from', FROM, '--to', RCPT, ...extra];
}
/** Postfix's smtp-source: same load, no latency figures. Resolves with its wall time. */
function runSmtpSource(port, count) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const args = ['-s', String(C.conc), '-m', String(count), '-l', String(C.size), '-f', FROM, '-t', RCPT, '-M', 'client.bench.test', `127.0.0.1:${port}`];
    const child = startChild('smtp-source', smtpSourceBin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => stopPid(child.pid, 2000), (C.runLimitS + 60) * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const s = (performance.now() - t0) / 1000;
      resolve({ ok: code === 0 ? count : 0, failed: code === 0 ? 0 : count, started: count, inject_s: s, inject_rate: count / s, latency_ms: {}, errors: code ? { [err.slice(-200)]: 1 } : {}, stoppedByLimit: false });
    });
  });
}

// ---------------------------------------------------------------- one measured run
const median = (xs) => { const v = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b); return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : null; };
const r2 = (x) => (x === null || x === undefined ? null : Math.round(x * 100) / 100);

/**
 * gen: { kind:'node', args } | { kind:'smtp-source', port }. roots: PIDs whose trees are "the
 * system under test" (CPU, RSS). queueLeft: () => Promise<number> of messages not yet delivered.
 */
async function measure({ scenario, label, run, gen, count, rate, roots, mainPid, queueLeft }) {
  const base = sinkCount();
  const load0 = loadAvg();
  if (mainPid) resetHwm(mainPid);
  const th0 = mainPid ? threadTicks(mainPid) : {};
  const us0 = mainPid ? userSys(mainPid) : [0, 0];
  const sampler = startSampler(roots);
  const t0 = Date.now();
  const g = gen.kind === 'node'
    ? await runLoadgen([...gen.args, '--conc', String(C.conc), '--count', String(count), '--limit-s', String(C.runLimitS), ...(rate ? ['--rate', String(rate)] : [])], { timeoutMs: (C.runLimitS + 120) * 1000 })
    : await runSmtpSource(gen.port, count);
  const genStart = g.t0_epoch_ms ?? t0;
  const target = base + g.ok;
  const until = Date.now() + C.drainS * 1000;
  let n = sinkCount();
  while (n < target && Date.now() < until) { await sleep(10); n = sinkCount(); }
  const e2eS = (Date.now() - genStart) / 1000;
  const st = sampler.stop();
  const hwm = mainPid ? vmHwm(mainPid) : 0;
  const th1 = mainPid ? threadTicks(mainPid) : {};
  const us1 = mainPid ? userSys(mainPid) : [0, 0];
  let left = await queueLeft();
  for (let i = 0; i < 50 && left > 0; i++) { await sleep(100); left = await queueLeft(); }
  await sleep(200);
  const delivered = sinkCount() - base;
  const threads = Object.fromEntries(Object.keys(th1).map((k) => [k, r2((th1[k] - (th0[k] ?? 0)) / CLK)]).filter(([, v]) => v > 0));
  const row = {
    scenario, label, run, gen: gen.kind, requested: count, rate: rate ?? null, submitted: g.started, accepted: g.ok, failed: g.failed,
    time_limited: g.stoppedByLimit, delivered, queue_left: left,
    all_delivered: delivered >= g.ok && g.ok > 0 && left === 0,
    inject_s: r2(g.inject_s), inject_rate: r2(g.inject_rate),
    e2e_s: n >= target ? r2(e2eS) : null, e2e_rate: n >= target ? r2(g.ok / e2eS) : null,
    lat_p50_ms: g.latency_ms?.p50 ?? null, lat_p99_ms: g.latency_ms?.p99 ?? null, lat_max_ms: g.latency_ms?.max ?? null,
    cpu_s: r2(st.cpu_s), cpu_ms_per_msg: g.ok ? r2((1000 * st.cpu_s) / g.ok) : null,
    user_s: mainPid ? r2((us1[0] - us0[0]) / CLK) : null, sys_s: mainPid ? r2((us1[1] - us0[1]) / CLK) : null,
    peak_rss_mb: Math.round(Math.max(hwm, st.peak_rss) / 1048576), peak_pss_mb: Math.round(st.peak_pss / 1048576), threads_cpu_s: threads,
    gen_cpu_s: g.cpu_s ?? null,
    // CPU burnt by everything else on the machine during the run (other people's work): a noise gauge.
    other_cpu_s: r2(st.sys_busy_s - st.cpu_s - (g.cpu_s ?? 0)), disk_flushes_per_msg: g.ok ? r2(st.disk_flushes / g.ok) : null, sys_util_pct: st.sys_util_pct, load_before: load0, load_after: loadAvg(),
    errors: g.errors,
  };
  appendFileSync(RESULTS, JSON.stringify(row) + '\n');
  rows.push(row);
  log(`  ${label} run ${run}: accepted ${row.accepted}/${row.requested}${row.time_limited ? ' (time limit)' : ''}, inject ${row.inject_rate}/s, e2e ${row.e2e_rate ?? 'INCOMPLETE'}/s, ` +
    `p50/p99 ${row.lat_p50_ms ?? '-'}/${row.lat_p99_ms ?? '-'} ms, cpu ${row.cpu_s}s (${row.cpu_ms_per_msg} ms/msg), rss ${row.peak_rss_mb} MB, flush/msg ${row.disk_flushes_per_msg}, delivered ${delivered}, left ${left}, sys ${st.sys_util_pct}%, other procs ${row.other_cpu_s}s CPU, load ${load0}` +
    (g.failed ? `, errors ${JSON.stringify(g.errors)}` : ''));
  return row;
}

async function measureSeries(o) {
  if (C.warmup > 0) {
    log(`${o.label}: warm-up ${C.warmup} messages`);
    const w = o.gen.kind === 'node'
      ? await runLoadgen([...o.gen.args, '--conc', String(C.conc), '--count', String(C.warmup), '--limit-s', String(Math.min(60, C.runLimitS))])
      : await runSmtpSource(o.gen.port, C.warmup);
    const until = Date.now() + C.drainS * 1000;
    while ((await o.queueLeft()) > 0 && Date.now() < until) await sleep(100);
    if (w.failed) log(`  warm-up errors: ${JSON.stringify(w.errors)}`);
  }
  const out = [];
  for (let r = 1; r <= C.runs; r++) { out.push(await measure({ ...o, run: r, count: C.messages })); await sleep(500); }
  return out;
}

/** p50/p99 accept latency at half of the measured peak end-to-end rate (Node generator only). */
async function halfLoad(o, series) {
  const peak = median(series.map((r) => r.e2e_rate ?? r.inject_rate));
  if (!peak || o.gen.kind !== 'node') return null;
  const rate = Math.max(1, Math.round(peak / 2));
  const count = Math.max(50, Math.min(C.messages, Math.round(rate * C.halfLoadS)));
  log(`${o.label}: half-load run, ${count} messages at ${rate}/s (peak ${r2(peak)}/s)`);
  return measure({ ...o, label: `${o.label} @50%`, run: 1, count, rate });
}

// ---------------------------------------------------------------- RelayPress
async function pgAdmin(sql) {
  const pg = requireRelay('pg');
  const c = new pg.Client({ connectionString: C.pgUrl });
  await c.connect();
  try { return await c.query(sql); } finally { await c.end(); }
}

async function relayScenario(scenario) {
  const viaHttp = scenario.startsWith('relay-http');
  const onPg = scenario.endsWith('-pg');
  // relay-smtp*: plain SMTP from a trusted network (127.0.0.0/8), exactly what Postfix gets
  // here (mynetworks); relay-smtp-auth: STARTTLS + AUTH PLAIN on every connection.
  const withAuth = scenario.startsWith('relay-smtp-auth');
  const label = `RelayPress ${viaHttp ? 'HTTP' : withAuth ? 'SMTP+TLS+AUTH' : 'SMTP'} ${onPg ? 'PostgreSQL' : 'SQLite'}`;
  const dataDir = mkdtempSync(path.join(WORK, `${scenario}-`));
  let dbName, dbUrl;
  if (onPg) {
    dbName = `relaypress_bench_${process.pid}_${Date.now() % 100000}`;
    await pgAdmin(`CREATE DATABASE ${dbName}`);
    dbUrl = C.pgUrl.replace(/\/[^/]*$/, `/${dbName}`);
  }
  const httpPort = await freePort(), subPort = await freePort();
  const relayEnv = {
    PATH: env.PATH, HOME: env.HOME ?? '/root',
    RELAY_DATA_DIR: dataDir, RELAY_HTTP_HOST: '127.0.0.1', RELAY_HTTP_PORT: String(httpPort),
    RELAY_SMTP_HOST: '127.0.0.1', RELAY_SUBMISSION_PORT: String(subPort), RELAY_SMTPS_PORT: '', RELAY_INBOUND_PORT: '',
    RELAY_HOSTNAME: 'relay.bench.test', RELAY_ADMIN_TOKEN: ADMIN,
    RELAY_ROUTES: `verify.test=127.0.0.1:${capture.port},*=127.0.0.1:${sink.port}`, RELAY_DNS_SERVERS: '127.0.0.1:1',
    RELAY_LOG_LEVEL: env.BENCH_RELAY_LOG_LEVEL || 'warn',
    ...(dbUrl ? { RELAY_DATABASE_URL: dbUrl } : {}),
    // Experiments: any RELAY_* setting in the bench's environment overrides the above
    // (e.g. RELAY_DELIVERY_CONCURRENCY); MALLOC_ARENA_MAX / UV_THREADPOOL_SIZE pass through, and
    // BENCH_RELAY_NODE_ARGS are extra node flags for the relay (e.g. --max-semi-space-size=8).
    // Never the settings that keep the bench on loopback and on its own database.
    ...Object.fromEntries(Object.entries(env).filter(([k]) => /^(RELAY_|MALLOC_ARENA_MAX$|UV_THREADPOOL_SIZE$)/.test(k)
      && !/^RELAY_(ROUTES|DNS_SERVERS|DATA_DIR|DATABASE_URL|HTTP_HOST|HTTP_PORT|SMTP_HOST|SUBMISSION_PORT|SMTPS_PORT|INBOUND_PORT|ADMIN_TOKEN|MX_PORT)$/.test(k))),
  };
  const profDir = path.join(C.out, 'profiles');
  // The relay runs with the Node flags of scripts/start.sh and the Dockerfile (kept equal by
  // relay-service/test/config/node-flags.test.ts); BENCH_RELAY_NODE_ARGS come after them.
  const nodeArgs = [...RELAY_NODE_FLAGS, ...(env.BENCH_RELAY_NODE_ARGS || '').split(/\s+/).filter(Boolean), ...(C.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${scenario}-${stamp}.cpuprofile`] : [])];
  const relay = startChild('relay', process.execPath, [...nodeArgs, RELAY_BIN, 'start'], { env: relayEnv, cwd: dataDir, logFile: path.join(WORK, `${scenario}.log`) });
  const base = `http://127.0.0.1:${httpPort}`;
  const api = async (method, p, body, token = ADMIN) => {
    const res = await fetch(base + p, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    const json = await res.json().catch(() => ({}));
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  let series = [], half = null, dkim, smtpSource = null;
  try {
    for (let i = 0; ; i++) {
      if (relay.exitCode !== null) throw new Error(`relay exited (${relay.exitCode}): ${readFileSync(path.join(WORK, `${scenario}.log`), 'utf8').slice(-1500)}`);
      const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300) throw new Error('relay not ready after 30 s');
      await sleep(100);
    }
    // Sandbox: the bench domain has no DNS to verify against (same code path as a verified domain).
    const account = await api('POST', '/admin/accounts', { name: 'bench', sandbox: true });
    const { token } = await api('POST', `/admin/accounts/${account.id}/tokens`, { name: 'bench' });
    const smtpUser = await api('POST', `/admin/accounts/${account.id}/smtp-users`, {});
    await api('POST', `/admin/accounts/${account.id}/domains`, { domain: DOMAIN });
    const key = await api('PUT', `/admin/accounts/${account.id}/dkim`, { domain: DOMAIN, selector: 'bench', algorithm: 'rsa' });
    const plainSmtp = !viaHttp && !withAuth;
    if (plainSmtp) await api('POST', `/admin/accounts/${account.id}/trusted-networks`, { cidr: '127.0.0.0/8', note: 'bench generators' });

    const genArgs = viaHttp
      ? ['http', '--url', base, '--token', token, '--size', String(C.size), '--from', FROM, '--to', RCPT]
      : smtpGenArgs(subPort, withAuth ? ['--starttls', `--user=${smtpUser.username}`, `--pass=${smtpUser.password}`] : []);
    dkim = await checkDkim(label, genArgs, 'bench', key.dns_record.value);

    let queueLeft;
    if (onPg) {
      const pg = requireRelay('pg');
      const client = new pg.Client({ connectionString: dbUrl });
      await client.connect();
      queueLeft = async () => Number((await client.query("SELECT count(*) AS n FROM recipients WHERE status IN ('queued','deferred','sending')")).rows[0].n);
      queueLeft.close = () => client.end();
    } else {
      const Database = requireRelay('better-sqlite3');
      const db = new Database(path.join(dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
      const stmt = db.prepare("SELECT count(*) AS n FROM recipients WHERE status IN ('queued','deferred','sending')");
      queueLeft = async () => stmt.get().n;
      queueLeft.close = () => db.close();
    }
    const o = { scenario, label, gen: { kind: 'node', args: genArgs }, roots: [relay.pid], mainPid: relay.pid, queueLeft };
    series = await measureSeries(o);
    half = await halfLoad(o, series);
    // The plain SMTP path can also be driven by Postfix's own generator, like Postfix itself.
    if (plainSmtp && C.smtpSource && smtpSourceBin) smtpSource = await measureSeries({ ...o, label: `${label} (smtp-source)`, gen: { kind: 'smtp-source', port: subPort } });
    queueLeft.close();
  } finally {
    await stopPid(relay.pid, 30000);
    if (dbName) await pgAdmin(`DROP DATABASE IF EXISTS ${dbName}`).catch((e) => log(`drop database ${dbName}: ${e.message}`));
  }
  let profile = null;
  if (C.profile) {
    const f = path.join(profDir, `${scenario}-${stamp}.cpuprofile`);
    if (existsSync(f)) { profile = summarizeProfile(f, 15); profile.file = path.relative(ROOT, f); }
  }
  return { scenario, label, series, half, dkim, profile, smtpSource };
}

// ---------------------------------------------------------------- Postfix (+ OpenDKIM)
async function postfixScenarios(which) {
  const out = [];
  const pf = new PostfixInstance({ dir: path.join(WORK, 'postfix'), port: await freePort(), sinkPort: sink.port, capturePort: capture.port });
  pf.writeConfig('');
  activePostfix = pf;
  const master = await pf.start();
  log(`postfix ${postfixVersion()} on 127.0.0.1:${pf.port} (master pid ${master})`);
  const queueLeft = async () => pf.queued();
  let dk;
  try {
    if (which.includes('postfix')) {
      const label = 'Postfix';
      const o = { scenario: 'postfix', label, gen: { kind: 'node', args: smtpGenArgs(pf.port) }, roots: [master], queueLeft };
      const series = await measureSeries(o);
      const half = await halfLoad(o, series);
      let ss = [];
      if (C.smtpSource && smtpSourceBin) ss = await measureSeries({ ...o, label: `${label} (smtp-source)`, gen: { kind: 'smtp-source', port: pf.port } });
      out.push({ scenario: 'postfix', label, series, half, smtpSource: ss });
    }
    if (which.includes('postfix-dkim')) {
      if (!opendkimAvailable()) { notes.push('OpenDKIM not installed: Postfix+OpenDKIM skipped'); return out; }
      dk = new OpenDkim({ dir: path.join(WORK, 'opendkim'), domain: DOMAIN, selector: 'bench', socket: C.opendkimSocket, inetPort: await freePort() });
      dk.setup();
      activeOpendkim = dk;
      await dk.start(path.join(WORK, 'opendkim.log'));
      await pf.setMilters(dk.milter);
      const label = 'Postfix+OpenDKIM';
      const o = { scenario: 'postfix-dkim', label, gen: { kind: 'node', args: smtpGenArgs(pf.port) }, roots: [master, dk.pid], queueLeft };
      const dkim = await checkDkim(label, o.gen.args, 'bench', dk.dnsValue());
      const series = await measureSeries(o);
      const half = await halfLoad(o, series);
      let ss = [];
      if (C.smtpSource && smtpSourceBin) ss = await measureSeries({ ...o, label: `${label} (smtp-source)`, gen: { kind: 'smtp-source', port: pf.port } });
      out.push({ scenario: 'postfix-dkim', label, series, half, smtpSource: ss, dkim });
    }
  } finally {
    await pf.stop();
    if (dk) await dk.stop();
  }
  return out;
}

// ---------------------------------------------------------------- report
function summarize(label, series) {
  const ok = series.filter((r) => r.e2e_rate !== null);
  return {
    label, runs: `${ok.length}/${series.length}`,
    accepted: median(series.map((r) => r.accepted)),
    time_limited: series.some((r) => r.time_limited),
    e2e_rate: median(ok.map((r) => r.e2e_rate)), inject_rate: median(series.map((r) => r.inject_rate)),
    p50: median(series.map((r) => r.lat_p50_ms)), p99: median(series.map((r) => r.lat_p99_ms)),
    cpu_ms: median(series.map((r) => r.cpu_ms_per_msg)), cpu_s: median(series.map((r) => r.cpu_s)),
    rss: Math.max(...series.map((r) => r.peak_rss_mb)), pss: Math.max(...series.map((r) => r.peak_pss_mb ?? 0)),
    lost: series.some((r) => !r.all_delivered),
    queue_left: Math.max(...series.map((r) => r.queue_left)),
    load: series[0]?.load_before,
    other: median(series.map((r) => r.other_cpu_s)),
  };
}

function machine() {
  const cpu = (/model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8')) ?? [])[1] ?? '?';
  let rev = '?';
  try { rev = execFileSync('git', ['-C', ROOT, 'describe', '--always', '--dirty'], { encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
  return `relay ${rev}; ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}, Node ${process.version}, Postfix ${postfixAvailable() ? postfixVersion() : 'n/a'}`;
}

async function main() {
  log(`work folder ${WORK}; results ${path.relative(ROOT, RESULTS)}`);
  log(`N=${C.messages} size=${C.size} conc=${C.conc} runs=${C.runs} warm-up=${C.warmup} run limit=${C.runLimitS}s scenarios=${C.scenarios.join(',')}`);
  await startSink();
  await startCaptureSink();
  const groups = [];
  for (const s of C.scenarios.filter((s) => s.startsWith('relay-'))) {
    log(`== ${s}`);
    // One failing scenario (e.g. no PostgreSQL) is reported and the others still run.
    try { groups.push(await relayScenario(s)); } catch (err) { log(`${s} FAILED: ${err.message}`); notes.push(`${s} failed: ${err.message.split('\n')[0]}`); }
  }
  const pfWanted = C.scenarios.filter((s) => s.startsWith('postfix'));
  if (pfWanted.length) {
    if (!postfixAvailable()) notes.push('Postfix not available (or not root): Postfix comparisons skipped');
    else {
      log(`== ${pfWanted.join(', ')}`);
      try { groups.push(...(await postfixScenarios(pfWanted))); } catch (err) { log(`postfix FAILED: ${err.message}`); notes.push(`postfix scenarios failed: ${err.message.split('\n')[0]}`); }
    }
  }

  // Table
  const lines = [];
  const fmt = (x, d = 0) => (x === null || x === undefined ? '-' : Number(x).toFixed(d));
  lines.push(`Machine: ${machine()}`);
  lines.push(`Workload: ${C.messages} msgs × ~${C.size} B body, ${C.conc} concurrent sessions, new connection per message, loopback, sink ${sink.kind}; median of ${C.runs} run(s) after ${C.warmup}-msg warm-up; injection capped at ${C.runLimitS}s per run`);
  lines.push(`Load average at start: ${groups[0]?.series?.[0]?.load_before ?? loadAvg()}`);
  lines.push('');
  lines.push('| system | generator | runs | accepted/run | e2e msg/s | inject msg/s | accept p50 / p99 ms | @50% load p50 / p99 ms | CPU ms/msg | peak RSS (PSS) MB | lost / left queued | load avg | other CPU s |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const sums = {};
  for (const g of groups) {
    const s = summarize(g.label, g.series);
    sums[g.scenario] = s;
    const h = g.half;
    const genName = g.scenario.startsWith('relay-http') ? 'node HTTP' : g.scenario.startsWith('relay-smtp-auth') ? 'node SMTP (STARTTLS+AUTH)' : 'node SMTP (plain)';
    lines.push(`| ${g.label} | ${genName} | ${s.runs} | ${fmt(s.accepted)}${s.time_limited ? ' (time-capped)' : ''} | ${fmt(s.e2e_rate, 1)} | ${fmt(s.inject_rate, 1)} | ${fmt(s.p50, 1)} / ${fmt(s.p99, 1)} | ${h ? `${fmt(h.lat_p50_ms, 1)} / ${fmt(h.lat_p99_ms, 1)} (at ${h.rate}/s)` : '-'} | ${fmt(s.cpu_ms, 2)} | ${s.rss} (${s.pss}) | ${s.lost ? 'YES' : 'no'} / ${s.queue_left} | ${s.load} | ${fmt(s.other, 1)} |`);
    if (g.smtpSource?.length) {
      const t = summarize(`${g.label} (smtp-source)`, g.smtpSource);
      sums[`${g.scenario}:smtp-source`] = t;
      lines.push(`| ${g.label} | smtp-source | ${t.runs} | ${fmt(t.accepted)} | ${fmt(t.e2e_rate, 1)} | ${fmt(t.inject_rate, 1)} | - | - | ${fmt(t.cpu_ms, 2)} | ${t.rss} (${t.pss}) | ${t.lost ? 'YES' : 'no'} / ${t.queue_left} | ${t.load} | ${fmt(t.other, 1)} |`);
    }
  }
  lines.push('');
  const ratio = (a, b) => (sums[a]?.e2e_rate && sums[b]?.e2e_rate ? (sums[a].e2e_rate / sums[b].e2e_rate).toFixed(2) : 'n/a');
  // The headline: RelayPress SMTP on SQLite vs Postfix+OpenDKIM, same client networks
  // (plain SMTP, no AUTH), same Node generator.
  lines.push(`ratio vs Postfix+OpenDKIM: ${ratio('relay-smtp', 'postfix-dkim')}`);
  lines.push(`ratio vs Postfix: ${ratio('relay-smtp', 'postfix')}`);
  if (sums['relay-smtp:smtp-source'] && sums['postfix-dkim:smtp-source']) {
    lines.push(`with smtp-source as the generator: ratio vs Postfix+OpenDKIM ${ratio('relay-smtp:smtp-source', 'postfix-dkim:smtp-source')}, vs Postfix ${ratio('relay-smtp:smtp-source', 'postfix:smtp-source')}`);
  }
  for (const r of ['relay-smtp-auth', 'relay-http', 'relay-smtp-pg', 'relay-http-pg']) {
    if (sums[r]) lines.push(`${sums[r].label}: ratio vs Postfix+OpenDKIM ${ratio(r, 'postfix-dkim')}, vs Postfix ${ratio(r, 'postfix')}`);
  }
  // The issue's targets, judged on each RelayPress scenario of this run (medians; RSS is the
  // highest of the runs and of the half-load run).
  const mark = (pass) => (pass === null ? 'n/a' : pass ? 'met' : 'MISSED');
  for (const g of groups.filter((x) => x.scenario.startsWith('relay'))) {
    const s = sums[g.scenario];
    const vs = (b, factor) => (s.e2e_rate && sums[b]?.e2e_rate ? s.e2e_rate >= factor * sums[b].e2e_rate : null);
    const halfP99 = g.half?.lat_p99_ms ?? null;
    const rss = Math.max(s.rss, g.half?.peak_rss_mb ?? 0);
    lines.push(`targets ${s.label}: e2e ≥ 1.5 × Postfix+OpenDKIM ${mark(vs('postfix-dkim', 1.5))}; e2e ≥ Postfix ${mark(vs('postfix', 1))}; ` +
      `p99 @50% < 25 ms ${mark(halfP99 === null ? null : halfP99 < 25)} (${fmt(halfP99, 1)}); peak RSS < 250 MB ${mark(rss < 250)} (${rss}); nothing lost or left ${mark(!s.lost && s.queue_left === 0)}`);
  }
  lines.push('');
  for (const g of groups) if (g.dkim) lines.push(`DKIM check ${g.label}: ${g.dkim}`);
  for (const g of groups.filter((x) => x.scenario.startsWith('relay'))) {
    const th = {};
    for (const r of g.series) for (const [k, v] of Object.entries(r.threads_cpu_s ?? {})) th[k] = (th[k] ?? 0) + v / g.series.length;
    lines.push(`${g.label} CPU by thread (s/run): ${Object.entries(th).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
    if (g.profile) {
      lines.push(`${g.label} profile (${g.profile.file}; main thread busy ${g.profile.main_thread_busy_s}s of ${g.profile.wall_s}s): ` +
        g.profile.components.slice(0, 10).map((c) => `${c.what} ${c.pct_busy}%`).join(', '));
      lines.push(`  top functions: ${g.profile.functions.slice(0, 10).map((c) => `${c.what} ${c.pct_busy}%`).join('; ')}`);
    }
  }
  for (const n of notes) lines.push(`note: ${n}`);
  const text = lines.join('\n');
  console.log('\n' + text);
  writeFileSync(path.join(C.out, 'latest.md'), `# RelayPress bench, ${new Date().toISOString()}\n\n${text}\n`);
  log(`wrote ${path.relative(ROOT, path.join(C.out, 'latest.md'))} and ${path.relative(ROOT, RESULTS)}`);
}

let exiting = false;
async function cleanup(code) {
  if (exiting) return;
  exiting = true;
  await activePostfix?.stop().catch(() => {});
  await activeOpendkim?.stop().catch(() => {});
  await stopAllStarted();
  if (env.BENCH_KEEP_WORK !== '1') rmSync(WORK, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => cleanup(130));
process.on('SIGTERM', () => cleanup(143));
main().then(() => cleanup(0), (err) => { console.error(err); cleanup(1); });
