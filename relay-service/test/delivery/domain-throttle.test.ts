import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainThrottle, parseDomainRates } from '../../src/delivery/domain-throttle.ts';
import { api, provisionAccount, startTestRelay, type ProvisionedAccount, type TestRelay } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

test('a rate per minute, a pause on "slow down" that doubles, half speed afterwards, reset by a success', () => {
  const t = new DomainThrottle({ rates: parseDomainRates(['slow.test=2']), defaultRate: null });
  const t0 = 1_000_000;
  assert.deepEqual(t.take('slow.test', t0), { ok: true });
  assert.deepEqual(t.take('slow.test', t0), { ok: true });
  assert.deepEqual(t.take('slow.test', t0), { ok: false, retryAt: t0 + 30_000 });
  assert.deepEqual(t.blocked(t0 + 1), ['slow.test']);
  assert.deepEqual(t.take('slow.test', t0 + 30_000), { ok: true }, 'a token every 30 s at 2 a minute');
  assert.deepEqual(t.take('other.test', t0), { ok: true }, 'no rate: unlimited');

  assert.equal(t.rateLimited('busy.test', t0), t0 + 60_000);
  assert.deepEqual(t.take('busy.test', t0 + 1000), { ok: false, retryAt: t0 + 60_000 });
  assert.equal(t.rateLimited('busy.test', t0 + 60_000), t0 + 60_000 + 120_000, 'doubled');
  t.succeeded('busy.test');
  assert.equal(t.rateLimited('busy.test', t0 + 200_000), t0 + 200_000 + 60_000, 'back to one minute after a success');
  // Slowed to half of the default 60 a minute for ten minutes: one message every 2 s.
  const after = t0 + 260_000;
  assert.deepEqual(t.take('busy.test', after + 2_000), { ok: true });
  assert.equal(t.take('busy.test', after + 2_000).ok, false);
  assert.throws(() => parseDomainRates(['gmail.com:600']), /"gmail\.com:600" is not domain=messages-per-minute/);
});

describe('throttles in the delivery loop', () => {
  let relay: TestRelay;
  let sink: SmtpSink;
  let shop: ProvisionedAccount;
  before(async () => {
    sink = await startSmtpSink({ behaviour: { rcpt: { 'a@busy.test': { code: 421, message: '4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address' } } } });
    relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}`, RELAY_DOMAIN_RATES: 'slow.test=2' });
    shop = await provisionAccount(relay.baseUrl, 'shop.test');
  });
  after(async () => {
    await relay?.close();
    await sink?.close();
  });

  const send = async (to: string) => (await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'a@shop.test' }, to: [{ email: to }], subject: 's', text: 'x' } })).body.id as string;
  const detail = async (id: string) => (await api(relay.baseUrl, 'GET', `/v1/messages/${id}`, { token: shop.token })).body.recipients[0];

  test('a domain over its rate waits unattempted, while mail to other domains flows', async () => {
    const slow = [];
    for (let i = 0; i < 5; i++) slow.push(await send(`s${i}@slow.test`));
    const fast = [await send('f1@fast.test'), await send('f2@fast.test')];
    const deadline = Date.now() + 10_000;
    while ((await Promise.all(fast.map(detail))).some((r) => r.status !== 'delivered') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual((await Promise.all(fast.map(detail))).map((r) => r.status), ['delivered', 'delivered']);
    const states = await Promise.all(slow.map(detail));
    assert.equal(states.filter((r) => r.status === 'delivered').length, 2);
    const waiting = states.filter((r) => r.status !== 'delivered');
    assert.equal(waiting.length, 3);
    for (const r of waiting) assert.deepEqual([r.status, r.attempts_count, r.attempts.length], ['queued', 0, 0], 'held back, not attempted');
    // Held back without spinning: the claim loop sleeps until the domain is released (a
    // loop that treated the held rows as due would claim hundreds of times a second).
    const queue = relay.relay.store.queue;
    const claim = queue.claimDue.bind(queue);
    let claims = 0;
    queue.claimDue = (...args: Parameters<typeof claim>) => {
      claims++;
      return claim(...args);
    };
    try {
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      queue.claimDue = claim;
    }
    assert.ok(claims <= 3, `${claims} claims in a second`);
  });

  test('a "rate limited" reply pauses the domain: its next message is not even attempted', async () => {
    const first = await send('a@busy.test');
    const deadline = Date.now() + 10_000;
    while ((await detail(first)).status !== 'deferred' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await detail(first)).attempts[0].category, 'rate_limited');
    const second = await send('b@busy.test');
    await new Promise((r) => setTimeout(r, 500));
    const waiting = await detail(second);
    assert.deepEqual([waiting.status, waiting.attempts_count], ['queued', 0], 'held back while the domain is paused');
  });
});
