import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRelay, provisionAccount, api } from '../helpers/relay.ts';
import { startDnsServer } from '../helpers/dns-server.ts';
import { splitTxtValue } from '../../src/dkim/keys.ts';

async function waitForStatus(baseUrl: string, token: string, id: string, status: string): Promise<{ status: string; last_checked_at: string }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = (await api(baseUrl, 'GET', `/v1/domains/${id}`, { token })).body;
    if (view.status === status) return view;
    if (Date.now() > deadline) throw new Error(`domain stayed ${view.status}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('background re-checks verify a domain once its records appear, and notice when one disappears', { timeout: 60_000 }, async () => {
  const dns = await startDnsServer({});
  const relay = await startTestRelay({ RELAY_DNS_SERVERS: dns.address, RELAY_HOSTNAME: 'relay.test', RELAY_DOMAIN_RECHECK_INTERVAL: '1s' });
  try {
    const shop = await provisionAccount(relay.baseUrl, 'provisioned.test');
    const created = await api(relay.baseUrl, 'POST', '/v1/domains', { token: shop.token, body: { domain: 'auto.test' } });
    const records = created.body.records as { purpose: string; name: string; value: string; required: boolean }[];
    for (const r of records.filter((x) => x.purpose === 'dkim')) dns.setName(r.name, { TXT: [splitTxtValue(r.value)] });
    dns.setName('rp.auto.test', { MX: [{ exchange: 'relay.test', priority: 10 }], TXT: ['v=spf1 a:relay.test -all'] });

    // Nobody calls verify: the relay notices by itself.
    const verified = await waitForStatus(relay.baseUrl, shop.token, created.body.id, 'verified');
    assert.ok(verified.last_checked_at);

    dns.setName(records.find((r) => r.purpose === 'dkim')!.name, undefined);
    const failing = await waitForStatus(relay.baseUrl, shop.token, created.body.id, 'failing');
    assert.ok(Date.parse(failing.last_checked_at) > Date.parse(verified.last_checked_at));
  } finally {
    await relay.close();
    await dns.close();
  }
});
