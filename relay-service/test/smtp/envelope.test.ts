import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { USER, startSubmission, type Harness } from './harness.ts';

describe('MAIL FROM and RCPT TO', { timeout: 30_000 }, () => {
  let harness: Harness;
  before(async () => {
    harness = await startSubmission();
  });
  after(() => harness.close());

  test('MAIL FROM without AUTH is refused with 530 5.7.0, even over TLS (no open relay)', async () => {
    const client = await harness.connect();
    await client.reply();
    await client.ehlo();
    await client.startTls();
    await client.ehlo();
    const reply = await client.command(`MAIL FROM:<${USER}>`);
    assert.deepEqual([reply.code, reply.enhanced], [530, '5.7.0']);
    const rcpt = await client.command('RCPT TO:<bob@example.net>');
    assert.equal(rcpt.code, 530);
  });

  test('MAIL FROM at a domain the account does not own gets 553 5.7.1', async () => {
    const client = await harness.login();
    const reply = await client.command('MAIL FROM:<ceo@bank.example>');
    assert.deepEqual([reply.code, reply.enhanced], [553, '5.7.1']);
    const own = await client.command(`MAIL FROM:<${USER}>`);
    assert.deepEqual([own.code, own.enhanced], [250, '2.1.0']);
  });

  test('the null sender is refused with 553 5.7.1', async () => {
    const client = await harness.login();
    const reply = await client.command('MAIL FROM:<>');
    assert.deepEqual([reply.code, reply.enhanced], [553, '5.7.1']);
  });

  test('a SIZE= over the limit is refused at MAIL FROM with 552 5.3.4', async () => {
    const client = await harness.login();
    const reply = await client.command(`MAIL FROM:<${USER}> SIZE=10001`);
    assert.deepEqual([reply.code, reply.enhanced], [552, '5.3.4']);
    const fits = await client.command(`MAIL FROM:<${USER}> SIZE=10000`);
    assert.equal(fits.code, 250);
  });

  test('recipients beyond maxRecipients get 452 4.5.3; a repeated one does not count twice', async () => {
    const client = await harness.login();
    await client.command(`MAIL FROM:<${USER}>`);
    for (const rcpt of ['a@example.net', 'b@example.net', 'c@example.net', 'A@example.net']) {
      assert.equal((await client.command(`RCPT TO:<${rcpt}>`)).code, 250, rcpt);
    }
    const extra = await client.command('RCPT TO:<d@example.net>');
    assert.deepEqual([extra.code, extra.enhanced], [452, '4.5.3']);
  });

  for (const bad of ['<bob>', 'bob@example.net', '<bob@@example.net>', '<bob@exa mple.net>', '<postmaster>', '<.bob@example.net>']) {
    test(`RCPT TO:${bad} is refused with 501 5.1.3`, async () => {
      const client = await harness.login();
      await client.command(`MAIL FROM:<${USER}>`);
      const reply = await client.command(`RCPT TO:${bad}`);
      assert.deepEqual([reply.code, reply.enhanced], [501, '5.1.3']);
    });
  }

  test('a syntactically invalid sender is refused with 501 5.1.7 (bad sender syntax, RFC 3463)', async () => {
    const client = await harness.login();
    const reply = await client.command('MAIL FROM:<alice@@example.com>');
    assert.deepEqual([reply.code, reply.enhanced], [501, '5.1.7']);
  });
});
