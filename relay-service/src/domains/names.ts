import { domainToASCII } from 'node:url';

export type DomainNameResult = { ok: true; value: string } | { ok: false; message: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A domain as the relay stores it: lower case, ASCII (IDN converted to punycode, so
 * "bücher.example" and "xn--bcher-kva.example" are the same domain), no trailing dot.
 */
export function normalizeDomainName(input: string): DomainNameResult {
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed === '') return { ok: false, message: 'domain is empty' };
  if (/[\s\0\r\n@\/:]/.test(trimmed)) return { ok: false, message: `"${trimmed}" is not a domain name` };
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (ascii === '') return { ok: false, message: `"${trimmed}" is not a valid (internationalized) domain name` };
  const labels = ascii.split('.');
  if (labels.length < 2) return { ok: false, message: `"${trimmed}" needs at least two labels (e.g. example.com)` };
  if (ascii.length > 253) return { ok: false, message: 'domain name is longer than 253 characters' };
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined) return { ok: false, message: `"${trimmed}" has an invalid label "${bad}"` };
  if (/^\d+$/.test(labels[labels.length - 1]!)) return { ok: false, message: `"${trimmed}" looks like an IP address, not a domain` };
  return { ok: true, value: ascii };
}
