import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestDatabase } from '../helpers/databases.ts';
import { createWriteBatcher } from '../../src/store/write-batcher.ts';

for (const engine of ENGINES) {
  describe(`write batcher on ${engine.name}`, () => {
    let tdb: TestDatabase;
    before(async () => {
      tdb = await engine.create();
    });
    after(async () => tdb.drop());

    test('concurrent writers share transactions, and every write is committed when its promise resolves', async () => {
      const batcher = createWriteBatcher(tdb.db.knex);
      const transactions = new Set<unknown>();
      const writes = Array.from({ length: 50 }, (_, i) => batcher.run(async (trx) => {
        transactions.add((await trx.raw(engine.name === 'postgres' ? 'select txid_current() as t' : 'select 1 as t')));
        await trx('relay_settings').insert({ key: `k${i}`, value: String(i) });
        return i;
      }));
      assert.deepEqual(await Promise.all(writes), Array.from({ length: 50 }, (_, i) => i));
      const rows = await tdb.db.knex('relay_settings').where('key', 'like', 'k%');
      assert.equal(rows.length, 50);
      if (engine.name === 'postgres') {
        const ids = new Set([...transactions].map((r) => (r as { rows: { t: string }[] }).rows[0]!.t));
        assert.ok(ids.size < 50, `writes were grouped into ${ids.size} transactions`);
      }
    });

    test('a failing unit rolls back alone and rejects only its own caller', async () => {
      const batcher = createWriteBatcher(tdb.db.knex);
      await tdb.db.knex('relay_settings').insert({ key: 'taken', value: 'x' });
      const results = await Promise.allSettled([
        batcher.run((trx) => trx('relay_settings').insert({ key: 'before', value: '1' })),
        batcher.run(async (trx) => {
          await trx('relay_settings').insert({ key: 'half', value: 'written' });
          await trx('relay_settings').insert({ key: 'taken', value: 'duplicate' });
        }),
        batcher.run((trx) => trx('relay_settings').insert({ key: 'after', value: '1' })),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      const keys = (await tdb.db.knex('relay_settings').whereIn('key', ['before', 'half', 'after'])).map((r: { key: string }) => r.key).sort();
      assert.deepEqual(keys, ['after', 'before'], 'the failed unit left nothing half-written');
    });
  });
}
