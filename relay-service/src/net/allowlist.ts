import { cidrContains, parseCidr, type Cidr } from './cidr.ts';

/**
 * A credential's allowed client networks: canonical CIDRs, or null for "anywhere". Stored
 * as JSON text; parsed once per cached credential.
 */
export type AllowlistParse = { ok: true; networks: string[] } | { ok: false; message: string };

export function parseAllowlist(input: string[]): AllowlistParse {
  const networks: string[] = [];
  for (const entry of input) {
    const parsed = parseCidr(entry);
    if (!parsed.ok) return { ok: false, message: `${entry}: ${parsed.message}` };
    if (!networks.includes(parsed.cidr.text)) networks.push(parsed.cidr.text);
  }
  if (networks.length === 0) return { ok: false, message: 'give at least one network, or null for anywhere' };
  if (networks.length > 50) return { ok: false, message: 'at most 50 networks' };
  return { ok: true, networks };
}

export function compileAllowlist(stored: string | null): Cidr[] | null {
  if (!stored) return null;
  return (JSON.parse(stored) as string[]).map((text) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) throw new Error(`stored network ${text} does not parse: ${parsed.message}`);
    return parsed.cidr;
  });
}

export function allowedFrom(networks: Cidr[] | null, address: string | undefined): boolean {
  if (networks === null) return true;
  return address !== undefined && networks.some((n) => cidrContains(n, address));
}
