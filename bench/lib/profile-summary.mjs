#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (node --cpu-prof): self time by function and by component
// (a node_modules package, a relay-service/src folder, Node internals, GC, idle).
//   node profile-summary.mjs relay.cpuprofile [top=20]
import { readFileSync } from 'node:fs';

export function summarizeProfile(file, top = 20) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
  }
  const component = (cf) => {
    const u = cf.url || '';
    if (!u) return cf.functionName.startsWith('(') ? cf.functionName : '(native/builtin)';
    let m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
    if (m) return m[1];
    m = /relay-service\/src\/([^/]+)/.exec(u);
    if (m) return `relay:${m[1].replace(/\.ts$/, '')}`;
    if (u.startsWith('node:')) return u.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/');
    return u.split('/').slice(-2).join('/');
  };
  const fns = new Map(), comps = new Map();
  let total = 0, idle = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    total += us;
    if (cf.functionName === '(idle)') { idle += us; continue; }
    const where = cf.url ? `${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const c = component(cf);
    comps.set(c, (comps.get(c) ?? 0) + us);
  }
  const busy = total - idle;
  const fmt = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, us]) => ({ what: k, ms: Math.round(us / 1000), pct_busy: Math.round((1000 * us) / Math.max(1, busy)) / 10 }));
  return { wall_s: Math.round(total / 1e4) / 100, main_thread_busy_s: Math.round(busy / 1e4) / 100, components: fmt(comps), functions: fmt(fns) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = summarizeProfile(process.argv[2], Number(process.argv[3] ?? 20));
  console.log(`profile: ${s.wall_s} s recorded, main JS thread busy ${s.main_thread_busy_s} s`);
  console.log('self time by component:');
  for (const r of s.components) console.log(`  ${String(r.pct_busy).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.what}`);
  console.log('self time by function:');
  for (const r of s.functions) console.log(`  ${String(r.pct_busy).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.what}`);
}
