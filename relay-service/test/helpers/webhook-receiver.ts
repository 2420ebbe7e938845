import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status this receiver answered. */
  answered: number;
  at: number;
}

export type ReceiverMode = { kind: 'ok' } | { kind: 'status'; status: number } | { kind: 'hang' } | { kind: 'redirect'; location: string };

/**
 * A webhook endpoint on 127.0.0.1 that records every request and answers as told: 200,
 * another status, never (hang), or a redirect, so retries and failure handling run
 * against a real HTTP server.
 */
export async function startWebhookReceiver(path = '/hooks') {
  const received: ReceivedWebhook[] = [];
  let mode: ReceiverMode = { kind: 'ok' };
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record = (answered: number) => received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered, at: Date.now() });
      if (req.url !== path) {
        record(404);
        return res.writeHead(404).end();
      }
      switch (mode.kind) {
        case 'ok': record(200); return res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
        case 'status': record(mode.status); return res.writeHead(mode.status).end('receiver trouble');
        case 'redirect': record(302); return res.writeHead(302, { location: mode.location }).end();
        case 'hang': record(0); hanging.add(res); return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    setMode(next: ReceiverMode) {
      mode = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
