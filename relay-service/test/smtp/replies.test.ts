import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { REPLIES } from '../../src/smtp/replies.ts';
import { startSubmission, type Harness } from './harness.ts';

describe('replies of the submission server', { timeout: 20_000 }, () => {
  let harness: Harness;
  before(async () => {
    harness = await startSubmission();
  });
  after(() => harness.close());

  test('the greeting names the host and carries no enhanced code (RFC 2034)', async () => {
    const client = await harness.connect();
    const greeting = await client.reply();
    assert.equal(greeting.code, 220);
    assert.match(greeting.last, /^220 relay\.test ESMTP/);
    client.close();
  });

  test('EHLO advertises ENHANCEDSTATUSCODES, SIZE, STARTTLS and PIPELINING, but no AUTH before TLS', async () => {
    const client = await harness.connect();
    await client.reply();
    const ehlo = await client.ehlo();
    assert.equal(ehlo.code, 250);
    assert.ok(ehlo.lines.includes('ENHANCEDSTATUSCODES'), ehlo.lines.join('|'));
    assert.ok(ehlo.lines.includes('SIZE 10000'), ehlo.lines.join('|'));
    assert.ok(ehlo.lines.includes('STARTTLS'));
    assert.ok(ehlo.lines.includes('PIPELINING'));
    assert.ok(!ehlo.lines.some((line) => line.startsWith('AUTH')), ehlo.lines.join('|'));
    client.close();
  });

  test('EHLO after STARTTLS advertises AUTH PLAIN LOGIN and no STARTTLS', async () => {
    const client = await harness.connect();
    await client.reply();
    await client.ehlo();
    assert.equal((await client.startTls()).code, 220);
    const ehlo = await client.ehlo();
    assert.ok(ehlo.lines.includes('AUTH PLAIN LOGIN'), ehlo.lines.join('|'));
    assert.ok(!ehlo.lines.includes('STARTTLS'));
    client.close();
  });

  test('NOOP, RSET, unknown commands and QUIT carry enhanced codes', async () => {
    const client = await harness.connect();
    await client.reply();
    await client.ehlo();
    const noop = await client.command('NOOP');
    assert.deepEqual([noop.code, noop.enhanced], [250, '2.0.0']);
    const rset = await client.command('RSET');
    assert.deepEqual([rset.code, rset.enhanced], [250, '2.0.0']);
    const unknown = await client.command('FROBNICATE now');
    assert.deepEqual([unknown.code, unknown.enhanced], [500, '5.5.2']);
    const quit = await client.command('QUIT');
    assert.deepEqual([quit.code, quit.enhanced], [221, '2.0.0']);
    await client.waitClosed();
  });

  test('a malformed EHLO still gets an enhanced code', async () => {
    const client = await harness.connect();
    await client.reply();
    const reply = await client.command('EHLO');
    assert.equal(reply.code, 501);
    assert.equal(reply.enhanced, '5.5.4');
    client.close();
  });

  test('every reply in the table has a code and enhanced code of the same class', () => {
    for (const [name, reply] of Object.entries(REPLIES)) {
      assert.equal(String(reply.code)[0], reply.enhanced[0], name);
    }
  });
});
