import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import express from 'express';
import { pino } from 'pino';
import { unsubscribeRouter } from '../../src/http/routes/unsubscribe.ts';
import { createUnsubscribeTokens } from '../../src/unsubscribe/token.ts';
import { newId } from '../../src/ids.ts';
import type { Store } from '../../src/store/index.ts';

describe('unsubscribe routes when the database fails', () => {
  const logs: string[] = [];
  const tokens = createUnsubscribeTokens(randomBytes(32));
  const token = tokens.create(newId('rcpt'));
  let server: http.Server;
  let base: string;

  before(async () => {
    // A database error quoting the address it was writing, as knex errors quote their SQL.
    const failing = async () => { throw Object.assign(new Error("insert into suppressions values ('ann@customer.test') - connection lost"), { code: 'ECONNRESET' }); };
    const store = { unsubscribes: { find: failing, unsubscribe: failing } } as unknown as Store;
    const logger = pino(new Writable({ write(chunk, _encoding, done) { logs.push(String(chunk)); done(); } }));
    const app = express();
    app.use(unsubscribeRouter({ store, tokens, logger }));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('GET and POST answer a 500 page, and the log names neither the token nor the address', async () => {
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${base}/unsubscribe/${token}`, { method });
      assert.equal(res.status, 500);
      assert.match(await res.text(), /Nothing has changed/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    const failures = logs.map((l) => JSON.parse(l)).filter((l) => l.event === 'unsubscribe.failed');
    assert.deepEqual(failures.map((l) => [l.method, l.code]), [['GET', 'ECONNRESET'], ['POST', 'ECONNRESET']]);
    const text = logs.join('');
    assert.equal(text.includes(token.split('.')[1]!), false, 'no MAC in the logs');
    assert.equal(text.includes('ann@customer.test'), false, 'no address in the logs');
  });
});
