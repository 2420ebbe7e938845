import { domainToASCII } from 'node:url';
import addressparser from 'nodemailer/lib/addressparser';
import { DkimSigner, type ParsedHeaders } from 'mailauth/lib/dkim/dkim-signer.js';
import type { DKIMSignOptions } from 'mailauth';
import type { DkimAlgorithm } from './keys.ts';

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

function headerSection(raw: Buffer): string {
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

/**
 * Over-signing: RFC 6376 section 5.4.2 lets h= name a field once more than it occurs; the
 * extra name matches no field when signing, so a From added after signing fills that slot
 * and breaks the signature. mailauth builds h= from the fields it finds, so the top-most
 * From field (the last one it lists) gets a second name; it is hashed only once, which is
 * what a verifier does for a name with no field left to match.
 */
function overSignFrom(headers: ParsedHeaders): void {
  const topFrom = headers.parsed.find((field) => field.key === 'from');
  if (topFrom) topFrom.casedKey = `${topFrom.casedKey}: From`;
}

function signedFieldNames(signatureHeader: string): string[] {
  const tag = /(?:^|;)\s*h\s*=([^;]*)/.exec(signatureHeader.replace(/^DKIM-Signature:/i, '').replace(/\r?\n/g, ''));
  return tag ? tag[1]!.split(':').map((name) => name.trim().toLowerCase()) : [];
}

async function createSignatureHeaders(raw: Buffer, keys: DkimKey[], now: Date | undefined): Promise<string[]> {
  const signatureData: DKIMSignOptions[] = keys.map((key) => ({
    signingDomain: key.domain,
    selector: key.selector,
    privateKey: key.privateKeyPem,
    algorithm: key.algorithm === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256',
  }));
  const signer = new DkimSigner({
    signingDomain: keys[0]!.domain,
    selector: keys[0]!.selector,
    privateKey: keys[0]!.privateKeyPem,
    signatureData,
    canonicalization: 'relaxed/relaxed',
    headerList: [...SIGNED_HEADER_FIELDS],
    strict: true,
    ...(now ? { signTime: now } : {}),
  });
  const parseHeaders = signer.messageHeaders.bind(signer);
  signer.messageHeaders = async (headers) => {
    overSignFrom(headers);
    return parseHeaders(headers);
  };

  await new Promise<void>((resolve, reject) => {
    signer.once('finish', resolve);
    signer.once('error', reject);
    signer.end(raw);
  });

  if (signer.errors.length > 0) {
    throw new DkimSignError(`DKIM signing failed: ${signer.errors.map((e) => `${e.selector ?? '?'}: ${e.err.message}`).join('; ')}`);
  }
  return signer.signatureHeaders;
}

/**
 * Signs a message with each key (typically RSA, optionally Ed25519 as a second signature,
 * RFC 8463) and returns it with the DKIM-Signature fields prepended.
 * The keys must belong to the From domain or a parent of it, so the signature aligns for
 * DMARC. No keys means the domain has none yet; the message is returned unsigned.
 */
export async function signMessage(raw: Buffer, keys: DkimKey[], opts: { now?: Date } = {}): Promise<Buffer> {
  if (keys.length === 0) return raw;
  const fromDomain = headerFromDomain(raw);
  if (!fromDomain) throw new DkimSignError('DKIM signing needs exactly one From field with one address');
  for (const key of keys) {
    if (!isSameOrSubdomain(fromDomain, domainToASCII(key.domain).toLowerCase())) {
      throw new DkimSignError(`DKIM key for ${key.domain} does not align with the From domain ${fromDomain}`);
    }
  }

  const signatures = await createSignatureHeaders(raw, keys, opts.now);
  // The over-signing relies on how mailauth builds h=; an upgrade that changes that must
  // fail here instead of silently producing signatures a forged From would not break.
  for (const signature of signatures) {
    if (signedFieldNames(signature).filter((name) => name === 'from').length !== 2) {
      throw new DkimSignError('DKIM signature does not over-sign From; check the mailauth version');
    }
  }
  return Buffer.concat([Buffer.from(signatures.map((s) => `${s}\r\n`).join(''), 'latin1'), raw]);
}

/** The signing step of the acceptance pipeline: looks up the keys of the From domain itself. */
export function createDkimSigner(resolveKeys: (domain: string) => Promise<DkimKey[]>): (raw: Buffer) => Promise<Buffer> {
  return async (raw) => {
    const domain = headerFromDomain(raw);
    if (!domain) throw new DkimSignError('DKIM signing needs exactly one From field with one address');
    return signMessage(raw, await resolveKeys(domain));
  };
}
