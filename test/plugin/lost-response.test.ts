import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRelayedSite, deliveriesByMessageId, relayMessages, startMailWorld, waitDelivered, type MailWorld, type RelayedSite } from './harness.ts';
import { makeAttachments, sendPluginMail, type Attachments } from './mail-fixtures.ts';

interface SeenPost {
  idempotencyKey: string | undefined;
  status: number;
  body: string;
  dropped: boolean;
}

/**
 * A loopback HTTP proxy between WordPress and the relay. Every request is forwarded in full
 * and the relay's answer awaited; for the first `dropPosts` POSTs to /v1/emails the answer is
 * then thrown away and the client's connection closed, so the relay has committed but the
 * plugin never learns it.
 */
async function startLossyProxy(target: () => string, dropPosts: number) {
  const posts: SeenPost[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: new URL(target()).host, 'content-length': String(body.length) };
      const upstream = httpRequest(new URL(req.url!, target()), { method: req.method, headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          const isSend = req.method === 'POST' && req.url === '/v1/emails';
          const drop = isSend && posts.filter((p) => p.dropped).length < dropPosts;
          if (isSend) posts.push({ idempotencyKey: req.headers['idempotency-key'] as string | undefined, status: answer.statusCode ?? 0, body: text, dropped: drop });
          if (drop) {
            req.socket.destroy(); // the answer is lost on the way back
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(parts));
        });
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('idempotency across a lost response', { timeout: 90_000 }, () => {
  let world: MailWorld;
  let rs: RelayedSite;
  let files: Attachments;
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;

  before(async () => {
    world = await startMailWorld();
    proxy = await startLossyProxy(() => world.relay.baseUrl, 1);
    rs = await createRelayedSite(proxy.url, world.account.token);
    files = makeAttachments();
  });
  after(async () => {
    await rs?.destroy();
    await proxy?.close();
    await world?.close();
    files?.remove();
  });

  test('the relay commits, the plugin sees no answer, the cron retry is answered from the first commit: one delivery', async () => {
    const sent = await sendPluginMail(rs, files);
    assert.equal(sent.ok, true, 'wp_mail() returns true: queued, outcome unknown');
    assert.equal(proxy.posts.length, 1);
    const first = proxy.posts[0]!;
    assert.equal(first.status, 202, `the relay accepted the first attempt: ${first.body}`);
    const relayId = JSON.parse(first.body).id as string;

    let [row] = await rs.outbox();
    assert.equal(row!.status, 'pending', 'the plugin does not know the relay accepted it');
    assert.equal(row!.relay_message_id, null);
    assert.match(String(row!.last_error), /cURL error 52|Empty reply/i);
    assert.equal(first.idempotencyKey, row!.idempotency_key, 'the request carried the outbox row key');

    await rs.runCron();
    assert.equal(proxy.posts.length, 2);
    const retry = proxy.posts[1]!;
    assert.equal(retry.idempotencyKey, first.idempotencyKey, 'the retry repeats the Idempotency-Key');
    assert.equal(retry.status, 202, `the relay answered the retry: ${retry.body}`);
    assert.equal(JSON.parse(retry.body).id, relayId, 'answered from the first commit');

    [row] = await rs.outbox();
    assert.equal(row!.status, 'sent');
    assert.equal(row!.relay_message_id, relayId);
    const [logRow] = await rs.log();
    assert.equal(logRow!.status, 'sent');
    assert.equal(logRow!.relay_message_id, relayId);

    await waitDelivered(world, [relayId]);
    await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show up
    const byId = deliveriesByMessageId(world.sink.messages);
    assert.equal(byId.size, 1);
    const perRcpt = byId.get(String(logRow!.message_id_header).replace(/^<|>$/g, ''));
    assert.deepEqual(Object.fromEntries(perRcpt ?? []), { 'customer@example.org': 1, 'manager@example.net': 1, 'archive@example.com': 1 });
    assert.deepEqual((await relayMessages(world)).map((m) => m.id), [relayId], 'one message at the relay');
  });
});
