import type { Knex } from 'knex';

/**
 * The slice of a better-sqlite3 connection the hot path uses. better-sqlite3 ships no types
 * and the project does not depend on @types/better-sqlite3; this is all we call.
 */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) & { immediate: (...args: A) => R };
  readonly inTransaction: boolean;
}

// knex prepares every query anew (better-sqlite3's prepare is ~a third of the DB time in
// the profile). Statements belong to one connection, so the cache does too; a connection
// the pool replaces takes its statements with it.
const statementCache = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();

/** `sql` prepared once per connection. Only for constant SQL text: the cache never shrinks. */
export function prepared(conn: SqliteConnection, sql: string): SqliteStatement {
  let statements = statementCache.get(conn);
  if (!statements) statementCache.set(conn, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = conn.prepare(sql)));
  return statement;
}

/**
 * Runs `work` on the connection knex's pool holds (the pool is one connection on SQLite, so
 * this waits for any knex query or transaction in progress and they wait for us): never a
 * second connection, so never a second writer.
 */
export async function withSqliteConnection<T>(knex: Knex, work: (conn: SqliteConnection) => T): Promise<T> {
  const conn = (await knex.client.acquireConnection()) as SqliteConnection;
  try {
    return work(conn);
  } finally {
    await knex.client.releaseConnection(conn);
  }
}

/** True when knex drives better-sqlite3, whose raw connection the fast paths here use. */
export function isBetterSqlite(knex: Knex): boolean {
  return knex.client.driverName === 'better-sqlite3';
}

/**
 * A one-row read on the hot path: on SQLite a cached statement on the pool's connection
 * (no query building, no prepare); elsewhere the knex query `viaKnex`, which must select
 * the same columns. `sql` must be constant text.
 */
export async function readRow<T>(knex: Knex, sql: string, params: unknown[], viaKnex: () => Promise<T | undefined>): Promise<T | undefined> {
  if (!isBetterSqlite(knex)) return viaKnex();
  return withSqliteConnection(knex, (conn) => prepared(conn, sql).get(...params) as T | undefined);
}
