import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `RelayPress-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
 * (docs/webhooks.md). The timestamp is inside the MAC, so a receiver that refuses old
 * timestamps cannot be fed a recorded delivery again later.
 */
export const SIGNATURE_HEADER = 'RelayPress-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

function mac(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export function signatureHeader(secret: string, body: string | Buffer, nowMs = Date.now()): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${mac(secret, t, body)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'malformed' | 'mismatch' | 'expired' };

/** A receiver's check (what the plugin does in PHP; used here by tests and by anyone in Node). */
export function verifySignature(header: string | undefined, secret: string, body: string | Buffer, nowMs = Date.now(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): SignatureCheck {
  if (!header) return { ok: false, reason: 'malformed' };
  const parts = header.split(',').map((p) => p.trim().split('=') as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const given = parts.filter(([k, v]) => k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => Buffer.from(v!, 'hex'));
  if (!Number.isInteger(t) || given.length === 0) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, t, body), 'hex');
  if (!given.some((g) => timingSafeEqual(g, expected))) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds) return { ok: false, reason: 'expired' };
  return { ok: true };
}
