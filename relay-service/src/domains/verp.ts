import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * VERP envelope senders on a domain's return path: `b-<message id>-<mac>@rp.shop.example`.
 * Bounces come back to that address, which names the message they are about; the MAC (an
 * HMAC under a key derived from RELAY_SECRET_KEY) lets the inbound side drop forged bounces
 * for messages the relay never sent without a database lookup. Lower-case hex and base32
 * only, because some MTAs change the case of local parts.
 */
export interface Verp {
  address(messageId: string, returnPathHost: string): string;
  /** The message id named by a VERP address whose MAC checks, or null. */
  parse(address: string): { messageId: string; host: string } | null;
}

const ID_PREFIX = 'msg_';
const MAC_CHARS = 12;
const LOCAL_PART = /^b-([0-9a-z]{10,40})-([0-9a-f]{12})$/;

export function createVerp(key: Buffer): Verp {
  const mac = (messageId: string) => createHmac('sha256', key).update(messageId).digest('hex').slice(0, MAC_CHARS);
  return {
    address(messageId, returnPathHost) {
      const bare = messageId.startsWith(ID_PREFIX) ? messageId.slice(ID_PREFIX.length) : messageId;
      return `b-${bare}-${mac(messageId)}@${returnPathHost}`;
    },
    parse(address) {
      const at = address.lastIndexOf('@');
      if (at <= 0) return null;
      const match = LOCAL_PART.exec(address.slice(0, at).toLowerCase());
      if (!match) return null;
      const messageId = `${ID_PREFIX}${match[1]}`;
      const expected = Buffer.from(mac(messageId));
      const given = Buffer.from(match[2]!);
      if (!timingSafeEqual(expected, given)) return null;
      return { messageId, host: address.slice(at + 1).toLowerCase() };
    },
  };
}
