import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP networks in CIDR notation: parsing with exact errors, containment and overlap. Kept
 * as bytes rather than node:net's BlockList because an operator needs to hear *why* a
 * network was refused (host bits set, too broad) and overlaps must be detected both ways.
 */
export interface Cidr {
  /** Canonical text, e.g. `10.0.0.0/8` or `2001:db8::/32`. */
  text: string;
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; message: string };

/** The broadest networks accepted: wider ones are "the internet", never a trusted client network. */
export const MIN_PREFIX = { 4: 8, 6: 32 } as const;

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`, what a dual-stack listener reports) as plain IPv4. */
export function unmapIPv4(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

function ipv4Bytes(address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  // A trailing dotted quad (::ffff:1.2.3.4) is two more 16-bit groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const b = ipv4Bytes(tail);
    text = `${text.slice(0, lastColon + 1)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

/** Bytes of an IP address, or null when it is not one. */
export function addressBytes(address: string): Uint8Array | null {
  const plain = unmapIPv4(address);
  if (isIPv4(plain)) return ipv4Bytes(plain);
  if (isIPv6(plain)) return ipv6Bytes(plain);
  return null;
}

function formatBytes(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952: compress the longest run (≥ 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function prefixMatches(network: Uint8Array, prefix: number, address: Uint8Array): boolean {
  const full = prefix >> 3;
  for (let i = 0; i < full; i++) if (network[i] !== address[i]) return false;
  const bits = prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (network[full]! & mask) === (address[full]! & mask);
}

function hostBitsSet(bytes: Uint8Array, prefix: number): boolean {
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) return true;
  }
  return false;
}

function masked(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let bit = prefix; bit < out.length * 8; bit++) out[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return out;
}

/**
 * `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128). Host bits must be
 * zero (`10.1.2.3/8` is refused with the network it probably meant), and the prefix at
 * least MIN_PREFIX long.
 */
export function parseCidr(input: string): CidrParse {
  const text = input.trim();
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const bytes = addressBytes(addressText);
  if (!bytes || addressText !== unmapIPv4(addressText)) {
    return { ok: false, message: `"${addressText}" is not an IPv4 or IPv6 address` };
  }
  const family = bytes.length === 4 ? 4 : 6;
  const maxPrefix = bytes.length * 8;
  let prefix = maxPrefix;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) {
      return { ok: false, message: `the prefix length must be a number from 0 to ${maxPrefix}` };
    }
    prefix = Number(prefixText);
  }
  if (prefix < MIN_PREFIX[family]) {
    return { ok: false, message: `/${prefix} is too broad; an IPv${family} network must be /${MIN_PREFIX[family]} or narrower` };
  }
  if (hostBitsSet(bytes, prefix)) {
    return { ok: false, message: `host bits are set; did you mean ${formatBytes(masked(bytes, prefix))}/${prefix}?` };
  }
  return { ok: true, cidr: { text: `${formatBytes(bytes)}/${prefix}`, family, bytes, prefix } };
}

/** Whether `address` (any textual IP, IPv4-mapped included) lies in the network. */
export function cidrContains(cidr: Cidr, address: string): boolean {
  const bytes = addressBytes(address);
  return bytes !== null && bytes.length === cidr.bytes.length && prefixMatches(cidr.bytes, cidr.prefix, bytes);
}

/** Two networks overlap exactly when the broader one contains the narrower one's network address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const [broad, narrow] = a.prefix <= b.prefix ? [a, b] : [b, a];
  return prefixMatches(broad.bytes, broad.prefix, narrow.bytes);
}
