import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Open and click tokens: the payload (kind, message id, issue time and, for a click, the
 * URL the message contained) in base64url, a dot, and an HMAC over it. The URL travels
 * inside the signed token, so the redirect can only ever go where the message itself
 * pointed (no open redirect), and nothing has to be stored per link on the hot path.
 */
export type TrackingToken =
  | { kind: 'open'; messageId: string; issuedAt: number }
  | { kind: 'click'; messageId: string; issuedAt: number; url: string };

const MAC_BYTES = 16;

export interface TrackingTokens {
  open(messageId: string, now: number): string;
  click(messageId: string, url: string, now: number): string;
  /** The token's contents when its MAC checks, else null. Expiry is the caller's rule. */
  parse(token: string): TrackingToken | null;
}

export function createTrackingTokens(key: Buffer): TrackingTokens {
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);
  const seal = (fields: (string | number)[]) => {
    const payload = Buffer.from(JSON.stringify(fields)).toString('base64url');
    return `${payload}.${mac(payload).toString('base64url')}`;
  };
  return {
    open: (messageId, now) => seal(['o', messageId, Math.floor(now / 1000)]),
    click: (messageId, url, now) => seal(['c', messageId, Math.floor(now / 1000), url]),
    parse(token) {
      const dot = token.indexOf('.');
      if (dot <= 0 || token.length > 8192) return null;
      const payload = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(payload))) return null;
      let fields: unknown;
      try {
        fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return null;
      }
      if (!Array.isArray(fields) || typeof fields[1] !== 'string' || typeof fields[2] !== 'number') return null;
      if (fields[0] === 'o' && fields.length === 3) return { kind: 'open', messageId: fields[1], issuedAt: fields[2] * 1000 };
      if (fields[0] === 'c' && fields.length === 4 && typeof fields[3] === 'string') return { kind: 'click', messageId: fields[1], issuedAt: fields[2] * 1000, url: fields[3] };
      return null;
    },
  };
}
