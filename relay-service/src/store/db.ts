import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from './migrations/index.ts';
import { createWalSync } from './wal-sync.ts';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  knex: Knex;
  dialect: Dialect;
  /** Resolves once every transaction committed before the call is durable on disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

// PostgreSQL returns int8 (our millisecond timestamps) as strings to avoid precision loss
// above 2^53; millisecond epochs stay far below that, so numbers are safe and simpler.
pg.types.setTypeParser(20, (value: string) => Number(value));

/** Where an SQLite URL points: `sqlite:///abs/path.db`, `sqlite://rel/path.db`, `sqlite::memory:`. */
function sqliteFilename(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  return rest === ':memory:' ? ':memory:' : path.resolve(rest);
}

/**
 * The one knex factory. A 250 or 202 is sent only after `sync()` after the commit, so an
 * accepted message survives a power cut, not only a process crash (promise 1). SQLite runs
 * in WAL mode with the fsync moved off the event loop (wal-sync.ts); an in-memory database
 * has nothing to sync. PostgreSQL fsyncs its own commits (its defaults), so `sync()` is a
 * no-op there.
 */
export function openDatabase(url: string, options: { onWarning?: (message: string) => void } = {}): Database {
  let knex: Knex;
  let dialect: Dialect;
  let walSync: ReturnType<typeof createWalSync> | undefined;
  let checkpointer: WalCheckpointer | undefined;
  if (/^postgres(ql)?:\/\//.test(url)) {
    dialect = 'postgres';
    knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 10 } });
  } else if (url.startsWith('sqlite:')) {
    dialect = 'sqlite';
    const filename = sqliteFilename(url);
    if (filename !== ':memory:') walSync = createWalSync(filename);
    if (filename !== ':memory:') mkdirSync(path.dirname(filename), { recursive: true });
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
          conn.pragma('journal_mode = WAL');
          conn.pragma(walSync ? 'synchronous = NORMAL' : 'synchronous = FULL');
          // Checkpoints (which write and fsync the database file) run in a worker thread
          // instead of inside whichever COMMIT crosses the WAL size threshold.
          if (walSync) conn.pragma('wal_autocheckpoint = 0');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        },
      },
    });
    if (walSync) {
      const sqlite = knex;
      checkpointer = startWalCheckpointer(filename, {
        onFailure(reason) {
          options.onWarning?.(`WAL checkpoint worker failed (${reason}); checkpointing on the main connection instead`);
          sqlite.raw('PRAGMA wal_autocheckpoint = 1000').catch(() => undefined);
        },
      });
    }
  } else {
    throw new Error(`RELAY_DATABASE_URL: unsupported database URL "${url.replace(/\/\/[^@]*@/, '//***@')}" (use postgres://… or sqlite://…)`);
  }
  return {
    knex,
    dialect,
    sync: () => walSync?.sync() ?? Promise.resolve(),
    async close() {
      // The worker's connection closes first, so the main connection is the last one and
      // SQLite checkpoints and removes the WAL when it closes.
      await checkpointer?.stop();
      await walSync?.close();
      await knex.destroy();
    },
  };
}

/** Brings the schema up to date; safe to call from several instances at once (knex locks). */
export async function migrateToLatest(db: Database): Promise<void> {
  await db.knex.migrate.latest({ migrationSource });
}

export async function migrateDown(db: Database): Promise<void> {
  await db.knex.migrate.rollback({ migrationSource }, true);
}
