import { domainToASCII } from 'node:url';
import addressparser from 'nodemailer/lib/addressparser';
import { createHash, createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { DkimAlgorithm } from './keys.ts';
import { headerFields, relaxedBody, relaxedBodyInPlace, relaxedHeader, selectSignedHeaders, type RawHeaderField } from './canonicalize.ts';

/** A key ready for signing (the store's SigningKey has the same shape). */
export interface DkimKey {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  privateKeyPem: string;
}

/**
 * The fields a signature covers when present. Trace and transport fields are left out on
 * purpose: forwarders and mailing lists rewrite them, and a signature over them breaks in
 * transit without protecting anything the recipient sees.
 */
export const SIGNED_HEADER_FIELDS: readonly string[] = [
  'From', 'Subject', 'Date', 'To', 'Cc', 'Message-ID', 'Reply-To',
  'List-Unsubscribe', 'List-Unsubscribe-Post', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding',
];

export class DkimSignError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DkimSignError';
  }
}

const HEADER_END = Buffer.from('\r\n\r\n');

function headerSection(raw: Buffer): string {
  // Only the header bytes become a string (the body can be megabytes); the regex below is
  // for the rare message whose header block does not end in CRLF CRLF.
  const crlfEnd = raw.indexOf(HEADER_END);
  if (crlfEnd !== -1) return raw.toString('latin1', 0, crlfEnd);
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

/** The unfolded values of every From field, top to bottom. */
function fromFieldValues(raw: Buffer): string[] {
  const unfolded = headerSection(raw).replace(/\r?\n(?=[ \t])/g, '');
  const values: string[] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const match = /^from[ \t]*:(.*)$/i.exec(line);
    if (match) values.push(match[1]!);
  }
  return values;
}

/**
 * The domain of the From header as a lower-case A-label, or null when the message has not
 * exactly one From field with exactly one address (RFC 5322 allows no other form that a
 * DKIM signature could be aligned with).
 */
export function headerFromDomain(raw: Buffer): string | null {
  const fields = fromFieldValues(raw);
  if (fields.length !== 1) return null;
  // Header bytes are read as latin1 above; a UTF-8 domain has to be restored before IDNA.
  const value = Buffer.from(fields[0]!, 'latin1').toString('utf8');
  const addresses = addressparser(value, { flatten: true });
  const address = addresses.length === 1 ? addresses[0]?.address : undefined;
  const at = address ? address.lastIndexOf('@') : -1;
  if (!address || at <= 0) return null;
  const domain = domainToASCII(address.slice(at + 1));
  return domain ? domain.toLowerCase() : null;
}

function isSameOrSubdomain(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}

function signedFieldNames(signatureHeader: string): string[] {
  const tag = /(?:^|;)\s*h\s*=([^;]*)/.exec(signatureHeader.replace(/^DKIM-Signature:/i, '').replace(/\r?\n/g, ''));
  return tag ? tag[1]!.split(':').map((name) => name.trim().toLowerCase()) : [];
}

// Parsing a PEM costs little, but a fresh key object loses OpenSSL's per-key precomputation
// and makes each RSA signature ~70% slower; keys are few, so keep their objects.
const keyObjects = new Map<string, KeyObject>();
function keyObject(pem: string): KeyObject {
  let key = keyObjects.get(pem);
  if (!key) {
    if (keyObjects.size >= 1000) keyObjects.delete(keyObjects.keys().next().value!);
    key = createPrivateKey(pem);
    keyObjects.set(pem, key);
  }
  return key;
}

const signAsync = promisify(cryptoSign) as (algorithm: string | null, data: Buffer, key: KeyObject) => Promise<Buffer>;

/**
 * The h= list: every present field of SIGNED_HEADER_FIELDS once per instance, and From once
 * more. Over-signing (RFC 6376 §5.4.2): the extra name matches no field when signing, so a
 * From added after signing fills that slot and breaks the signature.
 */
