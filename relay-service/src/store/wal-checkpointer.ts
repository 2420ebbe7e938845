import { Worker } from 'node:worker_threads';

export interface WalCheckpointer {
  /** Stops the worker and waits until its connection is closed. */
  stop(): Promise<void>;
}

/**
 * Starts the checkpoint worker (wal-checkpoint-worker.js) for a SQLite file whose main
 * connection runs with wal_autocheckpoint=0. If the worker fails, `onFailure` is told so the
 * caller can turn automatic checkpoints back on: the WAL must never grow without bound.
 */
export function startWalCheckpointer(filename: string, options: { intervalMs?: number; onFailure: (reason: string) => void }): WalCheckpointer {
  const worker = new Worker(new URL('./wal-checkpoint-worker.js', import.meta.url), {
    workerData: { filename, intervalMs: options.intervalMs ?? 500 },
  });
  let stopping = false;
  let failed = false;
  const fail = (reason: string) => {
    if (stopping || failed) return;
    failed = true;
    options.onFailure(reason);
  };
  worker.on('message', (message: { type: string; message?: string }) => {
    if (message.type === 'error') fail(message.message ?? 'checkpoint failed');
  });
  worker.on('error', (err) => fail(err.message));
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (code !== 0) fail(`checkpoint worker exited with code ${code}`);
      else if (!stopping) fail('checkpoint worker exited');
      resolve();
    });
  });
  // The worker must not keep a relay that is otherwise done from exiting.
  worker.unref();
  return {
    async stop() {
      stopping = true;
      worker.postMessage({ type: 'stop' });
      await exited;
    },
  };
}
