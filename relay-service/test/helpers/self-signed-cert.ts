/**
 * A throwaway self-signed key and certificate for TLS tests, made by the openssl CLI
 * (node:crypto can make keys but not X.509 certificates), so no private key is kept in
 * the repository. Made once per test process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  key: string;
  cert: string;
}

const cached = new Map<string, TestCertificate>();

/** One per common name and test process. */
export function selfSignedCertificate(commonName = 'localhost'): TestCertificate {
  const known = cached.get(commonName);
  if (known) return known;
  const dir = mkdtempSync(path.join(tmpdir(), 'relaypress-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${commonName}`, '-days', '2', '-keyout', keyFile, '-out', certFile],
      { stdio: 'ignore', timeout: 30_000 },
    );
    const made = { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
    cached.set(commonName, made);
    return made;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
