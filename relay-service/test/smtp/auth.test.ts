import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACCOUNT_ID, PASSWORD, USER, startSubmission } from './harness.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('AUTH on the submission port', { timeout: 30_000 }, () => {
  test('AUTH before STARTTLS is refused with 530 5.7.0 and never reaches authenticate', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.connect();
      await client.reply();
      await client.ehlo();
      const reply = await client.authPlain(USER, PASSWORD);
      assert.equal(reply.code, 530);
      assert.equal(reply.enhanced, '5.7.0');
      assert.equal(harness.authAttempts.length, 0);
    } finally {
      await harness.close();
    }
  });

  test('AUTH PLAIN with the right password after STARTTLS gets 235 2.7.0', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.connect();
      const reply = await client.login(USER, PASSWORD);
      assert.deepEqual([reply.code, reply.enhanced], [235, '2.7.0']);
      assert.deepEqual(harness.authAttempts, [{ username: USER, password: PASSWORD, remoteIp: '127.0.0.1' }]);
    } finally {
      await harness.close();
    }
  });

  test('AUTH LOGIN works after STARTTLS', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.connect();
      await client.reply();
      await client.ehlo();
      await client.startTls();
      await client.ehlo();
      assert.equal((await client.command('AUTH LOGIN')).code, 334);
      assert.equal((await client.command(b64(USER))).code, 334);
      const reply = await client.command(b64(PASSWORD));
      assert.deepEqual([reply.code, reply.enhanced], [235, '2.7.0']);
    } finally {
      await harness.close();
    }
  });

  test('wrong credentials get 535 5.7.8 and the password never appears in the logs', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.connect();
      const reply = await client.login(USER, 'wrong-password-123');
      assert.deepEqual([reply.code, reply.enhanced], [535, '5.7.8']);
      const ok = await client.authPlain(USER, PASSWORD);
      assert.equal(ok.code, 235);
      const logs = harness.logs.join('');
      assert.ok(logs.includes('smtp.auth.failed'));
      assert.ok(logs.includes(ACCOUNT_ID));
      assert.ok(!logs.includes('wrong-password-123'));
      assert.ok(!logs.includes(PASSWORD));
    } finally {
      await harness.close();
    }
  });

  test('PLAIN asking to act as another user (authzid) is refused with 535 5.7.8', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.connect();
      await client.login('ignored', 'ignored').catch(() => undefined);
      const reply = await client.command(`AUTH PLAIN ${b64(`bob@example.com\0${USER}\0${PASSWORD}`)}`);
      assert.deepEqual([reply.code, reply.enhanced], [535, '5.7.8']);
    } finally {
      await harness.close();
    }
  });

  test('after maxFailures failures from one address, AUTH is refused with 421 4.7.0 even with the right password', async () => {
    const harness = await startSubmission({ options: { authThrottle: { baseDelayMs: 1, maxDelayMs: 2, maxFailures: 3, windowMs: 60_000 } } });
    try {
      const client = await harness.connect();
      await client.login(USER, 'guess-1');
      assert.equal((await client.authPlain(USER, 'guess-2')).code, 535);
      assert.equal((await client.authPlain(USER, 'guess-3')).code, 535);
      const locked = await client.authPlain(USER, PASSWORD);
      assert.deepEqual([locked.code, locked.enhanced], [421, '4.7.0']);
      await client.waitClosed();
      assert.equal(harness.authAttempts.length, 3, 'the locked-out attempt was not checked');

      // The lockout is per address, not per connection.
      const again = await harness.connect();
      const reply = await again.login(USER, PASSWORD);
      assert.deepEqual([reply.code, reply.enhanced], [421, '4.7.0']);
    } finally {
      await harness.close();
    }
  });

  test('a successful login clears the failures, so earlier mistakes do not add up to a lockout', async () => {
    const harness = await startSubmission({ options: { authThrottle: { baseDelayMs: 1, maxDelayMs: 2, maxFailures: 3, windowMs: 60_000 } } });
    try {
      const first = await harness.connect();
      await first.login(USER, 'typo-1');
      assert.equal((await first.authPlain(USER, 'typo-2')).code, 535);
      assert.equal((await first.authPlain(USER, PASSWORD)).code, 235);
      const second = await harness.connect();
      assert.equal((await second.login(USER, 'typo-3')).code, 535);
      assert.equal((await second.authPlain(USER, 'typo-4')).code, 535);
      assert.equal((await second.authPlain(USER, PASSWORD)).code, 235);
    } finally {
      await harness.close();
    }
  });

  test('an authenticate that throws gives 454 4.7.0 (temporary), not 535', async () => {
    const harness = await startSubmission({
      deps: {
        async authenticate() {
          throw new Error('database down');
        },
      },
    });
    try {
      const client = await harness.connect();
      const reply = await client.login(USER, PASSWORD);
      assert.deepEqual([reply.code, reply.enhanced], [454, '4.7.0']);
    } finally {
      await harness.close();
    }
  });

  test('implicit TLS (port 465 mode) accepts AUTH right after EHLO', async () => {
    const harness = await startSubmission({ options: { mode: 'implicit-tls' } });
    try {
      const client = await harness.connect();
      await client.reply();
      const ehlo = await client.ehlo();
      assert.ok(ehlo.lines.includes('AUTH PLAIN LOGIN'));
      assert.ok(!ehlo.lines.includes('STARTTLS'));
      const reply = await client.authPlain(USER, PASSWORD);
      assert.deepEqual([reply.code, reply.enhanced], [235, '2.7.0']);
    } finally {
      await harness.close();
    }
  });
});
