import { isIP } from 'node:net';

import type { DnsResolver, DnsResult } from '../dns/resolver.ts';
import type { DeliveryAction } from './types.ts';

/** One host to try, in order. `port` is set only by a static route; otherwise the MX port applies. */
export interface MxHost {
  host: string;
  priority: number;
  addresses: string[];
  port?: number;
}

export type MxLookup =
  | { ok: true; source: 'mx' | 'implicit' | 'route'; hosts: MxHost[] }
  | { ok: false; action: Exclude<DeliveryAction, 'delivered'>; category: string; message: string };

export interface StaticRoute {
  host: string;
  port: number;
}

/** `domain` → route; the key `*` is the smarthost every other domain goes through. */
export type RouteTable = Map<string, StaticRoute>;

export interface MxLookupOptions {
  routes?: RouteTable;
  cache?: MxCache;
  /** Injectable for tests that check tie shuffling; defaults to Math.random. */
  random?: () => number;
}

/**
 * Parses RELAY_ROUTES: `example.com=127.0.0.1:2525,*=[::1]:2526`. Throws with the offending
 * entry, since it runs once at start where a clear error beats a silent misroute.
 */
export function parseRoutes(text: string | string[]): RouteTable {
  const entries = Array.isArray(text) ? text : text.split(',');
  const table: RouteTable = new Map();
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = /^([^=\s]+)=(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[4]);
    if (!match || port < 1 || port > 65535) {
      throw new Error(`RELAY_ROUTES entry "${entry}" is not domain=host:port (use * for a smarthost)`);
    }
    table.set(match[1]!.toLowerCase(), { host: (match[2] ?? match[3])!, port });
  }
  return table;
}

export function routeFor(routes: RouteTable | undefined, domain: string): StaticRoute | undefined {
  return routes?.get(domain.toLowerCase()) ?? routes?.get('*');
}

/** Fisher–Yates within each run of equal preference (RFC 5321 §5.1: ties in random order). */
export function shuffleEqualPriorities<T extends { priority: number }>(sorted: T[], random: () => number = Math.random): T[] {
  const out = [...sorted];
  let start = 0;
  while (start < out.length) {
    let end = start + 1;
    while (end < out.length && out[end]!.priority === out[start]!.priority) end++;
    for (let i = end - 1; i > start; i--) {
      const j = start + Math.floor(random() * (i - start + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    start = end;
  }
  return out;
}

export interface MxCache {
  get(domain: string): MxLookup | undefined;
  set(domain: string, lookup: MxLookup): void;
  clear(): void;
}

/**
 * Caches answers per domain for a fixed TTL (node's resolveMx does not report record TTLs).
 * Deferrals are not cached: a SERVFAIL should be asked again on the next attempt.
 */
export function createMxCache(options: { ttlMs?: number; now?: () => number } = {}): MxCache {
  const ttlMs = options.ttlMs ?? 300_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { lookup: MxLookup; expiresAt: number }>();
  return {
    get(domain) {
      const entry = entries.get(domain);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(domain);
        return undefined;
      }
      return entry.lookup;
    },
    set(domain, lookup) {
      if (!lookup.ok && lookup.action === 'deferred') return;
      entries.set(domain, { lookup, expiresAt: now() + ttlMs });
    },
    clear: () => entries.clear(),
  };
}

async function resolveAddresses(resolver: DnsResolver, host: string): Promise<{ addresses: string[]; temporary: boolean }> {
  if (isIP(host)) return { addresses: [host], temporary: false };
  const [v4, v6] = await Promise.all([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [...valueOr(v4), ...valueOr(v6)];
  const temporary = [v4, v6].some((r) => !r.ok && r.error.code === 'servfail');
  // IPv4 first: many senders have no working IPv6 route, and a dead family costs a timeout.
  return { addresses, temporary };
}

function valueOr(result: DnsResult<string[]>): string[] {
  return result.ok ? result.value : [];
}

async function withAddresses(resolver: DnsResolver, hosts: Omit<MxHost, 'addresses'>[], domain: string, source: 'mx' | 'implicit' | 'route'): Promise<MxLookup> {
  const resolved = await Promise.all(hosts.map(async (h) => ({ ...h, ...(await resolveAddresses(resolver, h.host)) })));
  const usable = resolved.filter((h) => h.addresses.length > 0).map(({ temporary: _t, ...h }) => h);
  if (usable.length > 0) return { ok: true, source, hosts: usable };
  if (resolved.some((h) => h.temporary)) {
    return { ok: false, action: 'deferred', category: 'dns', message: `Temporary DNS failure resolving the mail hosts of ${domain}` };
  }
  return { ok: false, action: 'bounced', category: 'no_address', message: `No mail host of ${domain} has an address (A/AAAA)` };
}

async function lookupUncached(domain: string, resolver: DnsResolver): Promise<MxLookup> {
  const mx = await resolver.resolveMx(domain);
  if (!mx.ok) {
    if (mx.error.code === 'nxdomain') {
      return { ok: false, action: 'bounced', category: 'domain_unknown', message: `Domain ${domain} does not exist (NXDOMAIN)` };
    }
    if (mx.error.code === 'servfail') {
      return { ok: false, action: 'deferred', category: 'dns', message: `Temporary DNS failure looking up MX of ${domain} (${mx.error.cause})` };
    }
    // RFC 5321 §5.1: no MX records means the domain itself is the implicit MX, preference 0.
    return withAddresses(resolver, [{ host: domain, priority: 0 }], domain, 'implicit');
  }
  const records = mx.value.map((r) => ({ host: r.exchange.replace(/\.$/, '').toLowerCase(), priority: r.priority }));
  // RFC 7505: a single MX whose exchange is "." says the domain accepts no mail at all.
  if (records.length === 1 && records[0]!.host === '') {
    return { ok: false, action: 'bounced', category: 'null_mx', message: `Domain ${domain} does not accept mail (null MX, RFC 7505)` };
  }
  if (records.length === 0) return withAddresses(resolver, [{ host: domain, priority: 0 }], domain, 'implicit');
  const sorted = records.filter((r) => r.host !== '').sort((a, b) => a.priority - b.priority);
  return withAddresses(resolver, sorted, domain, 'mx');
}

/**
 * The ordered hosts that receive mail for `domain` (RFC 5321 §5.1), or why there are none:
 * permanent (`bounced`) for NXDOMAIN, null MX and hosts without addresses; `deferred` when
 * DNS could not answer. A static route skips MX lookup altogether.
 */
export async function resolveMxHosts(domain: string, resolver: DnsResolver, options: MxLookupOptions = {}): Promise<MxLookup> {
  const name = domain.toLowerCase();
  const route = routeFor(options.routes, name);
  if (route) {
    const routed = await withAddresses(resolver, [{ host: route.host, priority: 0, port: route.port }], name, 'route');
    return routed.ok ? { ...routed, hosts: routed.hosts.map((h) => ({ ...h, port: route.port })) } : routed;
  }
  let lookup = options.cache?.get(name);
  if (!lookup) {
    lookup = await lookupUncached(name, resolver);
    options.cache?.set(name, lookup);
  }
  // Shuffle on every read, so cached answers still spread load across equal-preference hosts.
  return lookup.ok ? { ...lookup, hosts: shuffleEqualPriorities(lookup.hosts, options.random) } : lookup;
}
