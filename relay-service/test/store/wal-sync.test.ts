import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
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

test('a worker thread checkpoints the WAL into the database file; the main connection never does', async () => {
  const tdb = await createSqliteDatabase();
  try {
    const file = tdb.url.replace(/^sqlite:\/\//, '');
    const auto = await tdb.db.knex.raw('PRAGMA wal_autocheckpoint');
    assert.equal(auto[0].wal_autocheckpoint, 0);
    const sizeBefore = statSync(file).size;
    for (let i = 0; i < 20; i++) {
      await tdb.db.knex('relay_settings').insert(Array.from({ length: 50 }, (_, j) => ({ key: `k${i}-${j}`, value: 'v'.repeat(2000) })));
    }
    await tdb.db.sync();
    assert.ok(statSync(`${file}-wal`).size > 1_000_000, 'the rows sit in the WAL first');
    const deadline = Date.now() + 10_000;
    while (statSync(file).size < sizeBefore + 1_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(statSync(file).size >= sizeBefore + 1_000_000, 'the checkpoint worker copied them into the database file');
  } finally {
    await tdb.drop();
  }
});
