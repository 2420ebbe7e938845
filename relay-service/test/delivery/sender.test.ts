import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, describe, it } from 'node:test';

import type { MxHost } from '../../src/delivery/mx.ts';
import { createSender } from '../../src/delivery/sender.ts';
import type { Sender, SenderOptions } from '../../src/delivery/sender.ts';
import type { OutboundMessage } from '../../src/delivery/types.ts';
import { closedPort, startSmtpSink } from '../helpers/smtp-sink.ts';
import type { SinkBehaviour, SmtpSink } from '../helpers/smtp-sink.ts';

function message(recipients: string[], subject = 'Hello'): OutboundMessage {
  const raw = Buffer.from(`From: shop@sender.test\r\nTo: ${recipients.join(', ')}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@sender.test>\r\n\r\nBody of ${subject}\r\n`);
  return { queueIds: ['q1'], mailFrom: 'bounces@sender.test', recipients, domain: 'example.test', raw };
}

function hostAt(port: number, host = 'mx1.example.test', priority = 10): MxHost {
  return { host, priority, addresses: ['127.0.0.1'], port };
}

describe('sender: one SMTP transaction per MX against a real smtp-server sink', { timeout: 30_000 }, () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function sink(options: { starttls?: boolean; behaviour?: SinkBehaviour } = {}): Promise<SmtpSink> {
    const started = await startSmtpSink(options);
    cleanups.push(() => started.close());
    return started;
  }

  function sender(options: Partial<SenderOptions> = {}): Sender {
    const created = createSender({ helo: 'relay.sender.test', connectionTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 2000, ...options });
    cleanups.push(() => created.close());
    return created;
  }

  it('delivers to the MX and records the 250 reply, host and IP', async () => {
    const mx = await sink();
    const [delivered] = await sender().send(message(['alice@example.test']), [hostAt(mx.port)]);
    assert.equal(delivered!.result.action, 'delivered');
    assert.equal(delivered!.result.responseCode, 250);
    assert.equal(delivered!.result.mxHost, 'mx1.example.test');
    assert.equal(delivered!.result.mxIp, '127.0.0.1');
    assert.equal(mx.messages.length, 1);
    assert.deepEqual(mx.messages[0]!.rcptTo, ['alice@example.test']);
    assert.equal(mx.messages[0]!.mailFrom, 'bounces@sender.test');
    assert.equal(mx.messages[0]!.clientHostname, 'relay.sender.test');
    assert.match(mx.messages[0]!.raw.toString(), /Subject: Hello/);
  });

  it('upgrades with STARTTLS when the MX offers it, accepting a self-signed certificate', async () => {
    const mx = await sink({ starttls: true });
    const [delivered] = await sender().send(message(['alice@example.test']), [hostAt(mx.port)]);
    assert.equal(delivered!.result.action, 'delivered');
    assert.equal(delivered!.result.tls, true);
    assert.equal(mx.messages[0]!.secure, true);
  });

  it('stays in plaintext and says so when the MX offers no STARTTLS', async () => {
    const mx = await sink();
    const [delivered] = await sender().send(message(['alice@example.test']), [hostAt(mx.port)]);
    assert.equal(delivered!.result.tls, false);
    assert.equal(mx.messages[0]!.secure, false);
  });

  it('falls back to the second MX host when the first refuses connections', async () => {
    const mx2 = await sink();
    const hosts = [hostAt(await closedPort(), 'mx1.example.test', 10), hostAt(mx2.port, 'mx2.example.test', 20)];
    const [delivered] = await sender().send(message(['alice@example.test']), hosts);
    assert.equal(delivered!.result.action, 'delivered');
    assert.equal(delivered!.result.mxHost, 'mx2.example.test');
    assert.equal(mx2.messages.length, 1);
  });

  it('defers with category connection when every MX refuses connections', async () => {
    const [deferred] = await sender().send(message(['alice@example.test']), [hostAt(await closedPort())]);
    assert.equal(deferred!.result.action, 'deferred');
    assert.equal(deferred!.result.category, 'connection');
    assert.equal(deferred!.result.responseCode, null);
  });

  it('defers a 4xx at RCPT and keeps the remote reply', async () => {
    const mx = await sink({ behaviour: { rcptDefault: { code: 451, message: '4.3.0 Mailbox temporarily unavailable' } } });
    const [deferred] = await sender().send(message(['alice@example.test']), [hostAt(mx.port)]);
    assert.equal(deferred!.result.action, 'deferred');
    assert.equal(deferred!.result.responseCode, 451);
    assert.equal(deferred!.result.enhancedStatus, '4.3.0');
    assert.match(deferred!.result.response, /Mailbox temporarily unavailable/);
    assert.equal(mx.messages.length, 0);
  });

  it('tries the next MX after a 4xx and delivers there', async () => {
    const busy = await sink({ behaviour: { data: { code: 421, message: '4.7.0 Try again later, closing connection' } } });
    const good = await sink();
    const hosts = [hostAt(busy.port, 'mx1.example.test', 10), hostAt(good.port, 'mx2.example.test', 20)];
    const [delivered] = await sender().send(message(['alice@example.test']), hosts);
    assert.equal(delivered!.result.action, 'delivered');
    assert.equal(delivered!.result.mxHost, 'mx2.example.test');
  });

  it('bounces an unknown user (550 5.1.1) as mailbox_unknown and does not try the next MX', async () => {
    const mx1 = await sink({ behaviour: { rcptDefault: { code: 550, message: '5.1.1 The email account that you tried to reach does not exist' } } });
    const mx2 = await sink();
    const hosts = [hostAt(mx1.port, 'mx1.example.test', 10), hostAt(mx2.port, 'mx2.example.test', 20)];
    const [bounced] = await sender().send(message(['nobody@example.test']), hosts);
    assert.equal(bounced!.result.action, 'bounced');
    assert.equal(bounced!.result.category, 'mailbox_unknown');
    assert.equal(bounced!.result.responseCode, 550);
    assert.equal(mx2.connections(), 0);
  });

  it('defers a 5xx whose text says rate limit (temporary in disguise, from the rules file)', async () => {
    const mx = await sink({ behaviour: { data: { code: 550, message: '5.7.1 Too many messages from this sender, rate limit exceeded' } } });
    const [deferred] = await sender().send(message(['alice@example.test']), [hostAt(mx.port)]);
    assert.equal(deferred!.result.action, 'deferred');
    assert.equal(deferred!.result.category, 'rate_limited');
    assert.equal(deferred!.result.responseCode, 550);
  });

  it('gives one result per recipient when the MX rejects some at RCPT and accepts the rest', async () => {
    const mx = await sink({
      behaviour: {
        rcpt: {
          'nobody@example.test': { code: 550, message: '5.1.1 User unknown' },
          'full@example.test': { code: 452, message: '4.2.2 The email account that you tried to reach is over quota' },
        },
      },
    });
    const results = await sender().send(message(['alice@example.test', 'nobody@example.test', 'full@example.test']), [hostAt(mx.port)]);
    const byRecipient = Object.fromEntries(results.map((r) => [r.recipient, r.result]));
    assert.equal(byRecipient['alice@example.test']!.action, 'delivered');
    assert.equal(byRecipient['nobody@example.test']!.action, 'bounced');
    assert.equal(byRecipient['nobody@example.test']!.category, 'mailbox_unknown');
    assert.equal(byRecipient['full@example.test']!.action, 'deferred');
    assert.equal(byRecipient['full@example.test']!.category, 'mailbox_full');
    assert.deepEqual(mx.messages.map((m) => m.rcptTo), [['alice@example.test']]);
  });

  it('bounces every recipient when MAIL FROM is refused with 5xx', async () => {
    const mx = await sink({ behaviour: { mail: { code: 553, message: '5.7.1 Sender address rejected: not owned by user' } } });
    const results = await sender().send(message(['a@example.test', 'b@example.test']), [hostAt(mx.port)]);
    assert.deepEqual(results.map((r) => r.result.action), ['bounced', 'bounced']);
    assert.deepEqual(results.map((r) => r.result.responseCode), [553, 553]);
  });

  it('defers when the MX drops the connection in the middle of DATA', async () => {
    const mx = await sink({ behaviour: { dropMidData: true } });
    const [deferred] = await sender().send(message(['alice@example.test']), [hostAt(mx.port)]);
    assert.equal(deferred!.result.action, 'deferred');
    assert.equal(deferred!.result.category, 'connection');
    assert.equal(mx.messages.length, 0);
  });

  it('defers with category timeout when the MX answers DATA later than the socket timeout', async () => {
    const mx = await sink({ behaviour: { dataDelayMs: 5000 } });
    const [deferred] = await sender({ socketTimeoutMs: 300 }).send(message(['alice@example.test']), [hostAt(mx.port)]);
    assert.equal(deferred!.result.action, 'deferred');
    assert.equal(deferred!.result.category, 'timeout');
  });
});

