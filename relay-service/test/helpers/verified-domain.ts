import { splitTxtValue } from '../../src/dkim/keys.ts';
import { api } from './relay.ts';
import type { TestDnsServer, ZoneEntry } from './dns-server.ts';

interface RecordView { name: string; type: 'TXT' | 'MX' | 'CNAME'; value: string; priority?: number; required: boolean; purpose: string }

/**
 * Publishes every record the relay asks for on the test DNS server and verifies the domain,
 * as a site owner who did everything right: from then on its mail goes out with a VERP
 * return path. Returns the DKIM records (name → value) for signature verifiers.
 */
export async function publishAndVerify(baseUrl: string, token: string, dns: TestDnsServer, domain: string): Promise<{ domainId: string; dkimZone: Record<string, string> }> {
  const listed = await api(baseUrl, 'GET', '/v1/domains', { token });
  const found = (listed.body.data as { id: string; name: string }[]).find((d) => d.name === domain);
  if (!found) throw new Error(`publishAndVerify: ${domain} is not a domain of this account`);
  const view = await api(baseUrl, 'GET', `/v1/domains/${found.id}`, { token });
  const byName = new Map<string, ZoneEntry>();
  const dkimZone: Record<string, string> = {};
  for (const r of view.body.records as RecordView[]) {
    const entry = byName.get(r.name) ?? {};
    if (r.type === 'MX') entry.MX = [...(entry.MX ?? []), { exchange: r.value, priority: r.priority ?? 10 }];
    else if (r.type === 'CNAME') entry.CNAME = r.value;
    else entry.TXT = [...(entry.TXT ?? []), splitTxtValue(r.value)];
    if (r.purpose === 'dkim') dkimZone[r.name] = r.value;
    byName.set(r.name, entry);
  }
  for (const [name, entry] of byName) dns.setName(name, entry);
  const checked = await api(baseUrl, 'POST', `/v1/domains/${found.id}/verify`, { token });
  if (checked.body.status !== 'verified') throw new Error(`publishAndVerify: ${domain} is ${checked.body.status}: ${JSON.stringify(checked.body.records)}`);
  return { domainId: found.id, dkimZone };
}
