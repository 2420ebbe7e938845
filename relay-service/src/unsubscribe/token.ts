import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The secret part of an unsubscribe link: `<recipient row id>.<MAC>`, the MAC an HMAC-SHA256
 * of the row id under a key derived from RELAY_SECRET_KEY, cut to 128 bits, base64url. The
 * link is the only credential the one-click POST carries (no cookie, no login), so a token
 * that does not check is refused before the database is asked anything.
 */
export interface UnsubscribeTokens {
  create(recipientId: string): string;
  /** The recipient row id a well-formed token with a valid MAC names, or null. */
  parse(token: string): string | null;
}

const MAC_BYTES = 16;
// Row ids are `rcpt_` + base32 (ids.ts); anything else is refused without computing a MAC.
const TOKEN = /^(rcpt_[0-9a-z]{10,40})\.([A-Za-z0-9_-]{22})$/;

export function createUnsubscribeTokens(key: Buffer): UnsubscribeTokens {
  const mac = (recipientId: string) => createHmac('sha256', key).update(recipientId).digest().subarray(0, MAC_BYTES);
  return {
    create(recipientId) {
      return `${recipientId}.${mac(recipientId).toString('base64url')}`;
    },
    parse(token) {
      const match = TOKEN.exec(token);
      if (!match) return null;
      const given = Buffer.from(match[2]!, 'base64url');
      // 22 base64url characters carry 132 bits; the last 4 must be zero, or the text has a second spelling.
      if (given.length !== MAC_BYTES || given.toString('base64url') !== match[2]) return null;
      return timingSafeEqual(mac(match[1]!), given) ? match[1]! : null;
    },
  };
}
