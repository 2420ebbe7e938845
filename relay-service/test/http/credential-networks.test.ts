import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, api, startTestRelay, type TestRelay } from '../helpers/relay.ts';
import { SmtpTestClient } from '../helpers/smtp-client.ts';

let relay: TestRelay;
let accountId: string;
before(async () => {
  relay = await startTestRelay();
  accountId = (await api(relay.baseUrl, 'POST', '/admin/accounts', { token: ADMIN_TOKEN, body: { name: 'Allowlisted', sandbox: true } })).body.id;
});
after(async () => relay?.close());

const admin = (method: string, path: string, body?: unknown) => api(relay.baseUrl, method, `/admin/accounts/${accountId}${path}`, { token: ADMIN_TOKEN, ...(body === undefined ? {} : { body }) });

test('an API token limited to other networks is refused from here (403, naming the address); widened, it works', async () => {
  const bad = await admin('POST', '/tokens', { name: 'wp', allowed_networks: ['10.1.2.3/8'] });
  assert.deepEqual([bad.status, bad.body.error.field, bad.body.error.message], [400, 'allowed_networks', '10.1.2.3/8: host bits are set; did you mean 10.0.0.0/8?']);
  const created = await admin('POST', '/tokens', { name: 'wp', allowed_networks: ['10.0.0.0/8', '2001:db8::/32'] });
  assert.deepEqual(created.body.allowed_networks, ['10.0.0.0/8', '2001:db8::/32']);
  const refused = await api(relay.baseUrl, 'GET', '/v1/messages', { token: created.body.token });
  assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.message], [403, 'forbidden', 'This API token may not be used from 127.0.0.1']);
  assert.deepEqual((await admin('PATCH', `/tokens/${created.body.id}`, { allowed_networks: ['10.0.0.0/8', '127.0.0.0/8'] })).body.allowed_networks, ['10.0.0.0/8', '127.0.0.0/8']);
  assert.equal((await api(relay.baseUrl, 'GET', '/v1/messages', { token: created.body.token })).status, 200);
  const listed = (await admin('GET', '/tokens')).body.data.find((t: { id: string }) => t.id === created.body.id);
  assert.deepEqual(listed.allowed_networks, ['10.0.0.0/8', '127.0.0.0/8']);
  assert.equal((await admin('PATCH', `/tokens/${created.body.id}`, { allowed_networks: null })).body.allowed_networks, null);
});

test('an SMTP user limited to other networks fails AUTH exactly like a wrong password; cleared, it logs in', async () => {
  const user = await admin('POST', '/smtp-users', { allowed_networks: ['192.168.0.0/16'] });
  assert.equal(user.status, 201);
  const login = async () => {
    const client = await SmtpTestClient.connect(relay.relay.ports.submission!);
    try {
      return (await client.login(user.body.username, user.body.password)).last;
    } finally {
      client.close();
    }
  };
  const wrongPassword = async () => {
    const client = await SmtpTestClient.connect(relay.relay.ports.submission!);
    try {
      return (await client.login(user.body.username, `${user.body.password}x`)).last;
    } finally {
      client.close();
    }
  };
  assert.equal(await login(), await wrongPassword());
  assert.match(await login(), /^535 5\.7\.8 /);
  await admin('PATCH', `/smtp-users/${user.body.id}`, { allowed_networks: null });
  assert.match(await login(), /^235 /);
});
