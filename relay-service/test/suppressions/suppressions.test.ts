import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRelay, provisionAccount, api, type TestRelay, type ProvisionedAccount } from '../helpers/relay.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { normalizePattern } from '../../src/store/suppressions.ts';

describe('suppressions', () => {
  let sink: SmtpSink;
  let relay: TestRelay;
  let shop: ProvisionedAccount;
  let other: ProvisionedAccount;

  before(async () => {
    sink = await startSmtpSink();
    relay = await startTestRelay({ RELAY_ROUTES: `*=127.0.0.1:${sink.port}` });
    shop = await provisionAccount(relay.baseUrl, 'shop.test');
    other = await provisionAccount(relay.baseUrl, 'other.test');
  });
  after(async () => {
    await relay?.close();
    await sink?.close();
  });

  test('patterns are normalized, and anything else is refused with the reason', () => {
    assert.deepEqual(normalizePattern(' Buyer@Example.COM '), { ok: true, pattern: 'buyer@example.com' });
    assert.deepEqual(normalizePattern('*@Bücher.Example'), { ok: true, pattern: '*@xn--bcher-kva.example' });
    assert.deepEqual(normalizePattern('no-at-sign'), { ok: false, message: '"no-at-sign" is not an email address or a *@domain pattern' });
    assert.deepEqual(normalizePattern('a*b@example.com'), { ok: false, message: 'Only a whole local part can be a wildcard: *@example.com' });
    assert.deepEqual(normalizePattern('x@localhost'), { ok: false, message: '"x@localhost" has no valid domain' });
  });

  test('a suppressed recipient is accepted but never delivered, with a suppressed event; the others of the same send are delivered', async () => {
    const added = await api(relay.baseUrl, 'POST', '/v1/suppressions', { token: shop.token, body: { email: 'Gone@Customer.test', reason: 'hard_bounce', note: 'mailbox closed' } });
    assert.equal(added.status, 201);
    assert.deepEqual([added.body.pattern, added.body.reason, added.body.note], ['gone@customer.test', 'hard_bounce', 'mailbox closed']);
    const domainWide = await api(relay.baseUrl, 'POST', '/v1/suppressions', { token: shop.token, body: { email: '*@blocked.test' } });
    assert.equal(domainWide.body.reason, 'manual');
    assert.equal((await api(relay.baseUrl, 'POST', '/v1/suppressions', { token: shop.token, body: { email: 'gone@customer.test', reason: 'complaint' } })).status, 200, 'adding it again changes nothing');

    const before = sink.messages.length;
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', {
      token: shop.token,
      body: { from: { email: 'orders@shop.test' }, to: [{ email: 'gone@customer.test' }, { email: 'ok@customer.test' }, { email: 'anyone@blocked.test' }], subject: 'Order', text: 'x' },
    });
    assert.equal(sent.status, 202);
    assert.deepEqual(sent.body.recipients.map((r: { email: string; suppressed?: string }) => [r.email, r.suppressed ?? null]), [
      ['gone@customer.test', 'hard_bounce'], ['ok@customer.test', null], ['anyone@blocked.test', 'manual'],
    ]);
    const [received] = (await sink.waitFor(before + 1, 10_000)).slice(before);
    assert.deepEqual(received!.rcptTo, ['ok@customer.test']);

    const detail = await api(relay.baseUrl, 'GET', `/v1/messages/${sent.body.id}`, { token: shop.token });
    const statuses = Object.fromEntries(detail.body.recipients.map((r: { email: string; status: string }) => [r.email, r.status]));
    assert.equal(statuses['gone@customer.test'], 'suppressed');
    assert.equal(statuses['anyone@blocked.test'], 'suppressed');
    const events = detail.body.events.map((e: { type: string; recipient: string }) => `${e.type} ${e.recipient}`);
    assert.ok(events.includes('suppressed gone@customer.test'), JSON.stringify(events));
    assert.equal(events.some((e: string) => e.startsWith('queued gone@')), false);

    // The list is the account's own: the other account's sends to the same address go out.
    const theirs = await api(relay.baseUrl, 'POST', '/v1/emails', { token: other.token, body: { from: { email: 'news@other.test' }, to: [{ email: 'gone@customer.test' }], subject: 'x', text: 'x' } });
    assert.equal(theirs.body.recipients[0].suppressed, undefined);
  });

  test('list, search, paginate and remove; bad input gets the field and the reason; other accounts see nothing', async () => {
    await api(relay.baseUrl, 'POST', '/v1/suppressions', { token: shop.token, body: { email: 'under_score@pages.test' } });
    const literal = await api(relay.baseUrl, 'GET', '/v1/suppressions?search=under_s', { token: shop.token });
    assert.deepEqual(literal.body.data.map((s: { pattern: string }) => s.pattern), ['under_score@pages.test'], 'search text is literal (_ is not a wildcard)');
    assert.deepEqual((await api(relay.baseUrl, 'GET', '/v1/suppressions?search=under%25', { token: shop.token })).body.data, []);
    for (const email of ['a1@page.test', 'a2@page.test', 'a3@page.test']) {
      await api(relay.baseUrl, 'POST', '/v1/suppressions', { token: shop.token, body: { email } });
    }
    const first = await api(relay.baseUrl, 'GET', '/v1/suppressions?search=page.test&limit=2', { token: shop.token });
    assert.deepEqual(first.body.data.map((s: { pattern: string }) => s.pattern), ['a3@page.test', 'a2@page.test']);
    const second = await api(relay.baseUrl, 'GET', `/v1/suppressions?search=page.test&limit=2&cursor=${first.body.next_cursor}`, { token: shop.token });
    assert.deepEqual(second.body.data.map((s: { pattern: string }) => s.pattern), ['a1@page.test']);
    assert.equal(second.body.next_cursor, null);
    assert.deepEqual((await api(relay.baseUrl, 'GET', '/v1/suppressions', { token: other.token })).body.data, []);

    const bad = await api(relay.baseUrl, 'POST', '/v1/suppressions', { token: shop.token, body: { email: 'x@page.test', reason: 'because' } });
    assert.deepEqual(bad.body.error, { code: 'validation_failed', message: 'reason must be one of hard_bounce, complaint, unsubscribe, manual', field: 'reason' });
    const noEmail = await api(relay.baseUrl, 'POST', '/v1/suppressions', { token: shop.token, body: {} });
    assert.equal(noEmail.body.error.field, 'email');
    const badLimit = await api(relay.baseUrl, 'GET', '/v1/suppressions?limit=0', { token: shop.token });
    assert.deepEqual(badLimit.body.error, { code: 'validation_failed', message: 'limit must be an integer from 1 to 500', field: 'limit' });

    const id = first.body.data[0].id;
    assert.equal((await api(relay.baseUrl, 'DELETE', `/v1/suppressions/${id}`, { token: other.token })).status, 404);
    assert.equal((await api(relay.baseUrl, 'DELETE', `/v1/suppressions/${id}`, { token: shop.token })).status, 204);
    const before = sink.messages.length;
    const sent = await api(relay.baseUrl, 'POST', '/v1/emails', { token: shop.token, body: { from: { email: 'orders@shop.test' }, to: [{ email: 'a3@page.test' }], subject: 'back', text: 'x' } });
    assert.equal(sent.body.recipients[0].suppressed, undefined, 'removal applies to the next message at once');
    await sink.waitFor(before + 1, 10_000);
  });

  test('CSV import is all or nothing with the bad line named; export round-trips and defuses formulas', async () => {
    const csv = (body: string) => fetch(`${relay.baseUrl}/v1/suppressions/import`, { method: 'POST', headers: { authorization: `Bearer ${other.token}`, 'content-type': 'text/csv' }, body });
    const bad = await csv('email,reason,note\r\nfine@import.test,complaint,\r\nnot-an-address,manual,\r\n');
    assert.equal(bad.status, 400);
    assert.deepEqual((await bad.json()).error, { code: 'validation_failed', message: 'line 3: "not-an-address" is not an email address or a *@domain pattern', field: 'body' });
    assert.deepEqual((await api(relay.baseUrl, 'GET', '/v1/suppressions', { token: other.token })).body.data, [], 'nothing of the refused file was written');
    const unclosed = await csv('a@import.test,"manual\n');
    assert.deepEqual((await unclosed.json()).error.message, 'line 2: a quoted field is not closed');

    const good = await csv('email,reason,note\r\nfine@import.test,complaint,"said ""stop"", twice"\r\n*@Import.test,,\nfine@import.test,manual,dup\n=cmd@import.test,manual,"=HYPERLINK(""x"")"\n');
    const goodBody = await good.json();
    assert.equal(good.status, 200, JSON.stringify(goodBody));
    assert.deepEqual(goodBody, { imported: 3, skipped: 1 });

    const exported = await fetch(`${relay.baseUrl}/v1/suppressions/export.csv`, { headers: { authorization: `Bearer ${other.token}` } });
    assert.match(exported.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = (await exported.text()).trimEnd().split('\r\n');
    assert.equal(lines[0], 'email,reason,note,created_at');
    const byEmail = Object.fromEntries(lines.slice(1).map((l) => [l.split(',')[0], l]));
    assert.match(byEmail['fine@import.test']!, /^fine@import\.test,complaint,"said ""stop"", twice",\d{4}-/);
    assert.match(byEmail['*@import.test']!, /^\*@import\.test,manual,,/);
    assert.match(byEmail["'=cmd@import.test"]!, /^'=cmd@import\.test,manual,"'=HYPERLINK\(""x""\)",/, 'cells a spreadsheet would run are defused');
    assert.equal(lines.length, 4, 'only this account\'s entries');
  });
});
