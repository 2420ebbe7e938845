#!/usr/bin/env node
// RelayPress load generator: the semantics of Postfix's smtp-source (N concurrent sessions,
// a new connection per message, one recipient, fixed-size body), plus what smtp-source
// cannot do: STARTTLS + AUTH PLAIN, per-message accept latency (end of DATA -> 250 reply),
// an open-loop rate limit and a time limit. Also an HTTP mode (POST /v1/emails).
//
// Runs as its own process so its CPU is not billed to the orchestrator. Prints one JSON
// line with the results on stdout; progress and errors go to stderr.
//
//   node loadgen.mjs smtp --host 127.0.0.1 --port 2525 --conc 20 --count 1000 --size 5000 \
//        --from s@example.test --to r@sink.test [--starttls --user U --pass P] [--rate 200] [--limit-s 60]
//   node loadgen.mjs http --url http://127.0.0.1:8025 --token T --conc 20 --count 1000 --size 5000 \
//        --from s@example.test --to r@sink.test [--rate 200] [--limit-s 60]
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { positionals, values: o } = parseArgs({
  allowPositionals: true,
  options: {
    host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string' }, url: { type: 'string' },
    token: { type: 'string' }, conc: { type: 'string', default: '20' }, count: { type: 'string', default: '1000' },
    size: { type: 'string', default: '5000' }, from: { type: 'string', default: 'sender@example.test' },
    to: { type: 'string', default: 'rcpt@sink.test' }, helo: { type: 'string', default: 'client.bench.test' },
    starttls: { type: 'boolean', default: false }, user: { type: 'string' }, pass: { type: 'string' },
    rate: { type: 'string', default: '0' }, 'limit-s': { type: 'string', default: '0' },
    'timeout-ms': { type: 'string', default: '30000' }, tag: { type: 'string', default: 'bench' },
  },
});
const mode = positionals[0] ?? 'smtp';
const conc = Number(o.conc), count = Number(o.count), size = Number(o.size);
const rate = Number(o.rate), limitMs = Number(o['limit-s']) * 1000, timeoutMs = Number(o['timeout-ms']);

// ~size bytes of body in 72-character lines (well under SMTP's 998 limit, no dot-stuffing needed).
function bodyText(n) {
  const line = 'The quick brown fox jumps over the lazy dog, RelayPress benchmark text.'.slice(0, 70);
  const lines = [];
  for (let len = 0; len < n; len += line.length + 2) lines.push(line);
  return lines.join('\r\n');
}
const BODY = bodyText(size);

function message(i) {
  return [
    `From: Bench Sender <${o.from}>`, `To: <${o.to}>`, `Subject: ${o.tag} message ${i}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${o.tag}.${process.pid}.${i}.${Date.now()}@client.bench.test>`,
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii', '', BODY, '',
  ].join('\r\n');
}

// ---------------------------------------------------------------- SMTP client (one message per connection)
function smtpOnce(i) {
  return new Promise((resolve) => {
    let sock = net.connect({ host: o.host, port: Number(o.port) });
    sock.setNoDelay(true);
    let buf = '', lines = [], waiter = null, done = false, dataSentAt = 0;
    const timer = setTimeout(() => finish(new Error('timeout')), timeoutMs);
    function finish(err, latencyMs) {
      if (done) return;
      done = true; clearTimeout(timer);
      if (err) sock.destroy();
      resolve(err ? { ok: false, err: err.message } : { ok: true, latencyMs });
    }
    function onData(chunk) {
      buf += chunk.toString('latin1');
      let nl;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (line.length < 4 || line[3] !== '-') { // last line of a (multi-line) reply
          const reply = lines; lines = [];
          const w = waiter; waiter = null;
          if (w) w(reply);
        }
      }
    }
    const attach = (s) => { s.on('data', onData); s.on('error', (e) => finish(e)); s.on('close', () => finish(new Error('connection closed early'))); };
    attach(sock);
    const read = () => new Promise((r) => { waiter = r; });
    const expect = async (code, what) => {
      const reply = await read();
      if (!reply[reply.length - 1].startsWith(String(code))) throw new Error(`${what}: ${reply.join(' | ').slice(0, 200)}`);
      return reply;
    };
    const send = (s) => sock.write(s);
    (async () => {
      await expect(220, 'greeting');
      send(`EHLO ${o.helo}\r\n`); await expect(250, 'EHLO');
      if (o.starttls) {
        send('STARTTLS\r\n'); await expect(220, 'STARTTLS');
        sock.removeListener('data', onData); sock.removeAllListeners('close'); sock.removeAllListeners('error');
        const plain = sock;
        sock = tls.connect({ socket: plain, rejectUnauthorized: false, servername: undefined });
        attach(sock);
        await new Promise((r, j) => { sock.once('secureConnect', r); sock.once('error', j); });
        send(`EHLO ${o.helo}\r\n`); await expect(250, 'EHLO after STARTTLS');
      }
      if (o.user) {
        send(`AUTH PLAIN ${Buffer.from(`\0${o.user}\0${o.pass}`).toString('base64')}\r\n`); await expect(235, 'AUTH');
      }
      send(`MAIL FROM:<${o.from}>\r\n`); await expect(250, 'MAIL FROM');
      send(`RCPT TO:<${o.to}>\r\n`); await expect(250, 'RCPT TO');
      send('DATA\r\n'); await expect(354, 'DATA');
      send(message(i));
      dataSentAt = performance.now();
      send('.\r\n');
      await expect(250, 'end of DATA');
      const latency = performance.now() - dataSentAt;
      send('QUIT\r\n');
      await Promise.race([read(), new Promise((r) => setTimeout(r, 2000))]);
      sock.removeAllListeners('close'); sock.on('close', () => {}); sock.end();
      finish(null, latency);
    })().catch((e) => finish(e));
  });
}