describe('sender: connection pool per MX host', { timeout: 30_000 }, () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('sends RSET on a reused connection only after a transaction that did not end cleanly', async () => {
    // A scripted MX that records every command line, so the test sees exactly what went out.
    const commands: string[] = [];
    let refuseRcpt = false;
    const server = net.createServer((socket) => {
      let buffer = '';
      let inData = false;
      socket.write('220 mx.test ESMTP\r\n');
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        let nl: number;
        while ((nl = buffer.indexOf('\r\n')) !== -1) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 2);
          if (inData) {
            if (line === '.') { inData = false; socket.write('250 2.0.0 Ok: queued\r\n'); }
            continue;
          }
          const verb = line.split(' ')[0]!.toUpperCase();
          commands.push(verb);
          if (verb === 'EHLO') socket.write('250-mx.test\r\n250 PIPELINING\r\n');
          else if (verb === 'RCPT' && refuseRcpt) socket.write('550 5.1.1 No such user\r\n');
          else if (verb === 'DATA') { inData = true; socket.write('354 go ahead\r\n'); }
          else if (verb === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
          else socket.write('250 2.0.0 Ok\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as net.AddressInfo).port;
    const relay = createSender({ helo: 'relay.sender.test' });
    cleanups.push(() => relay.close());

    for (let i = 0; i < 2; i++) {
      const [r] = await relay.send(message([`ok${i}@example.test`]), [hostAt(port)]);
      assert.equal(r!.result.action, 'delivered');
    }
    assert.deepEqual(commands, ['EHLO', 'MAIL', 'RCPT', 'DATA', 'MAIL', 'RCPT', 'DATA'], 'no RSET after a delivered message');
    refuseRcpt = true;
    const [refused] = await relay.send(message(['gone@example.test']), [hostAt(port)]);
    assert.equal(refused!.result.action, 'bounced');
    refuseRcpt = false;
    commands.length = 0;
    const [after] = await relay.send(message(['ok@example.test']), [hostAt(port)]);
    assert.equal(after!.result.action, 'delivered');
    assert.equal(commands[0], 'RSET', 'the refused transaction is reset before the next one');
    assert.deepEqual(commands.slice(-3), ['MAIL', 'RCPT', 'DATA']);
  });

  it('reuses one connection for consecutive messages to the same MX', async () => {
    const mx = await startSmtpSink();
    cleanups.push(() => mx.close());
    const relay = createSender({ helo: 'relay.sender.test' });
    cleanups.push(() => relay.close());
    for (let i = 0; i < 5; i++) {
      const [result] = await relay.send(message([`user${i}@example.test`], `Message ${i}`), [hostAt(mx.port)]);
      assert.equal(result!.result.action, 'delivered');
    }
    assert.equal(mx.messages.length, 5);
    assert.equal(mx.connections(), 1);
    assert.equal(new Set(mx.messages.map((m) => m.connection)).size, 1);
  });

  it('never opens more connections to one MX than the per-host limit', async () => {
    const mx = await startSmtpSink({ behaviour: { dataDelayMs: 50 } });
    cleanups.push(() => mx.close());
    const relay = createSender({ helo: 'relay.sender.test', maxConnectionsPerHost: 2 });
    cleanups.push(() => relay.close());
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => relay.send(message([`user${i}@example.test`], `Parallel ${i}`), [hostAt(mx.port)])),
    );
    assert.ok(results.every(([r]) => r!.result.action === 'delivered'));
    assert.equal(mx.messages.length, 8);
    assert.ok(mx.maxConcurrentConnections() <= 2, `saw ${mx.maxConcurrentConnections()} concurrent connections`);
    assert.ok(mx.connections() <= 2, `opened ${mx.connections()} connections for 8 messages`);
  });

  it('replaces a pooled connection the MX has closed, without failing the message', async () => {
    const mx = await startSmtpSink();
    cleanups.push(() => mx.close());
    const relay = createSender({ helo: 'relay.sender.test' });
    cleanups.push(() => relay.close());
    await relay.send(message(['first@example.test'], 'First'), [hostAt(mx.port)]);
    mx.dropConnections();
    const [second] = await relay.send(message(['second@example.test'], 'Second'), [hostAt(mx.port)]);
    assert.equal(second!.result.action, 'delivered');
    assert.equal(mx.messages.length, 2);
    assert.equal(mx.connections(), 2);
  });

  it('closes idle pooled connections on shutdown', async () => {
    const mx = await startSmtpSink();
    cleanups.push(() => mx.close());
    const relay = createSender({ helo: 'relay.sender.test' });
    await relay.send(message(['a@example.test']), [hostAt(mx.port)]);
    assert.equal(relay.pool.stats(`127.0.0.1:${mx.port}`).idle, 1);
    relay.close();
    assert.equal(relay.pool.stats(`127.0.0.1:${mx.port}`).idle, 0);
    const [after] = await relay.send(message(['b@example.test']), [hostAt(mx.port)]);
    assert.equal(after!.result.action, 'deferred');
  });
});
