import type { Dialect } from '../db.ts';
import type { WriteBatcher } from '../write-batcher.ts';
import { createKnexHotWrites } from './knex.ts';
import { createSqliteHotWrites } from './sqlite.ts';
import type { HotWrites } from './types.ts';

export type { AcceptOutcome, HotWrites, IdempotencyClaim } from './types.ts';

/** The hot writes for this engine: raw prepared statements on SQLite, knex on PostgreSQL. */
export function createHotWrites(dialect: Dialect, writes: WriteBatcher): HotWrites {
  return dialect === 'sqlite' ? createSqliteHotWrites(writes) : createKnexHotWrites(dialect, writes);
}
