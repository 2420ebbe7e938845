import { open, type FileHandle } from 'node:fs/promises';

/**
 * Durability for SQLite without blocking the event loop. better-sqlite3 is synchronous, so
 * with synchronous=FULL every COMMIT's fsync stalls the whole process (about a millisecond
 * each here, three commits per message). Instead the connection runs synchronous=NORMAL in
 * WAL mode (a commit writes its frames to the WAL file but does not fsync), and writers
 * await `sync()`: an fsync of the WAL file on libuv's thread pool, shared by every commit
 * that finished before it started. A reply that waits for `sync()` is as durable as with
 * synchronous=FULL; checkpoints still sync the database file themselves (SQLite does that
 * at NORMAL).
 */
export function createWalSync(databaseFile: string) {
  let handle: Promise<FileHandle> | undefined;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  async function fsyncWal(): Promise<void> {
    handle ??= open(`${databaseFile}-wal`, 'r');
    await (await handle).sync();
  }

  function start(): Promise<void> {
    const run = fsyncWal().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  }

  return {
    /** Resolves once everything committed before this call is on disk. */
    sync(): Promise<void> {
      if (!running) return start();
      // The fsync in progress may have started before the caller's commit: wait for the
      // next one, which every caller arriving meanwhile shares.
      queued ??= running.catch(() => undefined).then(() => {
        queued = undefined;
        return start();
      });
      return queued;
    },
    async close(): Promise<void> {
      await running?.catch(() => undefined);
      await queued?.catch(() => undefined);
      if (handle) await (await handle).close().catch(() => undefined);
      handle = undefined;
    },
  };
}
