import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dkimVerify } from 'mailauth';
import type { DkimKey } from '../../src/dkim/sign.ts';
import { dkimDnsRecord, generateDkimKeyPair, type DkimAlgorithm } from '../../src/dkim/keys.ts';

export interface TestKey {
  key: DkimKey;
  /** DNS name → TXT value, the zone a verifier resolves against. */
  zone: Record<string, string>;
}

export function makeKey(domain: string, selector: string, algorithm: DkimAlgorithm): TestKey {
  const pair = generateDkimKeyPair(algorithm);
  const record = dkimDnsRecord(domain, selector, algorithm, pair.publicKey);
  return {
    key: { domain, selector, algorithm, privateKeyPem: pair.privateKeyPem },
    zone: { [record.name]: record.value },
  };
}

export function zoneOf(...keys: TestKey[]): Record<string, string> {
  return Object.assign({}, ...keys.map((k) => k.zone));
}

export interface VerifyOutcome {
  selector: string;
  ok: boolean;
}

/** mailauth's verifier with a resolver that answers only from the given zone. */
export async function verifyWithMailauth(message: Buffer, zone: Record<string, string>): Promise<VerifyOutcome[]> {
  const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
    const value = rrtype === 'TXT' ? zone[name.toLowerCase()] : undefined;
    if (value === undefined) throw Object.assign(new Error(`no ${rrtype} for ${name}`), { code: 'ENOTFOUND' });
    return [[value]];
  };
  const result = await dkimVerify(message, { resolver });
  return result.results.map((r) => ({ selector: r.selector ?? '', ok: r.status.result === 'pass' }));
}

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./verify_dkim.py', import.meta.url));

export interface DkimpyOutcome {
  nacl: boolean;
  results: (VerifyOutcome & { algorithm: string; error: string | null })[];
}

/** dkimpy (Debian python3-dkim) in a child process, resolving from the given zone. */
export function verifyWithDkimpy(message: Buffer, zone: Record<string, string>): Promise<DkimpyOutcome> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, [SCRIPT, JSON.stringify(zone)], (err, stdout, stderr) => {
      if (err) return reject(new Error(`verify_dkim.py failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout) as DkimpyOutcome);
    });
    child.stdin!.end(message);
  });
}

const SPF_SCRIPT = fileURLToPath(new URL('../domains/verify_spf.py', import.meta.url));

/** pyspf (Debian python3-spf) checks MAIL FROM `sender` from `ip` against the test DNS server at `dns` (`host:port`). */
export function verifyWithPyspf(ip: string, sender: string, helo: string, dns: string): Promise<{ result: string; explanation: string }> {
  const [host, port] = dns.split(':');
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SPF_SCRIPT, ip, sender, helo, host!, port!], (err, stdout, stderr) => {
      if (err) return reject(new Error(`verify_spf.py failed: ${stderr || err.message}`));
      const [result, explanation] = JSON.parse(stdout) as [string, string];
      resolve({ result, explanation });
    });
  });
}
