import { z } from 'zod';

/**
 * Building blocks shared by the request schemas: strings that end up inside a header, and
 * email addresses. Kept free of Node imports because the admin app bundles these schemas too.
 */

/**
 * Issues raised for a CR, LF or NUL carry this in `params.reason`, so formatZodError can
 * answer with the dedicated `invalid_header` code instead of a generic validation failure.
 */
export const HEADER_INJECTION = 'header_injection';

const CR_LF_NUL = /[\r\n\0]/;

/**
 * A string that is written into a header. The CR/LF/NUL check comes first so that it is the
 * first issue reported: a header injection attempt should be named as such, not as a length
 * or syntax problem.
 */
export function headerText(max: number) {
  return z
    .string()
    .refine((value) => !CR_LF_NUL.test(value), {
      message: 'must not contain CR, LF or NUL characters',
      params: { reason: HEADER_INJECTION },
    })
    .max(max, { message: `must be at most ${max} characters` });
}

/** RFC 5322 dot-atom of atext: the local parts real senders use, without quoted strings. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** Characters that can never be part of a domain, some of which URL parsing would accept. */
const NOT_IN_DOMAIN = /[\s<>()[\]\\,;:@"'/?#%\x00-\x1f\x7f]/;

const ASCII_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ASCII_HOSTNAME = new RegExp(`^(?:${ASCII_LABEL}\\.)+${ASCII_LABEL}$`);

/**
 * The A-label (punycode, lower-case) form of a domain, or null when it is not a usable mail
 * domain. WHATWG URL parsing does the IDNA mapping, which works the same in Node and in
 * browsers; the checks around it refuse what URL parsing would silently repair or reinterpret
 * (ports, paths, IPv4 literals in any notation).
 */
export function toAsciiDomain(domain: string): string | null {
  if (domain.length === 0 || domain.length > 253 || NOT_IN_DOMAIN.test(domain)) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
  if (hostname.length > 253 || !ASCII_HOSTNAME.test(hostname)) return null;
  // An all-numeric last label means URL parsing read the input as an IPv4 address.
  if (/^[0-9]+$/.test(hostname.slice(hostname.lastIndexOf('.') + 1))) return null;
  return hostname;
}

/** Splits at the last `@`; the local part of a dot-atom address can not contain one. */
function splitAddress(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

/** Whether an address is one the relay can deliver to or send from. */
export function isValidEmailAddress(address: string): boolean {
  if (address.length > 254) return false;
  const parts = splitAddress(address);
  if (!parts || parts.local.length > 64 || !DOT_ATOM.test(parts.local)) return false;
  return toAsciiDomain(parts.domain) !== null;
}

/**
 * The form an address takes on the envelope and in recipient lists: local part as given
 * (it is case-sensitive by the RFC), domain as a lower-case A-label.
 * Throws on an address isValidEmailAddress refuses, which schema-checked input never is.
 */
export function normalizeEmailAddress(address: string): string {
  const parts = splitAddress(address);
  const domain = parts && toAsciiDomain(parts.domain);
  if (!parts || !domain) throw new Error(`Not a valid email address: ${JSON.stringify(address)}`);
  return `${parts.local}@${domain}`;
}

export const EmailAddress = z
  .string()
  .refine((value) => !CR_LF_NUL.test(value), {
    message: 'must not contain CR, LF or NUL characters',
    params: { reason: HEADER_INJECTION },
    abort: true,
  })
  .refine(isValidEmailAddress, { message: 'must be a valid email address (local@domain, no display name or angle brackets)' });

/** ISO 8601 timestamp in UTC, the form every time on the wire takes. */
export const Timestamp = z.iso.datetime();
