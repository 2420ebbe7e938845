import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestDatabase } from '../helpers/databases.ts';
import { AccountRepository } from '../../src/store/accounts.ts';
import { TrustedNetworkRepository } from '../../src/store/trusted-networks.ts';

for (const engine of ENGINES) {
  describe(`trusted networks on ${engine.name}`, () => {
    let tdb: TestDatabase;
    let a: string;
    let b: string;

    before(async () => {
      tdb = await engine.create();
      const accounts = new AccountRepository(tdb.db.knex);
      a = (await accounts.create('A')).id;
      b = (await accounts.create('B')).id;
    });
    after(async () => tdb.drop());

    test('the most specific network wins; other families and addresses match nothing', async () => {
      const networks = new TrustedNetworkRepository(tdb.db.knex);
      assert.equal((await networks.add(a, '10.0.0.0/8')).ok, true);
      assert.equal((await networks.add(a, '10.1.0.0/16')).ok, true, 'an account may nest its own networks');
      assert.equal((await networks.add(b, 'fd00:1::/64')).ok, true);
      assert.deepEqual(await networks.accountFor('10.1.2.3'), { accountId: a, cidr: '10.1.0.0/16' });
      assert.deepEqual(await networks.accountFor('::ffff:10.9.9.9'), { accountId: a, cidr: '10.0.0.0/8' });
      assert.deepEqual(await networks.accountFor('fd00:1::25'), { accountId: b, cidr: 'fd00:1::/64' });
      assert.equal(await networks.accountFor('11.0.0.1'), null);
      assert.equal(await networks.accountFor('fd00:2::1'), null);
    });

    test('an overlap with another account is refused and writes nothing', async () => {
      const networks = new TrustedNetworkRepository(tdb.db.knex);
      const before = await tdb.db.knex('trusted_networks').count({ n: '*' }).first();
      assert.deepEqual(await networks.add(b, '10.1.2.0/24'), { ok: false, reason: 'overlap', message: '10.1.2.0/24 overlaps 10.0.0.0/8, which another account trusts' });
      assert.deepEqual(await networks.add(b, '10.0.0.0/8'), { ok: false, reason: 'overlap', message: '10.0.0.0/8 overlaps 10.0.0.0/8, which another account trusts' });
      assert.deepEqual(await networks.add(b, 'not a network'), { ok: false, reason: 'invalid', message: '"not a network" is not an IPv4 or IPv6 address' });
      const after = await tdb.db.knex('trusted_networks').count({ n: '*' }).first();
      assert.equal(Number(after!.n), Number(before!.n));
    });

    test('another instance sees a change once its snapshot is older than the refresh interval', async () => {
      const ours = new TrustedNetworkRepository(tdb.db.knex);
      const theirs = new TrustedNetworkRepository(tdb.db.knex, { refreshMs: 10_000 });
      const t0 = 1_000_000;
      assert.equal(await theirs.accountFor('192.168.50.7', t0), null);
      const added = await ours.add(b, '192.168.50.0/24');
      assert.ok(added.ok);
      assert.equal(await theirs.accountFor('192.168.50.7', t0 + 5_000), null, 'still the old snapshot');
      assert.deepEqual(await theirs.accountFor('192.168.50.7', t0 + 10_001), { accountId: b, cidr: '192.168.50.0/24' });
      assert.equal(await ours.remove(b, added.network.id), true);
      assert.equal(await ours.accountFor('192.168.50.7'), null, 'the instance that removed it knows at once');
    });
  });
}
