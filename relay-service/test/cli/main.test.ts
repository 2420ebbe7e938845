import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/relaypress-relay.js');
const run = promisify(execFile);

describe('relaypress-relay CLI', () => {
  let dataDir: string;
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', RELAY_DATA_DIR: dataDir, RELAY_LOG_LEVEL: 'silent' } });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'relaypress-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('provisions an account end to end: account, token, SMTP user, domain, DKIM key', async () => {
    const account = JSON.parse((await cli('account', 'create', '--name', 'CLI shop')).stdout);
    assert.match(account.id, /^acc_/);
    const token = JSON.parse((await cli('token', 'create', '--account', account.id, '--name', 'wp')).stdout);
    assert.match(token.token, /^rp_/);
    const tokens = (await cli('token', 'list', '--account', account.id)).stdout;
    assert.equal(tokens.includes(token.token), false, 'a listed token never shows the secret');
    const user = JSON.parse((await cli('smtp-user', 'create', '--account', account.id, '--username', 'cli-user')).stdout);
    assert.equal(user.username, 'cli-user');
    assert.ok(user.password.length >= 24);
    const domain = JSON.parse((await cli('domain', 'add', '--account', account.id, '--domain', 'Shop.Example')).stdout);
    assert.equal(domain.name, 'shop.example');
    const dkim = JSON.parse((await cli('dkim', 'generate', '--account', account.id, '--domain', 'shop.example', '--selector', 'cli1', '--algorithm', 'ed25519')).stdout);
    assert.equal(dkim.dns_record.name, 'cli1._domainkey.shop.example');
    assert.match(dkim.dns_record.value, /^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
    const revoked = await cli('token', 'revoke', '--account', account.id, '--id', token.id);
    assert.equal(revoked.code, 0);
  });

  test('account update sets the non-transactional tags that turn one-click unsubscribe on by default', async () => {
    const account = JSON.parse((await cli('account', 'create', '--name', 'News shop')).stdout);
    assert.deepEqual(account.non_transactional_tags, []);
    const updated = JSON.parse((await cli('account', 'update', '--account', account.id, '--non-transactional-tags', 'newsletter, promo')).stdout);
    assert.deepEqual(updated.non_transactional_tags, ['newsletter', 'promo']);
    const tooLong = await cli('account', 'update', '--account', account.id, '--non-transactional-tags', 'x'.repeat(65));
    assert.equal(tooLong.code, 2);
    assert.match(tooLong.stderr, /must be at most 64 characters/);
    assert.equal((await cli('account', 'update', '--account', 'acc_missing', '--non-transactional-tags', 'a')).code, 2);
    const cleared = JSON.parse((await cli('account', 'update', '--account', account.id, '--non-transactional-tags', '')).stdout);
    assert.deepEqual(cleared.non_transactional_tags, []);
  });

  test('trusted networks: add, list, refuse a bad one with the reason, remove', async () => {
    const account = JSON.parse((await cli('account', 'create', '--name', 'LAN shop')).stdout);
    const added = JSON.parse((await cli('trusted-network', 'add', '--account', account.id, '--cidr', '10.20.0.0/16', '--note', 'web servers')).stdout);
    assert.equal(added.cidr, '10.20.0.0/16');
    const bad = await cli('trusted-network', 'add', '--account', account.id, '--cidr', '10.20.1.1/16');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /host bits are set; did you mean 10\.20\.0\.0\/16\?/);
    const listed = JSON.parse((await cli('trusted-network', 'list', '--account', account.id)).stdout);
    assert.deepEqual(listed.map((n: { cidr: string; note: string }) => [n.cidr, n.note]), [['10.20.0.0/16', 'web servers']]);
    assert.equal((await cli('trusted-network', 'remove', '--account', account.id, '--id', added.id)).code, 0);
    assert.deepEqual(JSON.parse((await cli('trusted-network', 'list', '--account', account.id)).stdout), []);
  });

  test('mistakes exit with status 2 and say what is wrong', async () => {
    const unknown = await cli('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const missing = await cli('token', 'create');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--account is required/);
    const noAccount = await cli('token', 'create', '--account', 'acc_nope');
    assert.match(noAccount.stderr, /no account acc_nope/);
    const badDomain = await cli('domain', 'add', '--account', 'acc_nope', '--domain', 'x');
    assert.equal(badDomain.code, 2);
  });

  test('config prints every setting', async () => {
    const out = (await cli('config')).stdout;
    assert.match(out, /RELAY_DATABASE_URL/);
    assert.match(out, /RELAY_ROUTES/);
  });
});
