import { randomBytes, randomFillSync } from 'node:crypto';

// Crockford base32 without I, L, O, U: ids stay readable when read aloud or copied.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encodeTime(ms: number, length: number): string {
  let out = '';
  let value = ms;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

// Several ids per message: drawing random bytes from the CSPRNG a page at a time instead
// of one call per id. Ids are identifiers, not secrets (those come from newSecret), so
// holding unused random bytes in memory costs nothing.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function encodeRandom(length: number): string {
  if (poolOffset + length > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[pool[poolOffset + i]! % 32];
  poolOffset += length;
  return out;
}

/**
 * A prefixed, time-ordered id (`msg_01h...`). The time part sorts lexicographically in
 * creation order, which is what cursor pagination on `id` relies on; 16 random characters
 * (80 bits) make collisions between relay instances irrelevant.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  return `${prefix}_${encodeTime(now, 10)}${encodeRandom(16)}`;
}

/**
 * The smallest possible id of `prefix` made at `ms`: every id made earlier sorts below it,
 * so "older than" becomes a primary-key range instead of a scan of created_at.
 */
export function idBoundary(prefix: string, ms: number): string {
  return `${prefix}_${encodeTime(ms, 10)}`;
}

/** A random secret of `bytes` bytes, base64url, for tokens and passwords shown once. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * A password people paste into mail clients and command lines: a secret that starts with a
 * letter or digit, because tools with getopt-style parsing (swaks among them, even as
 * `--auth-password=…`) take a value that starts with "-" for an option. Drawing again keeps
 * every other character as random as newSecret's.
 */
export function newPassword(bytes = 24): string {
  for (;;) {
    const password = newSecret(bytes);
    if (/^[A-Za-z0-9]/.test(password)) return password;
  }
}
