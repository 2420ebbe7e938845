// Process bookkeeping and /proc accounting for the benchmark: children are recorded by PID
// and stopped by PID only; CPU comes from /proc/PID/stat, peak RSS from VmHWM (reset per
// run through clear_refs) or from sampling the process tree.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, openSync } from 'node:fs';
import net from 'node:net';

const CLK = 100; // USER_HZ on Linux
const PAGE = 4096;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every child this run started that is still alive: { pid, name, proc }. */
const started = new Map();

export function startChild(name, cmd, args, { env, cwd, logFile, stdio } = {}) {
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(cmd, args, { env, cwd, stdio: stdio ?? ['ignore', out, out], detached: false });
  started.set(child.pid, { name, child });
  child.once('exit', () => started.delete(child.pid));
  return child;
}

export function isAlive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** SIGTERM to exactly this PID, then SIGKILL after graceMs if it is still there. */
export async function stopPid(pid, graceMs = 15000) {
  if (!pid || !isAlive(pid)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    // A child of ours stays a zombie until reaped; Node reaps it and fires 'exit'.
    const rec = started.get(pid);
    if (rec ? rec.child.exitCode !== null || rec.child.signalCode !== null : !isAlive(pid)) return;
    await sleep(50);
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

export async function stopAllStarted() {
  for (const [pid] of [...started].reverse()) await stopPid(pid, 5000);
}

export function procStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const x = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(x[1]), ticks: Number(x[11]) + Number(x[12]) + Number(x[13]) + Number(x[14]), rss: Number(x[21]) * PAGE };
  } catch { return null; }
}

function allProcs() {
  const t = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = procStat(d);
    if (st) t.set(Number(d), st);
  }
  return t;
}

/** PIDs of the trees rooted at `roots` (children, grandchildren…). */
export function treeMembers(roots, table = allProcs()) {
  const kids = new Map();
  for (const [pid, v] of table) { if (!kids.has(v.ppid)) kids.set(v.ppid, []); kids.get(v.ppid).push(pid); }
  const out = [], stack = [...roots];
  while (stack.length) {
    const p = stack.pop();
    if (!table.has(p)) continue;
    out.push(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return out;
}

/** CPU seconds used by the trees (exited children are in their parent's cutime/cstime). */
export function treeCpuTicks(roots, table = allProcs()) {
  return treeMembers(roots, table).reduce((sum, p) => sum + table.get(p).ticks, 0);
}

/** Whole-machine busy and total ticks (all CPUs) from /proc/stat. */
export function systemTicks() {
  const v = readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total, busy: total - v[3] - v[4] };
}

/** Flush requests completed by the real block devices (each fsync/fdatasync that reaches the disk). */
export function diskFlushes() {
  let n = 0;
  for (const d of readdirSync('/sys/block')) {
    if (/^(loop|ram|zram|dm-|md)/.test(d)) continue;
    try { n += Number(readFileSync(`/sys/block/${d}/stat`, 'latin1').trim().split(/\s+/)[14] ?? 0); } catch { /* no stat */ }
  }
  return n;
}

export function loadAvg() {
  return readFileSync('/proc/loadavg', 'latin1').split(' ').slice(0, 3).join(' ');
}

/** Per-thread CPU ticks of one process, summed by thread name (main JS thread, libuv workers, GC…). */
export function threadTicks(pid) {
  const out = {};
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
        const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
        const x = s.slice(s.lastIndexOf(')') + 2).split(' ');
        const name = Number(tid) === pid ? 'main (JS, sqlite, TLS)' : comm.replace(/\d+$/, '').trim();
        out[name] = (out[name] ?? 0) + Number(x[11]) + Number(x[12]);
      } catch { /* thread gone */ }
    }
  } catch { /* process gone */ }
  return out;
}

function pssOf(pid) {
  try { return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'))[1]) * 1024; } catch { return 0; }
}

/** [user, system] CPU ticks of one process (all its threads). */
export function userSys(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const x = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return [Number(x[11]), Number(x[12])];
  } catch { return [0, 0]; }
}

export function vmHwm(pid) {
  try { return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))[1]) * 1024; } catch { return 0; }
}
export function resetHwm(pid) {
  try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); return true; } catch { return false; }
}

/**
 * Samples CPU and RSS of the process trees rooted at `roots` while a run is in flight.
 * stop() returns { cpu_s, peak_rss } (peak of the summed RSS of the trees).
 */
export function startSampler(roots, intervalMs = 200) {
  const t0 = allProcs();
  const cpu0 = treeCpuTicks(roots, t0);
  const sys0 = systemTicks();
  const fl0 = diskFlushes();
  let peak = 0, peakPss = 0, n = 0;
  const sample = (t = allProcs()) => {
    const members = treeMembers(roots, t);
    const rss = members.reduce((s, p) => s + t.get(p).rss, 0);
    if (rss > peak) peak = rss;
    // PSS (shared pages split between sharers): the fair sum for multi-process servers like Postfix.
    if (n++ % 5 === 0) { const pss = members.reduce((s, p) => s + pssOf(p), 0); if (pss > peakPss) peakPss = pss; }
  };
  sample(t0);
  const timer = setInterval(() => sample(), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const t1 = allProcs();
      sample(t1);
      const sys1 = systemTicks();
      return {
        cpu_s: (treeCpuTicks(roots, t1) - cpu0) / CLK,
        peak_rss: peak,
        peak_pss: peakPss,
        disk_flushes: diskFlushes() - fl0,
        sys_busy_s: (sys1.busy - sys0.busy) / CLK,
        sys_util_pct: Math.round((1000 * (sys1.busy - sys0.busy)) / Math.max(1, sys1.total - sys0.total)) / 10,
      };
    },
  };
}

export { CLK };

/** A free loopback TCP port (bound and released; the bench starts its listeners right after). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export async function waitPort(port, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise((r) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
}
