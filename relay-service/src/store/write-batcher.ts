import type { Knex } from 'knex';
import type { SqliteConnection } from './sqlite-connection.ts';

export type WriteUnit<T> = (trx: Knex.Transaction) => Promise<T>;

/**
 * A unit for the SQLite hot path: synchronous, on the raw better-sqlite3 connection, inside
 * the batch's transaction. It must not keep the connection beyond its return, and it must
 * be repeatable: its only effects are its statements, because a batch in which some unit
 * fails is rolled back and run again with a savepoint per unit.
 */
export type SqliteWriteUnit<T> = (conn: SqliteConnection) => T;

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

type Pending = {
  resolve(value: unknown): void;
  reject(err: unknown): void;
} & ({ kind: 'knex'; work: WriteUnit<unknown> } | { kind: 'sqlite'; work: SqliteWriteUnit<unknown> });

interface SqliteRunners {
  /** One unit in a savepoint (better-sqlite3 nests `transaction()` as SAVEPOINT). */
  unit: (work: SqliteWriteUnit<unknown>, conn: SqliteConnection) => unknown;
  /** The whole batch in BEGIN IMMEDIATE … COMMIT, each unit in its own savepoint. */
  batch: (items: Pending[], conn: SqliteConnection) => Outcome[];
  /** The whole batch in BEGIN IMMEDIATE … COMMIT with no savepoints; throws if any unit does. */
  fastBatch: (items: Pending[], conn: SqliteConnection) => Outcome[];
}

const sqliteRunners = new WeakMap<SqliteConnection, SqliteRunners>();

function runnersFor(conn: SqliteConnection): SqliteRunners {
  let runners = sqliteRunners.get(conn);
  if (runners) return runners;
  const unit = conn.transaction((work: SqliteWriteUnit<unknown>, c: SqliteConnection) => work(c));
  const batch = conn.transaction((items: Pending[], c: SqliteConnection) => {
    const outcomes: Outcome[] = [];
    for (const item of items) {
      try {
        outcomes.push({ ok: true, value: unit(item.work as SqliteWriteUnit<unknown>, c) });
      } catch (err) {
        // Some errors (disk full, I/O) make SQLite roll back the whole transaction, not
        // just the savepoint: the units before this one are gone too, so none may succeed.
        if (!c.inTransaction) throw err;
        outcomes.push({ ok: false, err });
      }
    }
    return outcomes;
  }).immediate;
  // Units almost never fail, and two statements of savepoint per unit are a tenth of the
  // hot path's time: try the batch without them first; a failure rolls everything back.
  const fastBatch = conn.transaction((items: Pending[], c: SqliteConnection) =>
    items.map((item): Outcome => ({ ok: true, value: (item.work as SqliteWriteUnit<unknown>)(c) }))).immediate;
  runners = { unit, batch, fastBatch };
  sqliteRunners.set(conn, runners);
  return runners;
}

/**
 * Group commit. Writers that arrive while a transaction is committing wait and then share
 * the next one, so one fsync covers many messages instead of one each: the durability of
 * a commit per message at a fraction of the cost. Each unit runs in its own savepoint,
 * so a unit that fails (a duplicate key, a validation error) rolls back alone and rejects
 * only its own caller; a unit's promise settles only after the shared commit succeeded.
 *
 * Two kinds of unit: knex units (`run`, any engine) and synchronous SQLite units
 * (`runSqlite`), which skip knex's query building, per-query prepare and promise-per-query
 * transaction machinery. A batch holds units of one kind, in arrival order.
 */
export function createWriteBatcher(knex: Knex, options: { maxBatch?: number; sync?: () => Promise<void> } = {}) {
  const sync = options.sync ?? (() => Promise.resolve());
  const maxBatch = options.maxBatch ?? 256;
  const queue: Pending[] = [];
  let flushing = false;

  function settle(batch: Pending[], outcomes: Outcome[]): void {
    outcomes.forEach((outcome, i) => (outcome.ok ? batch[i]!.resolve(outcome.value) : batch[i]!.reject(outcome.err)));
  }

  /** The longest run of same-kind units at the head of the queue, up to maxBatch. */
  function takeBatch(): Pending[] {
    const kind = queue[0]!.kind;
    let n = 1;
    while (n < queue.length && n < maxBatch && queue[n]!.kind === kind) n++;
    return queue.splice(0, n);
  }

  async function commitKnex(batch: Pending[]): Promise<Outcome[]> {
    return knex.transaction(async (trx) => {
      const results: Outcome[] = [];
      for (const item of batch) {
        try {
          results.push({ ok: true, value: await trx.transaction((savepoint) => (item.work as WriteUnit<unknown>)(savepoint)) });
        } catch (err) {
          results.push({ ok: false, err });
        }
      }
      return results;
    });
  }

  async function flush(): Promise<void> {
    flushing = true;
    // Batch window of one event-loop turn: every unit queued by the I/O callbacks of this
    // turn joins the first batch instead of waiting for the next one.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      let batch: Pending[];
      let outcomes: Outcome[];
      if (queue[0]!.kind === 'sqlite') {
        let conn: SqliteConnection;
        try {
          conn = (await knex.client.acquireConnection()) as SqliteConnection;
        } catch (err) {
          for (const item of takeBatch()) item.reject(err);
          continue;
        }
        // Taken after the wait for the connection, so units that arrived meanwhile join.
        batch = takeBatch();
        try {
          const runners = runnersFor(conn);
          try {
            outcomes = runners.fastBatch(batch, conn);
          } catch {
            // Some unit failed and the whole transaction was rolled back: run the batch again
            // with a savepoint per unit, so only the failing ones fail.
            outcomes = runners.batch(batch, conn);
          }
        } catch (err) {
          // The shared commit itself failed: nothing of this batch is durable.
          for (const item of batch) item.reject(err);
          continue;
        } finally {
          await knex.client.releaseConnection(conn);
        }
      } else {
        batch = takeBatch();
        try {
          outcomes = await commitKnex(batch);
        } catch (err) {
          for (const item of batch) item.reject(err);
          continue;
        }
      }
      // Callers hear back only once the commit is on disk; meanwhile the next batch is
      // already being committed, and its fsync will be shared by everything that waits.
      const committed = batch;
      sync().then(
        () => settle(committed, outcomes),
        (err: unknown) => committed.forEach((item) => item.reject(err)),
      );
    }
    flushing = false;
  }

  function enqueue(item: Pending): void {
    queue.push(item);
    if (!flushing) void flush();
  }

  return {
    /** Runs `work` in the next shared transaction; resolves after that transaction commits. */
    run<T>(work: WriteUnit<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => enqueue({ kind: 'knex', work, resolve: resolve as (v: unknown) => void, reject }));
    },
    /**
     * SQLite only: runs `work` synchronously on the pool's connection in the next shared
     * transaction; resolves after that transaction commits and the WAL is on disk.
     */
    runSqlite<T>(work: SqliteWriteUnit<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => enqueue({ kind: 'sqlite', work, resolve: resolve as (v: unknown) => void, reject }));
    },
  };
}

export type WriteBatcher = ReturnType<typeof createWriteBatcher>;
