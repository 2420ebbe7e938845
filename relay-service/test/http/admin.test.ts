import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRelay, api, ADMIN_TOKEN, type TestRelay } from '../helpers/relay.ts';

describe('admin API', () => {
  let relay: TestRelay;
  const admin = { token: ADMIN_TOKEN };

  before(async () => {
    relay = await startTestRelay();
  });
  after(async () => relay.close());

  test('every admin route needs the admin token; an account token is not enough', async () => {
    assert.equal((await api(relay.baseUrl, 'GET', '/admin/accounts')).status, 401);
    assert.equal((await api(relay.baseUrl, 'GET', '/admin/accounts', { token: 'rpa_guess' })).status, 401);
    const account = await api(relay.baseUrl, 'POST', '/admin/accounts', { ...admin, body: { name: 'A' } });
    const token = await api(relay.baseUrl, 'POST', `/admin/accounts/${account.body.id}/tokens`, { ...admin, body: { name: 't' } });
    assert.equal((await api(relay.baseUrl, 'GET', '/admin/accounts', { token: token.body.token })).status, 401);
  });

  test('tokens and SMTP passwords are shown once and never listed; a revoked token stops working', async () => {
    const account = (await api(relay.baseUrl, 'POST', '/admin/accounts', { ...admin, body: { name: 'Shop' } })).body;
    const created = await api(relay.baseUrl, 'POST', `/admin/accounts/${account.id}/tokens`, { ...admin, body: { name: 'wordpress' } });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^rp_[A-Za-z0-9_-]{40,}$/);
    const list = await api(relay.baseUrl, 'GET', `/admin/accounts/${account.id}/tokens`, admin);
    assert.equal(list.body.data.length, 1);
    assert.equal(JSON.stringify(list.body).includes(created.body.token), false);
    assert.equal(list.body.data[0].prefix, created.body.token.slice(0, 9));
    assert.equal((await api(relay.baseUrl, 'GET', '/v1/messages', { token: created.body.token })).status, 200);
    const used = await api(relay.baseUrl, 'GET', `/admin/accounts/${account.id}/tokens`, admin);
    assert.ok(Date.parse(used.body.data[0].last_used_at) > Date.now() - 60_000, 'last use is recorded');
    assert.equal((await api(relay.baseUrl, 'DELETE', `/admin/accounts/${account.id}/tokens/${created.body.id}`, admin)).status, 204);
    assert.equal((await api(relay.baseUrl, 'GET', '/v1/messages', { token: created.body.token })).status, 401);

    const user = await api(relay.baseUrl, 'POST', `/admin/accounts/${account.id}/smtp-users`, { ...admin, body: { username: 'shop-smtp' } });
    assert.equal(user.status, 201);
    assert.equal(user.body.username, 'shop-smtp');
    assert.ok(user.body.password.length >= 24);
    const users = await api(relay.baseUrl, 'GET', `/admin/accounts/${account.id}/smtp-users`, admin);
    assert.equal(JSON.stringify(users.body).includes(user.body.password), false);
    const taken = await api(relay.baseUrl, 'POST', `/admin/accounts/${account.id}/smtp-users`, { ...admin, body: { username: 'shop-smtp' } });
    assert.equal(taken.status, 409);
  });

  test('a domain owned by another account is refused with the same answer as any unavailable domain', async () => {
    const a = (await api(relay.baseUrl, 'POST', '/admin/accounts', { ...admin, body: { name: 'A' } })).body;
    const b = (await api(relay.baseUrl, 'POST', '/admin/accounts', { ...admin, body: { name: 'B' } })).body;
    assert.equal((await api(relay.baseUrl, 'POST', `/admin/accounts/${a.id}/domains`, { ...admin, body: { domain: 'Bücher.Test' } })).status, 201);
    const again = await api(relay.baseUrl, 'POST', `/admin/accounts/${a.id}/domains`, { ...admin, body: { domain: 'xn--bcher-kva.test' } });
    assert.equal(again.status, 200, 'the IDN and its punycode are the same domain');
    const stolen = await api(relay.baseUrl, 'POST', `/admin/accounts/${b.id}/domains`, { ...admin, body: { domain: 'bücher.test' } });
    assert.equal(stolen.status, 409);
    assert.deepEqual(stolen.body, { error: { code: 'conflict', message: 'This domain cannot be added to this account', field: 'domain' } });
    const bad = await api(relay.baseUrl, 'POST', `/admin/accounts/${b.id}/domains`, { ...admin, body: { domain: 'not a domain' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'domain');
  });

  test('a DKIM key is generated for a domain and its DNS record returned; a bad PEM is a 400', async () => {
    const a = (await api(relay.baseUrl, 'POST', '/admin/accounts', { ...admin, body: { name: 'K' } })).body;
    await api(relay.baseUrl, 'POST', `/admin/accounts/${a.id}/domains`, { ...admin, body: { domain: 'keys.test' } });
    const rsa = await api(relay.baseUrl, 'PUT', `/admin/accounts/${a.id}/dkim`, { ...admin, body: { domain: 'keys.test', selector: 's2026', algorithm: 'rsa' } });
    assert.equal(rsa.status, 200, JSON.stringify(rsa.body));
    assert.equal(rsa.body.dns_record.name, 's2026._domainkey.keys.test');
    assert.match(rsa.body.dns_record.value, /^v=DKIM1; k=rsa; p=MIIB/);
    assert.equal(JSON.stringify(rsa.body).includes('PRIVATE'), false);
    const bad = await api(relay.baseUrl, 'PUT', `/admin/accounts/${a.id}/dkim`, { ...admin, body: { domain: 'keys.test', selector: 'x', private_key_pem: 'nope' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'private_key_pem');
    const foreign = await api(relay.baseUrl, 'PUT', `/admin/accounts/${a.id}/dkim`, { ...admin, body: { domain: 'elsewhere.test', selector: 'x' } });
    assert.equal(foreign.status, 404);
  });

  test('health endpoints answer without a token', async () => {
    assert.deepEqual((await api(relay.baseUrl, 'GET', '/healthz')).body, { status: 'ok' });
    assert.deepEqual((await api(relay.baseUrl, 'GET', '/readyz')).body, { status: 'ready' });
  });
});
