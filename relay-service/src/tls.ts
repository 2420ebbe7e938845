import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
  /** True when a self-signed pair stands in for operator-provided files. */
  selfSigned: boolean;
}

/**
 * The certificate for STARTTLS and port 465: the operator's files when configured,
 * otherwise a self-signed pair generated once under the data folder. Clients that verify
 * certificates will refuse a self-signed one, so the relay warns about it at start.
 */
export async function loadTlsMaterial(options: { certFile?: string | undefined; keyFile?: string | undefined; dataDir: string; hostname: string }): Promise<TlsMaterial> {
  if (options.certFile && options.keyFile) {
    return { cert: readFileSync(options.certFile), key: readFileSync(options.keyFile), selfSigned: false };
  }
  const dir = path.join(options.dataDir, 'tls');
  const certPath = path.join(dir, 'self-signed.crt');
  const keyPath = path.join(dir, 'self-signed.key');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true });
    const pems = await generateSelfSigned(options.hostname, Date.now() + 825 * 86_400_000);
    writeFileSync(keyPath, pems.key, { mode: 0o600 });
    writeFileSync(certPath, pems.cert);
  }
  return { cert: readFileSync(certPath), key: readFileSync(keyPath), selfSigned: true };
}

function generateSelfSigned(hostname: string, notAfterMs: number): Promise<{ key: string; cert: string }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./tls-self-signed-worker.js', import.meta.url), { workerData: { hostname, notAfterMs } });
    let result: { key: string; cert: string } | undefined;
    worker.once('message', (message: { key: string; cert: string }) => {
      result = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`self-signed certificate generation failed (worker exit code ${code})`));
    });
  });
}
