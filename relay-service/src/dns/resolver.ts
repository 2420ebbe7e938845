import { Resolver } from 'node:dns/promises';

/**
 * How a lookup failed, reduced to what delivery decides on:
 *
 * | Node code                                    | DnsErrorCode | meaning for delivery                 |
 * |----------------------------------------------|--------------|--------------------------------------|
 * | ENOTFOUND (NXDOMAIN)                         | `nxdomain`   | the name does not exist: permanent   |
 * | ENODATA (NOERROR, no record of that type)    | `nodata`     | name exists, type absent: fall back  |
 * | ESERVFAIL, EREFUSED, ECONNREFUSED, ETIMEOUT, | `servfail`   | the answer is unknown: try later     |
 * | anything else                                |              |                                      |
 *
 * Everything unknown counts as `servfail` on purpose: an error we cannot read must defer,
 * never bounce, or a resolver hiccup would turn into lost mail.
 */
export type DnsErrorCode = 'nxdomain' | 'nodata' | 'servfail';

export interface DnsError {
  code: DnsErrorCode;
  /** The Node error code the answer came with (ETIMEOUT, EREFUSED, ...), for logs. */
  cause: string;
  name: string;
}

export type DnsResult<T> = { ok: true; value: T } | { ok: false; error: DnsError };

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface DnsResolver {
  resolveMx(name: string): Promise<DnsResult<MxRecord[]>>;
  resolve4(name: string): Promise<DnsResult<string[]>>;
  resolve6(name: string): Promise<DnsResult<string[]>>;
  /** Each TXT record with its character-strings joined, as SPF/DKIM/DMARC readers want them. */
  resolveTxt(name: string): Promise<DnsResult<string[]>>;
  resolveCname(name: string): Promise<DnsResult<string[]>>;
}

export interface DnsResolverOptions {
  /** Per-try timeout in milliseconds. */
  timeoutMs?: number;
  /** Tries per server before giving up. */
  tries?: number;
}

const NODE_CODE_TO_DNS_CODE: Record<string, DnsErrorCode> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'nodata',
  ESERVFAIL: 'servfail',
  EREFUSED: 'servfail',
  ECONNREFUSED: 'servfail',
  ETIMEOUT: 'servfail',
};

export function toDnsError(err: unknown, name: string): DnsError {
  const cause = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'EUNKNOWN';
  return { code: NODE_CODE_TO_DNS_CODE[cause] ?? 'servfail', cause, name };
}

async function settle<T>(name: string, lookup: () => Promise<T>): Promise<DnsResult<T>> {
  try {
    return { ok: true, value: await lookup() };
  } catch (err) {
    return { ok: false, error: toDnsError(err, name) };
  }
}

/**
 * A resolver on `node:dns/promises` that never throws. `servers` are `ip` or `ip:port`
 * (what RELAY_DNS_SERVERS holds, so tests can point delivery at their own DNS server);
 * empty keeps the system resolvers.
 */
export function createDnsResolver(servers: string[] = [], options: DnsResolverOptions = {}): DnsResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: options.tries ?? 2 });
  if (servers.length > 0) resolver.setServers(servers);
  return {
    resolveMx: (name) => settle(name, async () => (await resolver.resolveMx(name)).map(({ exchange, priority }) => ({ exchange, priority }))),
    resolve4: (name) => settle(name, () => resolver.resolve4(name)),
    resolve6: (name) => settle(name, () => resolver.resolve6(name)),
    resolveTxt: (name) => settle(name, async () => (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''))),
    resolveCname: (name) => settle(name, () => resolver.resolveCname(name)),
  };
}
