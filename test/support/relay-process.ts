import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RELAY_BIN = path.join(ROOT, 'relay-service/bin/relaypress-relay.js');

export interface RelayProcess {
  child: ChildProcess;
  pid: number;
  ports: { http: number; submission: number | null; smtps: number | null };
  baseUrl: string;
  /** Every JSON log line seen so far. */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code or signal when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * The relay as operators run it: `relaypress-relay start` in its own process, configured
 * only through environment variables. Resolves once it logs `relay.ready` with its ports.
 */
export function startRelayProcess(env: Record<string, string>, options: { readyTimeoutMs?: number } = {}): Promise<RelayProcess> {
  const child = spawn(process.execPath, [RELAY_BIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', RELAY_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay did not become ready in time; stderr: ${stderr.slice(-2000)}`));
    }, options.readyTimeoutMs ?? 20_000);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`relay exited before ready (code ${code}, signal ${signal}); stderr: ${stderr.slice(-2000)}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.event === 'relay.ready') {
        clearTimeout(timer);
        const ports = entry.ports as RelayProcess['ports'];
        resolve({
          child,
          pid: child.pid!,
          ports,
          baseUrl: `http://127.0.0.1:${ports.http}`,
          logs,
          exited,
          async kill(signal: NodeJS.Signals = 'SIGTERM') {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill(signal);
            await exited;
          },
        });
      }
    });
  });
}
