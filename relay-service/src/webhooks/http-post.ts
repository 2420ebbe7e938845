import http from 'node:http';
import https from 'node:https';
import { lookup } from 'node:dns/promises';
import net, { isIP } from 'node:net';
import { outboundAllowed } from '../net/address-policy.ts';

/**
 * One webhook POST, safe against SSRF: the URL's host is resolved here, every address it
 * resolves to must be allowed (net/address-policy.ts), and the connection goes to the
 * address that was checked (the socket's lookup is pinned), so a DNS answer that changes
 * between check and connect (rebinding) cannot redirect it. Redirects are never followed;
 * the response body is read only up to a few KB, and the whole exchange has one deadline.
 */

export interface PostOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  /** Resolver (tests point it at fixed answers); defaults to the system's. */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
}

export interface PostResult {
  /** A 2xx arrived in time. */
  ok: boolean;
  statusCode: number | null;
  /** Why it failed, in words for the delivery history. */
  error: string | null;
  /** The first bytes of the response, for the history. */
  responseExcerpt: string | null;
  durationMs: number;
}

const MAX_EXCERPT = 1024;

export type TargetCheck = { ok: true; url: URL; address: string; family: number } | { ok: false; reason: string };

/** Whether a webhook URL may be used, and the address to connect to. Checked at registration and at every attempt. */
export async function checkTarget(text: string, options: Pick<PostOptions, 'allowPrivate' | 'resolve'>): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'must be an http:// or https:// URL' };
  if (url.username || url.password) return { ok: false, reason: 'must not contain a user name or password' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await (options.resolve ?? ((h) => lookup(h, { all: true, verbatim: true })))(host);
    } catch (err) {
      return { ok: false, reason: `host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
    if (addresses.length === 0) return { ok: false, reason: `host ${host} does not resolve` };
  }
  // Every answer must be allowed: a name that resolves to a public and a private address
  // would otherwise reach the private one whenever the client happened to pick it.
  for (const a of addresses) {
    const verdict = outboundAllowed(a.address, { allowPrivate: options.allowPrivate });
    if (!verdict.ok) return { ok: false, reason: `resolves to ${verdict.reason}` };
  }
  return { ok: true, url, address: addresses[0]!.address, family: addresses[0]!.family };
}

export async function postWebhook(urlText: string, body: string, headers: Record<string, string>, options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const done = (partial: Omit<PostResult, 'durationMs'>): PostResult => ({ ...partial, durationMs: Math.round(performance.now() - started) });
  const target = await checkTarget(urlText, options);
  if (!target.ok) return done({ ok: false, statusCode: null, error: `refused: the URL ${target.reason}`, responseExcerpt: null });
  const { url, address, family } = target;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(result));
    };
    const request = client.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      agent: false,
      // The checked address, whatever the name resolves to by now.
      lookup: ((_host: string, opts: { all?: boolean }, callback: (err: null, address: unknown, family?: number) => void) => {
        if (opts?.all) callback(null, [{ address, family }]);
        else callback(null, address, family);
      }) as unknown as net.LookupFunction,
    }, (response) => {
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        if (length < MAX_EXCERPT) chunks.push(chunk);
        length += chunk.length;
        // Enough read to record; the rest is not the relay's business.
        if (length >= MAX_EXCERPT * 64) response.destroy();
      });
      const end = () => {
        const status = response.statusCode ?? 0;
        const excerpt = Buffer.concat(chunks).subarray(0, MAX_EXCERPT).toString('utf8');
        const ok = status >= 200 && status < 300;
        const error = ok ? null : status >= 300 && status < 400 ? `redirect (${status}) not followed` : `HTTP ${status}`;
        finish({ ok, statusCode: status, error, responseExcerpt: excerpt || null });
      };
      response.on('end', end);
      response.on('close', end);
      response.on('error', end);
    });
    const timer = setTimeout(() => {
      request.destroy();
      finish({ ok: false, statusCode: null, error: `no answer within ${options.timeoutMs} ms`, responseExcerpt: null });
    }, options.timeoutMs);
    request.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, statusCode: null, error: `${err.code ?? 'error'}: ${err.message}`, responseExcerpt: null }));
    request.end(body);
  });
}
