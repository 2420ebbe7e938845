import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RelayError } from '../../src/errors.ts';
import { ACCOUNT_ID, USER, envelope, message, startSubmission } from './harness.ts';

describe('DATA and the accept pipeline', { timeout: 30_000 }, () => {
  test('a message is handed to accept with the envelope and CRLF content, then 250 2.0.0 names the queue id', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.login();
      await client.command(`MAIL FROM:<${USER}>`);
      await client.command('RCPT TO:<bob@example.net>');
      await client.command('RCPT TO:<carol@example.org>');
      assert.equal((await client.command('DATA')).code, 354);
      client.write(`${message('Hi Bob.\r\n..leading dot')}.\r\n`);
      const reply = await client.reply();
      assert.equal(reply.code, 250);
      assert.equal(reply.enhanced, '2.0.0');
      assert.match(reply.last, /^250 2\.0\.0 Ok: queued as msg_test\d+$/);
      assert.equal(harness.accepted.length, 1);
      const input = harness.accepted[0]!;
      assert.equal(input.accountId, ACCOUNT_ID);
      assert.equal(input.source, 'smtp');
      assert.equal(input.mailFrom, USER);
      assert.deepEqual(input.recipients, ['bob@example.net', 'carol@example.org']);
      assert.equal(input.raw.toString(), message('Hi Bob.\r\n.leading dot'));
      const messageId = reply.last.split(' ').pop();
      assert.ok(harness.logs.some((line) => line.includes('smtp.message.accepted') && line.includes(messageId!)));
    } finally {
      await harness.close();
    }
  });

  test('the 250 is written only after accept resolved', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let settled = false;
    const harness = await startSubmission({
      deps: {
        async accept(input) {
          await gate;
          settled = true;
          return { messageId: 'msg_gated', recipients: input.recipients.map((email) => ({ id: 'q1', email })) };
        },
      },
    });
    try {
      const client = await harness.login();
      await envelope(client);
      await client.command('DATA');
      client.write(`${message()}.\r\n`);
      // NOOP pipelined behind the message cannot be answered before the DATA reply.
      client.write('NOOP\r\n');
      setImmediate(() => release());
      const reply = await client.reply();
      assert.equal(settled, true);
      assert.equal(reply.last, '250 2.0.0 Ok: queued as msg_gated');
      assert.equal((await client.reply()).code, 250);
    } finally {
      await harness.close();
    }
  });

  const rejections: Array<[string, RelayError, string]> = [
    ['sender_domain_not_allowed', new RelayError('sender_domain_not_allowed'), '553 5.7.1'],
    ['invalid_message', new RelayError('invalid_message', 'Missing From header'), '554 5.6.0'],
    ['unavailable', new RelayError('unavailable'), '451 4.3.0'],
  ];
  for (const [name, error, expected] of rejections) {
    test(`accept rejecting with ${name} is answered ${expected}`, async () => {
      const harness = await startSubmission({
        deps: {
          async accept() {
            throw error;
          },
        },
      });
      try {
        const client = await harness.login();
        await envelope(client);
        await client.command('DATA');
        client.write(`${message()}.\r\n`);
        const reply = await client.reply();
        assert.equal(`${reply.code} ${reply.enhanced}`, expected);
        assert.ok(reply.last.endsWith(error.message), reply.last);
        // The session goes on: a new transaction can start.
        assert.equal((await client.command(`MAIL FROM:<${USER}>`)).code, 250);
      } finally {
        await harness.close();
      }
    });
  }

  test('any other accept error is answered 451 4.3.0 so the client retries', async () => {
    const harness = await startSubmission({
      deps: {
        async accept() {
          throw new Error('SQLITE_BUSY: database is locked');
        },
      },
    });
    try {
      const client = await harness.login();
      await envelope(client);
      await client.command('DATA');
      client.write(`${message()}.\r\n`);
      const reply = await client.reply();
      assert.deepEqual([reply.code, reply.enhanced], [451, '4.3.0']);
      assert.ok(!reply.last.includes('SQLITE'), 'internal details stay in the log');
    } finally {
      await harness.close();
    }
  });

  test('a message over the size limit is refused with 552 5.3.4 and not accepted', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.login();
      await envelope(client);
      await client.command('DATA');
      client.write(`${message('x'.repeat(900) + '\r\n'.repeat(1) + ('y'.repeat(900) + '\r\n').repeat(12))}.\r\n`);
      const reply = await client.reply();
      assert.deepEqual([reply.code, reply.enhanced], [552, '5.3.4']);
      assert.equal(harness.accepted.length, 0);
    } finally {
      await harness.close();
    }
  });

  test('a line over 998 octets is refused with 554 5.6.0 and not accepted', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.login();
      await envelope(client);
      await client.command('DATA');
      client.write(`${message('z'.repeat(999))}.\r\n`);
      const reply = await client.reply();
      assert.deepEqual([reply.code, reply.enhanced], [554, '5.6.0']);
      assert.equal(harness.accepted.length, 0);

      await envelope(client);
      await client.command('DATA');
      client.write(`${message('z'.repeat(998))}.\r\n`);
      assert.equal((await client.reply()).code, 250, 'exactly 998 octets is fine');
      assert.equal(harness.accepted.length, 1);
    } finally {
      await harness.close();
    }
  });
});
