import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SmtpTestClient } from '../helpers/smtp-client.ts';
import { USER, envelope, message, startSubmission } from './harness.ts';

/** Writes one byte every `intervalMs` until the server hangs up; returns how many bytes went out. */
async function trickle(client: SmtpTestClient, text: string, intervalMs: number): Promise<number> {
  let sent = 0;
  while (!client.closed && sent < text.length) {
    client.write(text[sent++]!);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return sent;
}

describe('slow, broken and hostile clients', { timeout: 60_000 }, () => {
  test('a command line trickled byte by byte is cut off by the command deadline with 421 4.4.2', async () => {
    // The idle timeout is far longer than the gap between bytes, so only the deadline can fire.
    const harness = await startSubmission({ options: { commandDeadlineMs: 200, idleTimeoutMs: 30_000 } });
    try {
      const client = await harness.connect({ timeoutMs: 20_000 });
      await client.reply();
      const trickling = trickle(client, `EHLO ${'x'.repeat(2000)}.example\r\n`, 20);
      const reply = await client.reply();
      assert.deepEqual([reply.code, reply.enhanced], [421, '4.4.2']);
      await client.waitClosed();
      const sent = await trickling;
      assert.ok(sent < 2000, 'cut off before the line was complete');
    } finally {
      await harness.close();
    }
  });

  test('commands that each arrive in time are not affected by the command deadline', async () => {
    const harness = await startSubmission({ options: { commandDeadlineMs: 300 } });
    try {
      const client = await harness.login();
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal((await client.command('NOOP')).code, 250);
      }
    } finally {
      await harness.close();
    }
  });

  test('a message trickled byte by byte is cut off by the DATA deadline with 421 4.4.2 and never accepted', async () => {
    const harness = await startSubmission({ options: { dataDeadlineMs: 300, commandDeadlineMs: 10_000, idleTimeoutMs: 30_000 } });
    try {
      const client = await harness.login();
      await envelope(client);
      assert.equal((await client.command('DATA')).code, 354);
      const trickling = trickle(client, `${message('a'.repeat(5000))}.\r\n`, 10);
      const reply = await client.reply();
      assert.deepEqual([reply.code, reply.enhanced], [421, '4.4.2']);
      await client.waitClosed();
      await trickling;
      assert.equal(harness.accepted.length, 0);
    } finally {
      await harness.close();
    }
  });

  test('a reset in the middle of DATA accepts nothing, and the server keeps serving', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.login();
      await envelope(client);
      await client.command('DATA');
      client.write(`From: <${USER}>\r\nSubject: half\r\n\r\nhalf a mess`);
      // Give the partial message a moment to reach the server; the test holds either way.
      await new Promise((resolve) => setTimeout(resolve, 50));
      client.reset();
      const next = await harness.login();
      await envelope(next);
      await next.command('DATA');
      next.write(`${message('whole')}.\r\n`);
      assert.equal((await next.reply()).code, 250);
      assert.equal(harness.accepted.length, 1);
      assert.equal(harness.accepted[0]!.raw.toString(), message('whole'));
    } finally {
      await harness.close();
    }
  });

  test('resets at every stage of a session never take the server down', async () => {
    const harness = await startSubmission();
    try {
      const stages: Array<(client: SmtpTestClient) => Promise<unknown>> = [
        async () => undefined,
        async (c) => c.reply(),
        async (c) => (await c.reply(), c.ehlo()),
        async (c) => (await c.reply(), await c.ehlo(), c.write('STARTTLS\r\n')),
        async (c) => (await c.login(USER, 'wrong'), c.write('AUTH PLAIN')),
        async (c) => (await c.login(USER, 'correct horse battery staple'), envelope(c)),
      ];
      for (const stage of stages) {
        const client = await harness.connect();
        await stage(client).catch(() => undefined);
        client.reset();
      }
      const client = await harness.login();
      assert.equal((await client.command('NOOP')).code, 250);
    } finally {
      await harness.close();
    }
  });

  test('with a greeting delay (pregreet detection), a client that talks before the greeting is refused', async () => {
    const harness = await startSubmission({ options: { greetingDelayMs: 500 } });
    try {
      const early = await harness.connect();
      early.write('EHLO early.example\r\n');
      const refused = await early.reply();
      assert.equal(refused.code, 421);
      assert.match(refused.last, /You talk too soon/);
      // A client that waits for the greeting is served as usual.
      const patient = await harness.connect();
      assert.equal((await patient.reply()).code, 220);
      assert.equal((await patient.ehlo()).code, 250);
      patient.close();
    } finally {
      await harness.close();
    }
  });

  test('submission has no pregreet pause by default: EHLO sent straight after connecting is served', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.connect();
      client.write('EHLO eager.example\r\n');
      assert.equal((await client.reply()).code, 220);
      assert.equal((await client.reply()).code, 250);
      client.close();
    } finally {
      await harness.close();
    }
  });

  test('a command line over the limit gets 500 5.5.2 and the connection is closed', async () => {
    const harness = await startSubmission({ options: { maxCommandLength: 512 } });
    try {
      const client = await harness.login();
      const reply = await client.command(`MAIL FROM:<${'a'.repeat(600)}@example.com>`);
      assert.deepEqual([reply.code, reply.enhanced], [500, '5.5.2']);
      await client.waitClosed();
    } finally {
      await harness.close();
    }
  });

  test('commands pipelined behind STARTTLS in the same packet are discarded (CVE-2011-0411)', async () => {
    const harness = await startSubmission();
    try {
      const client = await harness.connect();
      await client.reply();
      await client.ehlo();
      client.write(`STARTTLS\r\nMAIL FROM:<${USER}>\r\nNOOP\r\n`);
      const ready = await client.reply();
      assert.equal(ready.code, 220);
      assert.equal(client.unread, '');
      await client.upgrade();
      const ehlo = await client.ehlo();
      assert.equal(ehlo.code, 250, 'the first reply over TLS answers our EHLO, not an injected command');
      assert.ok(ehlo.lines.includes('AUTH PLAIN LOGIN'));
      const noop = await client.command('NOOP');
      assert.equal(noop.last, '250 2.0.0 OK');
      assert.equal(client.unread, '');
    } finally {
      await harness.close();
    }
  });

  test('connections beyond maxClients are turned away with 421 4.3.2', async () => {
    const harness = await startSubmission({ options: { maxClients: 1 } });
    try {
      const first = await harness.connect();
      assert.equal((await first.reply()).code, 220);
      const second = await harness.connect();
      const reply = await second.reply();
      assert.deepEqual([reply.code, reply.enhanced], [421, '4.3.2']);
    } finally {
      await harness.close();
    }
  });

  test('close() ends idle sessions with 421 4.3.2 but lets a message in transfer finish', async () => {
    const harness = await startSubmission({ options: { shutdownGraceMs: 5_000 } });
    try {
      const idle = await harness.login();
      const busy = await harness.login();
      await envelope(busy);
      assert.equal((await busy.command('DATA')).code, 354);
      busy.write(`From: <${USER}>\r\nSubject: in flight\r\n\r\n`);
      const closing = harness.server.close();
      const bye = await idle.reply();
      assert.deepEqual([bye.code, bye.enhanced], [421, '4.3.2']);
      busy.write('rest of the message\r\n.\r\n');
      const done = await busy.reply();
      assert.equal(done.code, 250);
      const next = await busy.command('NOOP');
      assert.deepEqual([next.code, next.enhanced], [421, '4.3.2']);
      await closing;
      assert.equal(harness.accepted.length, 1);
    } finally {
      await harness.close();
    }
  });

  test('close() cuts a session that is still busy when the grace period ends', async () => {
    const harness = await startSubmission({ options: { shutdownGraceMs: 100 } });
    try {
      const busy = await harness.login();
      await envelope(busy);
      await busy.command('DATA');
      busy.write(`From: <${USER}>\r\n`);
      await harness.server.close();
      await busy.waitClosed();
      assert.equal(harness.accepted.length, 0);
    } finally {
      await harness.close();
    }
  });
});