function headerList(fields: RawHeaderField[]): string[] {
  const counts = new Map<string, number>();
  for (const field of fields) {
    const key = field.name.trim().toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const names: string[] = [];
  for (const name of SIGNED_HEADER_FIELDS) {
    const n = counts.get(name.toLowerCase()) ?? 0;
    for (let i = 0; i < n; i++) names.push(name);
  }
  names.push('From');
  return names;
}

/** The relaxed body hash (bh=) of the body after the header block. */
function bodyHashOf(raw: Buffer, split: number): string {
  const body = split === -1 ? Buffer.alloc(0) : raw.subarray(split + 4);
  const inPlace = relaxedBodyInPlace(body);
  return (inPlace
    ? createHash('sha256').update(inPlace)
    : createHash('sha256').update(relaxedBody(body.toString('latin1')), 'latin1')).digest('base64');
}

/**
 * One DKIM-Signature per key, relaxed/relaxed (RFC 6376), rsa-sha256 or ed25519-sha256
 * (RFC 8463: Ed25519 over the SHA-256 of the data). Signing runs on libuv's thread pool,
 * so signatures of concurrent messages use every core.
 */
async function createSignatureHeaders(headerBlock: string, bodyHash: string, keys: DkimKey[], now: Date | undefined): Promise<string[]> {
  const fields = headerFields(headerBlock);
  const names = headerList(fields);
  const signedHeaders = selectSignedHeaders(fields, names);
  const time = Math.floor((now ?? new Date()).getTime() / 1000);
  const signatures = await Promise.all(keys.map(async (key) => {
    const algorithm = key.algorithm === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256';
    const tags = [
      'v=1', `a=${algorithm}`, 'c=relaxed/relaxed', `d=${domainToASCII(key.domain).toLowerCase()}`, `s=${key.selector}`,
      `t=${time}`, `h=${names.join(':')}`, `bh=${bodyHash}`,
    ];
    // The header as it will be written, with an empty b=; folded between tags, which relaxed
    // canonicalization turns back into the single space it replaced.
    const unsigned = `DKIM-Signature: ${tags.join(';\r\n ')};\r\n b=`;
    const data = Buffer.from(signedHeaders + relaxedHeader('DKIM-Signature', unsigned.slice('DKIM-Signature:'.length)), 'latin1');
    const signature = key.algorithm === 'rsa'
      ? await signAsync('sha256', data, keyObject(key.privateKeyPem))
      : await signAsync(null, createHash('sha256').update(data).digest(), keyObject(key.privateKeyPem));
    return unsigned + signature.toString('base64');
  }));
  // A signature that does not over-sign From would let a forged From pass: never emit one.
  for (const signature of signatures) {
    if (signedFieldNames(signature).filter((name) => name === 'from').length !== 2) {
      throw new DkimSignError('DKIM signature does not over-sign From');
    }
  }
  return signatures;
}

/** The keys must belong to the From domain or a parent of it, so the signature aligns for DMARC. */
function checkAlignment(raw: Buffer, keys: DkimKey[]): void {
  const fromDomain = headerFromDomain(raw);
  if (!fromDomain) throw new DkimSignError('DKIM signing needs exactly one From field with one address');
  for (const key of keys) {
    if (!isSameOrSubdomain(fromDomain, domainToASCII(key.domain).toLowerCase())) {
      throw new DkimSignError(`DKIM key for ${key.domain} does not align with the From domain ${fromDomain}`);
    }
  }
}

/**
 * Signs a message with each key (typically RSA, optionally Ed25519 as a second signature,
 * RFC 8463) and returns it with the DKIM-Signature fields prepended.
 * The keys must belong to the From domain or a parent of it, so the signature aligns for
 * DMARC. No keys means the domain has none yet; the message is returned unsigned.
 */
export async function signMessage(raw: Buffer, keys: DkimKey[], opts: { now?: Date } = {}): Promise<Buffer> {
  if (keys.length === 0) return raw;
  checkAlignment(raw, keys);
  const split = raw.indexOf(HEADER_END);
  const headerBlock = raw.toString('latin1', 0, split === -1 ? raw.length : split + 2);
  const signatures = await createSignatureHeaders(headerBlock, bodyHashOf(raw, split), keys, opts.now);
  return Buffer.concat([Buffer.from(signatures.map((s) => `${s}\r\n`).join(''), 'latin1'), raw]);
}

/**
 * Signs one message as several, each with its own header lines in front (`prefixes`, each
 * complete lines ending in CRLF, e.g. a per-recipient List-Unsubscribe): for each prefix the
 * DKIM-Signature fields followed by the prefix, so `result + raw` is that recipient's signed
 * message. The body is hashed once for all of them. No keys: the prefixes come back as they are.
 */
export async function signWithHeaderPrefixes(prefixes: string[], raw: Buffer, keys: DkimKey[], opts: { now?: Date } = {}): Promise<string[]> {
  if (keys.length === 0) return prefixes;
  checkAlignment(raw, keys);
  const split = raw.indexOf(HEADER_END);
  const headerBlock = raw.toString('latin1', 0, split === -1 ? raw.length : split + 2);
  const bodyHash = bodyHashOf(raw, split);
  return Promise.all(prefixes.map(async (prefix) => {
    const signatures = await createSignatureHeaders(prefix + headerBlock, bodyHash, keys, opts.now);
    return signatures.map((s) => `${s}\r\n`).join('') + prefix;
  }));
}

/** The signing step of the acceptance pipeline: looks up the keys of the From domain itself. */
export function createDkimSigner(resolveKeys: (domain: string) => Promise<DkimKey[]>): (raw: Buffer) => Promise<Buffer> {
  return async (raw) => {
    const domain = headerFromDomain(raw);
    if (!domain) throw new DkimSignError('DKIM signing needs exactly one From field with one address');
    return signMessage(raw, await resolveKeys(domain));
  };
}
