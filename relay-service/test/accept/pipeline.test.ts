import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createSqliteDatabase, testKey, type TestDatabase } from '../helpers/databases.ts';
import { createStore, type Store } from '../../src/store/index.ts';
import { createKeyring } from '../../src/auth/keyring.ts';
import { createAcceptPipeline, type AcceptPipeline } from '../../src/accept/pipeline.ts';
import { RelayError } from '../../src/errors.ts';
import type { SigningKey } from '../../src/store/domains.ts';

const message = (from = 'Shop <orders@shop.test>', extra = '') =>
  Buffer.from(`From: ${from}\r\nTo: buyer@customer.test\r\nSubject: Your order${extra}\r\n\r\nThanks!\r\n`);

describe('accept pipeline', () => {
  let tdb: TestDatabase;
  let store: Store;
  let accept: AcceptPipeline;
  let accountId: string;
  const signedWith: SigningKey[][] = [];

  before(async () => {
    tdb = await createSqliteDatabase();
    store = createStore(tdb.db, createKeyring(testKey()));
    accountId = (await store.accounts.create('Shop')).id;
    const other = (await store.accounts.create('Other')).id;
    const domain = await store.domains.add(accountId, 'shop.test');
    await store.domains.add(other, 'other.test');
    assert.ok(domain.ok);
    // shop.test passed a DNS check once (domains/verify.ts): it may send outside sandbox mode.
    await tdb.db.knex('domains').where({ id: domain.domain.id }).update({ verified_at: Date.now() });
    await store.domains.setDkimKey(domain.domain.id, { selector: 's1', algorithm: 'rsa', privateKeyPem: 'PEM', publicKey: 'PUB' });
    accept = createAcceptPipeline({
      store,
      sign: async (raw, keys) => {
        signedWith.push(keys);
        return Buffer.concat([Buffer.from('DKIM-Signature: test\r\n'), raw]);
      },
      hostname: 'relay.test',
      maxMessageSize: 10_000,
      maxRecipients: 3,
      logger: pino({ level: 'silent' }),
    });
  });
  after(async () => tdb.drop());

  const rejects = (promise: Promise<unknown>, code: string, field?: string) =>
    assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof RelayError, String(err));
      assert.equal(err.code, code);
      if (field) assert.equal(err.field, field);
      return true;
    });

  test('a message from an owned domain is signed with the domain key, completed and committed', async () => {
    const result = await accept({ accountId, source: 'smtp', mailFrom: 'orders@shop.test', recipients: ['buyer@customer.test', 'b@Customer.TEST'], raw: message() });
    assert.equal(result.recipients.length, 2);
    assert.equal(result.recipients[1]!.email, 'b@customer.test', 'the domain part is normalized to lower case');
    const raw = (await store.messages.getRaw(result.messageId))!.toString();
    assert.match(raw, /^DKIM-Signature: test\r\nMessage-ID: <[0-9a-z]+@relay\.test>\r\nDate: .+\r\nFrom: Shop/);
    assert.equal(signedWith.at(-1)![0]!.privateKeyPem, 'PEM', 'the key is decrypted for signing');
    const stored = await store.messages.get(accountId, result.messageId);
    assert.equal(stored!.subject, 'Your order');
  });

  test('From at a domain of another account, or of nobody, is refused and nothing is written', async () => {
    const before = await tdb.db.knex('messages').count({ n: '*' }).first();
    await rejects(accept({ accountId, source: 'http', mailFrom: 'orders@shop.test', recipients: ['x@y.test'], raw: message('x@other.test') }), 'sender_domain_not_allowed', 'from');
    await rejects(accept({ accountId, source: 'http', mailFrom: 'orders@shop.test', recipients: ['x@y.test'], raw: message('x@nobody.test') }), 'sender_domain_not_allowed', 'from');
    await rejects(accept({ accountId, source: 'smtp', mailFrom: 'bounce@other.test', recipients: ['x@y.test'], raw: message() }), 'sender_domain_not_allowed', 'mail_from');
    const after = await tdb.db.knex('messages').count({ n: '*' }).first();
    assert.equal(Number(after!.n), Number(before!.n));
  });

  test('a message without From, with two From headers, or with too many recipients is refused', async () => {
    await rejects(accept({ accountId, source: 'smtp', mailFrom: 'a@shop.test', recipients: ['x@y.test'], raw: Buffer.from('Subject: x\r\n\r\nbody\r\n') }), 'invalid_message', 'from');
    await rejects(accept({ accountId, source: 'smtp', mailFrom: 'a@shop.test', recipients: ['x@y.test'], raw: Buffer.from('From: a@shop.test\r\nFrom: b@shop.test\r\n\r\nbody\r\n') }), 'invalid_message', 'from');
    await rejects(accept({ accountId, source: 'smtp', mailFrom: 'a@shop.test', recipients: ['1@y.test', '2@y.test', '3@y.test', '4@y.test'], raw: message() }), 'too_many_recipients');
    await rejects(accept({ accountId, source: 'smtp', mailFrom: 'a@shop.test', recipients: ['1@y.test'], raw: Buffer.concat([message(), Buffer.alloc(10_000, 'a')]) }), 'message_too_large');
  });

  test('the same Idempotency-Key and body returns the first result; a different body is a conflict', async () => {
    const input = { accountId, source: 'http' as const, mailFrom: 'orders@shop.test', recipients: ['i@y.test'], raw: message() };
    const first = await accept(input, { key: 'order-1001', requestHash: 'hash-a' });
    const again = await accept(input, { key: 'order-1001', requestHash: 'hash-a' });
    assert.deepEqual(again, first);
    await rejects(accept(input, { key: 'order-1001', requestHash: 'hash-b' }), 'idempotency_conflict');
    const rows = await tdb.db.knex('recipients').where({ email: 'i@y.test' });
    assert.equal(rows.length, 1, 'only one message was queued');
  });

  test('concurrent requests with one Idempotency-Key queue the message once', async () => {
    const input = { accountId, source: 'http' as const, mailFrom: 'orders@shop.test', recipients: ['race@y.test'], raw: message() };
    const results = await Promise.all(Array.from({ length: 5 }, () => accept(input, { key: 'race', requestHash: 'h' })));
    assert.ok(results.every((r) => r.messageId === results[0]!.messageId));
    assert.equal((await tdb.db.knex('recipients').where({ email: 'race@y.test' })).length, 1);
  });

  test('sending policy: an unverified domain is refused outside sandbox mode, allowed in it, and the answer says so', async () => {
    const dev = (await store.accounts.create('Dev')).id;
    const added = await store.domains.add(dev, 'dev.test');
    assert.ok(added.ok);
    const input = { accountId: dev, source: 'http' as const, mailFrom: 'app@dev.test', recipients: ['buyer@customer.test'], raw: message('App <app@dev.test>') };
    const before = await tdb.db.knex('messages').count({ n: '*' }).first();
    await assert.rejects(accept(input), (err: unknown) => {
      assert.ok(err instanceof RelayError);
      assert.equal(err.code, 'sender_domain_not_verified');
      assert.equal(err.field, 'from');
      assert.equal(err.message, 'The From domain dev.test is not verified yet: publish its DNS records and verify it (POST /v1/domains/:id/verify), or use a sandbox account for development');
      return true;
    });
    const after = await tdb.db.knex('messages').count({ n: '*' }).first();
    assert.equal(Number(after!.n), Number(before!.n), 'a refusal writes nothing');

    await store.accounts.setSandbox(dev, true);
    const sandboxed = await accept(input);
    assert.equal(sandboxed.sandbox, true);
    const verified = await accept({ ...input, accountId, mailFrom: 'orders@shop.test', raw: message() });
    assert.equal(verified.sandbox, undefined, 'a normal account\'s answer has no sandbox flag');
  });
});
