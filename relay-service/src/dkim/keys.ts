import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export type DkimAlgorithm = 'rsa' | 'ed25519';

export interface DkimKeyPair {
  algorithm: DkimAlgorithm;
  /** PKCS#8 PEM, the form the signer and the key store take. */
  privateKeyPem: string;
  /** The `p=` value of the DNS record. */
  publicKey: string;
}

/** RFC 8301 asks for at least 1024 bits and recommends 2048; larger keys outgrow many DNS panels. */
const RSA_MODULUS_BITS = 2048;

export function generateDkimKeyPair(algorithm: DkimAlgorithm): DkimKeyPair {
  const { privateKey, publicKey } =
    algorithm === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: RSA_MODULUS_BITS })
      : generateKeyPairSync('ed25519');
  return {
    algorithm,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: dnsPublicKey(publicKey, algorithm),
  };
}

/**
 * RSA publishes the DER SubjectPublicKeyInfo (RFC 6376 section 3.6.1); Ed25519 publishes
 * the bare 32-byte key, not an SPKI (RFC 8463 section 4.2), which is the JWK `x` value.
 */
function dnsPublicKey(publicKey: KeyObject, algorithm: DkimAlgorithm): string {
  if (algorithm === 'rsa') return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (!x) throw new Error('Ed25519 public key has no x coordinate');
  return Buffer.from(x, 'base64url').toString('base64');
}

/**
 * Reads an operator-supplied private key (PKCS#8 or PKCS#1 PEM), checks that it matches the
 * algorithm claimed for it, and returns it normalised to PKCS#8 with its DNS public key.
 * Throws with a message fit for the API answer when it does not.
 */
export function importDkimPrivateKey(pem: string, algorithm: DkimAlgorithm): DkimKeyPair {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error('private_key_pem is not a readable PEM private key');
  }
  if (privateKey.asymmetricKeyType !== algorithm) {
    throw new Error(`private_key_pem is a ${privateKey.asymmetricKeyType ?? 'unknown'} key, not ${algorithm}`);
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength;
  if (algorithm === 'rsa' && (bits === undefined || bits < 1024)) {
    throw new Error('private_key_pem is an RSA key shorter than 1024 bits, which verifiers reject (RFC 8301)');
  }
  return {
    algorithm,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: dnsPublicKey(createPublicKey(privateKey), algorithm),
  };
}

export interface DkimDnsRecord {
  name: string;
  type: 'TXT';
  value: string;
}

export function dkimDnsRecord(domain: string, selector: string, algorithm: DkimAlgorithm, publicKey: string): DkimDnsRecord {
  return {
    name: `${selector}._domainkey.${domain}`,
    type: 'TXT',
    value: `v=DKIM1; k=${algorithm}; p=${publicKey}`,
  };
}

/**
 * A TXT record holds strings of at most 255 octets; an RSA-2048 value is longer, so zone
 * files and DNS servers need it as several strings, which verifiers concatenate.
 */
export function splitTxtValue(value: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(value.slice(i, i + 255));
  return parts;
}

/** A selector that names the algorithm and the month, e.g. `rpr202611` / `rpe202611`: readable in DNS, new each rotation month. */
export function defaultSelector(algorithm: DkimAlgorithm, now = Date.now()): string {
  return `rp${algorithm === 'rsa' ? 'r' : 'e'}${new Date(now).toISOString().slice(0, 7).replace('-', '')}`;
}
