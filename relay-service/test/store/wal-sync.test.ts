import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSqliteDatabase } from '../helpers/databases.ts';

test('SQLite commits are acknowledged only through sync(), which many concurrent waiters share', async () => {
  const tdb = await createSqliteDatabase();
  try {
    const mode = await tdb.db.knex.raw('PRAGMA synchronous');
    assert.equal(mode[0].synchronous, 1, 'NORMAL: the fsync is done by sync(), off the event loop');
    const journal = await tdb.db.knex.raw('PRAGMA journal_mode');
    assert.equal(journal[0].journal_mode, 'wal');
    await tdb.db.knex('relay_settings').insert({ key: 'a', value: '1' });
    await Promise.all(Array.from({ length: 100 }, () => tdb.db.sync()));
    await tdb.db.sync();
  } finally {
    await tdb.drop();
  }
});
