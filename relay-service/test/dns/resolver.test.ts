import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createDnsResolver, toDnsError } from '../../src/dns/resolver.ts';
import type { DnsResolver } from '../../src/dns/resolver.ts';
import { startDnsServer } from '../helpers/dns-server.ts';
import type { TestDnsServer } from '../helpers/dns-server.ts';

describe('createDnsResolver against a real DNS server on loopback', () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;

  before(async () => {
    dns = await startDnsServer({
      'example.test': {
        MX: [{ exchange: 'mx1.example.test', priority: 10 }],
        A: ['127.0.0.1'],
        AAAA: ['::1'],
        TXT: ['v=spf1 -all', ['v=DKIM1; k=rsa; ', 'p=MIIB']],
      },
      'broken.test': { servfail: true },
      'silent.test': { drop: true },
    });
    resolver = createDnsResolver([dns.address], { timeoutMs: 200, tries: 1 });
  });
  after(() => dns.close());

  it('answers MX, A, AAAA and TXT from the zone', async () => {
    assert.deepEqual(await resolver.resolveMx('example.test'), { ok: true, value: [{ exchange: 'mx1.example.test', priority: 10 }] });
    assert.deepEqual(await resolver.resolve4('example.test'), { ok: true, value: ['127.0.0.1'] });
    assert.deepEqual(await resolver.resolve6('example.test'), { ok: true, value: ['::1'] });
    const txt = await resolver.resolveTxt('example.test');
    assert.ok(txt.ok);
    assert.deepEqual(txt.value.sort(), ['v=DKIM1; k=rsa; p=MIIB', 'v=spf1 -all']);
  });

  it('reports an unknown name as nxdomain', async () => {
    const result = await resolver.resolveMx('nowhere.test');
    assert.deepEqual(result, { ok: false, error: { code: 'nxdomain', cause: 'ENOTFOUND', name: 'nowhere.test' } });
  });

  it('reports a known name without that record type as nodata', async () => {
    dns.setName('a-only.test', { A: ['127.0.0.2'] });
    const result = await resolver.resolveMx('a-only.test');
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.code, 'nodata');
  });

  it('reports SERVFAIL as servfail', async () => {
    const result = await resolver.resolveMx('broken.test');
    assert.equal(!result.ok && result.error.code, 'servfail');
    assert.equal(!result.ok && result.error.cause, 'ESERVFAIL');
  });

  it('reports a server that never answers as servfail (timeout)', async () => {
    const result = await resolver.resolveMx('silent.test');
    assert.equal(!result.ok && result.error.code, 'servfail');
    assert.equal(!result.ok && result.error.cause, 'ETIMEOUT');
  });

  it('sees zone changes made while running', async () => {
    dns.setName('example.test', { MX: [{ exchange: 'mx2.example.test', priority: 5 }] });
    const result = await resolver.resolveMx('example.test');
    assert.deepEqual(result, { ok: true, value: [{ exchange: 'mx2.example.test', priority: 5 }] });
  });
});

describe('toDnsError', () => {
  it('maps refused and unreachable resolvers to servfail, and unknown codes too', () => {
    assert.equal(toDnsError({ code: 'EREFUSED' }, 'x').code, 'servfail');
    assert.equal(toDnsError({ code: 'ECONNREFUSED' }, 'x').code, 'servfail');
    assert.equal(toDnsError(new Error('odd'), 'x').code, 'servfail');
    assert.equal(toDnsError({ code: 'ENOTFOUND' }, 'x').code, 'nxdomain');
    assert.equal(toDnsError({ code: 'ENODATA' }, 'x').code, 'nodata');
  });
});
