import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { openDatabase, migrateToLatest, type Database } from '../../src/store/db.ts';

/**
 * The engines every store test runs on: the embedded SQLite default and the machine's
 * PostgreSQL (127.0.0.1:5432, trust auth; override with RELAY_TEST_POSTGRES_URL).
 */
export const POSTGRES_ADMIN_URL = process.env.RELAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Database;
  url: string;
  drop(): Promise<void>;
}

export async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'relaypress-sqlite-'));
  const url = `sqlite://${path.join(dir, 'relay.db')}`;
  const db = openDatabase(url);
  await migrateToLatest(db);
  return {
    db,
    url,
    async drop() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, empty PostgreSQL database per test file, dropped afterwards. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `relaypress_test_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: POSTGRES_ADMIN_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();
  const url = POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const db = openDatabase(url);
  await migrateToLatest(db);
  return {
    db,
    url,
    async drop() {
      await db.close();
      const admin2 = knexFactory({ client: 'pg', connection: POSTGRES_ADMIN_URL, pool: { min: 0, max: 1 } });
      await admin2.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin2.destroy();
    },
  };
}

export const ENGINES: { name: 'sqlite' | 'postgres'; create: () => Promise<TestDatabase> }[] = [
  { name: 'sqlite', create: createSqliteDatabase },
  { name: 'postgres', create: createPostgresDatabase },
];

export function testKey(): Buffer {
  return randomBytes(32);
}
