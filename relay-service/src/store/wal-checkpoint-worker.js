// Plain JavaScript on purpose: a worker that loads TypeScript starts its own type stripper,
// which costs ~15 MB of memory for the life of this long-running thread.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const Database = createRequire(import.meta.url)('better-sqlite3');

// Runs in a worker thread: its own connection to the relay's SQLite file, used only to move
// WAL frames into the database file. A checkpoint writes and fsyncs the database file; here
// that happens beside the event loop instead of inside some COMMIT on the main thread. PASSIVE
// never waits for locks and never resets or deletes the WAL, so the main thread's open handle
// on the WAL (wal-sync.ts) stays the file that commits are appended to.
/** @type {{ filename: string, intervalMs: number }} */
const { filename, intervalMs } = workerData;
const db = new Database(filename);
db.pragma('busy_timeout = 0');

// A checkpoint can fail now and then (the file briefly locked); only a run of failures means
// the WAL would keep growing, and then the main thread takes checkpoints back.
const MAX_CONSECUTIVE_FAILURES = 5;
let failures = 0;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failures = 0;
  } catch (err) {
    if (++failures === MAX_CONSECUTIVE_FAILURES) parentPort.postMessage({ type: 'error', message: err.message });
  }
}, intervalMs);

parentPort.on('message', (/** @type {{ type: string }} */ message) => {
  if (message.type !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
