/**
 * SMTP smuggling (CVE-2023-51764 class): one submission must never become two messages,
 * whatever end-of-data look-alike is hidden inside it, and however TCP splits it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SmtpTestClient } from '../helpers/smtp-client.ts';
import { USER, envelope, message, startSubmission, type Harness } from './harness.ts';

const SMUGGLED = `MAIL FROM:<${USER}>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\nFrom: <${USER}>\r\nSubject: smuggled\r\n\r\nsecond message\r\n`;

const FAKE_ENDINGS: Record<string, string> = {
  '<LF>.<LF>': '\n.\n',
  '<LF>.<CR><LF>': '\n.\r\n',
  '<CR>.<CR>': '\r.\r',
  '<CR><LF>.<LF>': '\r\n.\n',
  '<CR><LF>.<CR>': '\r\n.\r',
  '<CR>.<CR><LF>': '\r.\r\n',
  '<CR>.<LF>': '\r.\n',
};

async function send(client: SmtpTestClient, payload: string, byteByByte: boolean): Promise<void> {
  if (!byteByByte) return client.write(payload);
  for (const byte of payload) {
    client.write(byte);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('SMTP smuggling', { timeout: 60_000 }, () => {
  let harness: Harness;
  before(async () => {
    harness = await startSubmission();
  });
  after(() => harness.close());

  for (const [name, ending] of Object.entries(FAKE_ENDINGS)) {
    for (const byteByByte of [false, true]) {
      test(`${name} followed by a second MAIL FROM is refused whole with 554 5.6.0 (${byteByByte ? 'one byte per write' : 'one write'})`, async () => {
        const before = harness.accepted.length;
        const client = await harness.login();
        await envelope(client);
        assert.equal((await client.command('DATA')).code, 354);
        // The body deliberately does not end in CRLF before the fake ending.
        await send(client, `From: <${USER}>\r\nSubject: first\r\n\r\nfirst message${ending}${SMUGGLED}.\r\n`, byteByByte);
        const reply = await client.reply();
        assert.deepEqual([reply.code, reply.enhanced], [554, '5.6.0']);
        assert.equal(harness.accepted.length, before, 'nothing was accepted');
        // In sync: the next reply answers our NOOP, not a smuggled command.
        const noop = await client.command('NOOP');
        assert.equal(noop.last, '250 2.0.0 OK');
        assert.equal(client.unread, '');
        client.close();
      });
    }
  }

  test('a lone LF anywhere in the message is refused with 554 5.6.0', async () => {
    const before = harness.accepted.length;
    const client = await harness.login();
    await envelope(client);
    await client.command('DATA');
    client.write(`From: <${USER}>\r\nSubject: x\r\n\r\nline one\nline two\r\n.\r\n`);
    assert.equal((await client.reply()).last.slice(0, 9), '554 5.6.0');
    assert.equal(harness.accepted.length, before);
    client.close();
  });

  test('a lone CR anywhere in the message is refused with 554 5.6.0', async () => {
    const before = harness.accepted.length;
    const client = await harness.login();
    await envelope(client);
    await client.command('DATA');
    client.write(`From: <${USER}>\r\nSubject: x\r\n\r\nline one\rline two\r\n.\r\n`);
    assert.equal((await client.reply()).last.slice(0, 9), '554 5.6.0');
    assert.equal(harness.accepted.length, before);
    client.close();
  });

  test('a dot-stuffed "." line followed by MAIL FROM stays inside the one message', async () => {
    const before = harness.accepted.length;
    const client = await harness.login();
    await envelope(client);
    await client.command('DATA');
    client.write(`From: <${USER}>\r\nSubject: x\r\n\r\nfirst\r\n..\r\n${SMUGGLED}.\r\n`);
    const reply = await client.reply();
    assert.equal(reply.code, 250);
    assert.equal(harness.accepted.length, before + 1);
    assert.equal(harness.accepted.at(-1)!.raw.toString(), `From: <${USER}>\r\nSubject: x\r\n\r\nfirst\r\n.\r\n${SMUGGLED}`);
    assert.deepEqual(harness.accepted.at(-1)!.recipients, ['bob@example.net']);
    assert.equal((await client.command('NOOP')).last, '250 2.0.0 OK');
    assert.equal(client.unread, '');
    client.close();
  });

  test('a real <CRLF>.<CRLF> with a pipelined second transaction gives two answered transactions', async () => {
    const before = harness.accepted.length;
    const client = await harness.login();
    await envelope(client);
    await client.command('DATA');
    client.write(`${message('one')}.\r\nMAIL FROM:<${USER}>\r\nRCPT TO:<two@example.net>\r\nDATA\r\n`);
    assert.equal((await client.reply()).code, 250);
    assert.equal((await client.reply()).code, 250);
    assert.equal((await client.reply()).code, 250);
    assert.equal((await client.reply()).code, 354);
    client.write(`${message('two')}.\r\n`);
    assert.equal((await client.reply()).code, 250);
    assert.deepEqual(
      harness.accepted.slice(before).map((input) => [input.recipients, input.raw.toString()]),
      [
        [['bob@example.net'], message('one')],
        [['two@example.net'], message('two')],
      ],
    );
    client.close();
  });
});
