import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Encrypts secrets the relay must be able to read back (DKIM private keys) with
 * AES-256-GCM. Stored form: `v1.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export interface Keyring {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** A 32-byte key for one purpose (HKDF-SHA256), so one secret never serves two uses. */
  deriveKey(purpose: string): Buffer;
}

export function createKeyring(key: Buffer): Keyring {
  if (key.length !== 32) throw new Error('RELAY_SECRET_KEY must decode to exactly 32 bytes');
  return {
    deriveKey(purpose) {
      return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `relaypress ${purpose}`, 32));
    },
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    decrypt(stored) {
      const [version, iv, tag, ct] = stored.split('.');
      if (version !== 'v1' || !iv || !tag || ct === undefined) throw new Error('not an encrypted secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

export function decodeSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  return /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
}

/** The configured key, or one generated once into the data folder (mode 0600). */
export function loadOrCreateSecretKey(configured: string | undefined, dataDir: string): { key: Buffer; generated: boolean } {
  if (configured) return { key: decodeSecretKey(configured), generated: false };
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return { key: decodeSecretKey(readFileSync(file, 'utf8')), generated: false };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, generated: true };
}
