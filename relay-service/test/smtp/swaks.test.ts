/**
 * An independent client: Debian's swaks submits over STARTTLS with AUTH PLAIN, as an MUA
 * or a WordPress SMTP plugin would.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ACCOUNT_ID, PASSWORD, USER, startSubmission } from './harness.ts';

const run = promisify(execFile);

describe('swaks against the submission server', { timeout: 30_000 }, () => {
  test('submits over STARTTLS with AUTH PLAIN and gets 250 2.0.0 after accept', async () => {
    const harness = await startSubmission();
    try {
      const body = 'Date: Mon, 1 Jan 2024 00:00:00 +0000\nFrom: <alice@example.com>\nTo: <bob@example.net>\nSubject: from swaks\n\nHello from swaks.\n.leading dot';
      const { stdout } = await run(
        'swaks',
        [
          '--server', '127.0.0.1', '--port', String(harness.port),
          '--ehlo', 'swaks.test', '--tls',
          '--auth', 'PLAIN', '--auth-user', USER, '--auth-password', PASSWORD,
          '--from', USER, '--to', 'bob@example.net,carol@example.org',
          '--data', body,
          '--timeout', '10',
        ],
        { timeout: 20_000 },
      );
      assert.match(stdout, /<~ {2}235 2\.7\.0 /);
      assert.match(stdout, /<~ {2}250 2\.0\.0 Ok: queued as msg_test\d+/);
      assert.equal(harness.accepted.length, 1);
      const input = harness.accepted[0]!;
      assert.equal(input.accountId, ACCOUNT_ID);
      assert.equal(input.source, 'smtp');
      assert.equal(input.mailFrom, USER);
      assert.deepEqual(input.recipients, ['bob@example.net', 'carol@example.org']);
      // swaks sends CRLF line endings, dot-stuffs and ends the last line; accept sees the text in CRLF form.
      assert.equal(input.raw.toString(), `${body.replace(/\n/g, '\r\n')}\r\n`);
    } finally {
      await harness.close();
    }
  });
});