// ---------------------------------------------------------------- HTTP client (keep-alive, conc sockets)
const agent = new http.Agent({ keepAlive: true, maxSockets: conc });
function httpOnce(i) {
  const url = new URL('/v1/emails', o.url);
  const payload = Buffer.from(JSON.stringify({
    from: { email: o.from, name: 'Bench Sender' }, to: [{ email: o.to }], subject: `${o.tag} message ${i}`, text: BODY,
  }));
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(url, {
      method: 'POST', agent, timeout: timeoutMs,
      headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json', 'content-length': payload.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - t0;
        if (res.statusCode === 202 || res.statusCode === 200 || res.statusCode === 201) resolve({ ok: true, latencyMs: ms });
        else resolve({ ok: false, err: `HTTP ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ ok: false, err: e.message }));
    req.end(payload);
  });
}

// ---------------------------------------------------------------- driver
const once = mode === 'http' ? httpOnce : smtpOnce;
const latencies = [];
const errors = new Map();
let started = 0, ok = 0, failed = 0, inFlight = 0, stoppedByLimit = false;
const t0 = performance.now();
let lastOkAt = t0;

await new Promise((resolveAll) => {
  const startOne = () => {
    const i = started++;
    inFlight++;
    once(i).then((r) => {
      inFlight--;
      if (r.ok) { ok++; latencies.push(r.latencyMs); lastOkAt = performance.now(); }
      else { failed++; errors.set(r.err, (errors.get(r.err) ?? 0) + 1); }
      pump();
    });
  };
  let rateTimer = null, limitTimer = null;
  if (limitMs > 0) limitTimer = setTimeout(() => { limitTimer = null; pump(); }, limitMs);
  function pump() {
    const now = performance.now();
    if (limitMs > 0 && now - t0 >= limitMs && started < count) stoppedByLimit = true;
    const canStart = () => started < count && !stoppedByLimit && inFlight < conc;
    if (rate > 0) {
      // Open loop: message k is due at t0 + k/rate; at most conc in flight.
      while (canStart() && t0 + (started * 1000) / rate <= now) startOne();
      if (canStart() && !rateTimer) {
        const due = t0 + (started * 1000) / rate;
        rateTimer = setTimeout(() => { rateTimer = null; pump(); }, Math.max(0, due - now));
      }
    } else {
      while (canStart()) startOne();
    }
    if (inFlight === 0 && (started >= count || stoppedByLimit)) {
      clearTimeout(rateTimer); clearTimeout(limitTimer);
      resolveAll();
    }
  }
  pump();
});
agent.destroy();

const elapsedMs = lastOkAt - t0;
latencies.sort((a, b) => a - b);
const q = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : null);
const round = (x) => (x === null ? null : Math.round(x * 100) / 100);
const result = {
  mode, conc, requested: count, t0_epoch_ms: performance.timeOrigin + t0, started, ok, failed, stoppedByLimit,
  inject_s: round(elapsedMs / 1000), inject_rate: elapsedMs > 0 ? round((ok * 1000) / elapsedMs) : null,
  latency_ms: { p50: round(q(50)), p90: round(q(90)), p99: round(q(99)), max: round(latencies.at(-1) ?? null) },
  errors: Object.fromEntries([...errors].slice(0, 5)),
  cpu_s: round((process.cpuUsage().user + process.cpuUsage().system) / 1e6),
};
process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
