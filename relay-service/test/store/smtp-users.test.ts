import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSqliteDatabase, type TestDatabase } from '../helpers/databases.ts';
import { AccountRepository } from '../../src/store/accounts.ts';
import { SmtpUserRepository } from '../../src/store/smtp-users.ts';
import { hashPassword } from '../../src/auth/secrets.ts';
import { newPassword } from '../../src/ids.ts';

describe('SMTP users', () => {
  let tdb: TestDatabase;
  let users: SmtpUserRepository;
  let accountId: string;

  before(async () => {
    tdb = await createSqliteDatabase();
    accountId = (await new AccountRepository(tdb.db.knex).create('A')).id;
    users = new SmtpUserRepository(tdb.db.knex);
  });
  after(async () => tdb.drop());

  test('the password is stored as an scrypt hash and verifies; a wrong one or an unknown user does not', async () => {
    const created = await users.create(accountId, 'shop');
    const row = await tdb.db.knex('smtp_users').where({ id: created.id }).first();
    assert.match(row.password_hash, /^scrypt\$32768\$8\$1\$/);
    assert.equal(row.password_hash.includes(created.password), false);
    assert.deepEqual(await users.authenticate('shop', created.password), { accountId, userId: created.id });
    assert.equal(await users.authenticate('shop', created.password + 'x'), undefined);
    assert.equal(await users.authenticate('nobody', created.password), undefined);
  });

  test('generated passwords start with a letter or digit: command-line tools take a leading "-" for an option', () => {
    const passwords = Array.from({ length: 2_000 }, () => newPassword(24));
    // Plain base64url would start with "-" or "_" about 62 times in 2,000.
    assert.deepEqual(passwords.filter((p) => !/^[A-Za-z0-9][A-Za-z0-9_-]{31}$/.test(p)), []);
    assert.equal(new Set(passwords).size, passwords.length);
  });

  test('a remembered login still honours a wrong password, a revocation and a changed password at once', async () => {
    const created = await users.create(accountId, 'cached');
    assert.ok(await users.authenticate('cached', created.password));
    assert.ok(await users.authenticate('cached', created.password), 'second login from the cache');
    assert.equal(await users.authenticate('cached', 'wrong'), undefined);
    await tdb.db.knex('smtp_users').where({ id: created.id }).update({ password_hash: await hashPassword('a-new-password') });
    assert.equal(await users.authenticate('cached', created.password), undefined, 'a new stored hash invalidates the cached login');
    const again = await users.create(accountId, 'revoked');
    assert.ok(await users.authenticate('revoked', again.password));
    await users.revoke(accountId, again.id);
    assert.equal(await users.authenticate('revoked', again.password), undefined);
  });
});
