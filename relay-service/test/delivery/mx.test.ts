import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';

import { createDnsResolver } from '../../src/dns/resolver.ts';
import type { DnsResolver } from '../../src/dns/resolver.ts';
import { createMxCache, parseRoutes, resolveMxHosts, shuffleEqualPriorities } from '../../src/delivery/mx.ts';
import type { MxHost } from '../../src/delivery/mx.ts';
import { createSender, lookupFailureResults } from '../../src/delivery/sender.ts';
import type { OutboundMessage } from '../../src/delivery/types.ts';
import { startDnsServer } from '../helpers/dns-server.ts';
import type { TestDnsServer, Zone } from '../helpers/dns-server.ts';
import { closedPort, startSmtpSink } from '../helpers/smtp-sink.ts';

const ZONE: Zone = {
  'example.test': {
    MX: [
      { exchange: 'mx2.example.test', priority: 20 },
      { exchange: 'mx1.example.test', priority: 10 },
    ],
  },
  'mx1.example.test': { A: ['127.0.0.1'] },
  'mx2.example.test': { A: ['127.0.0.1'] },
  'a-only.test': { A: ['127.0.0.1'] },
  'null.test': { MX: [{ exchange: '.', priority: 0 }] },
  'broken.test': { servfail: true },
  'silent.test': { drop: true },
  'dangling.test': { MX: [{ exchange: 'gone.dangling.test', priority: 10 }] },
  'flaky.test': { MX: [{ exchange: 'mx.flaky.test', priority: 10 }] },
  'mx.flaky.test': { servfail: true },
};

function message(domain: string): OutboundMessage {
  return { queueIds: ['q1'], mailFrom: 'bounces@sender.test', recipients: [`alice@${domain}`], domain, raw: Buffer.from('Subject: t\r\n\r\nx\r\n') };
}

describe('resolveMxHosts against a real DNS server', { timeout: 30_000 }, () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;

  before(async () => {
    dns = await startDnsServer(ZONE);
    resolver = createDnsResolver([dns.address], { timeoutMs: 200, tries: 1 });
  });
  beforeEach(() => dns.setZone(ZONE));
  after(() => dns.close());

  it('orders MX hosts by preference and resolves their addresses', async () => {
    const lookup = await resolveMxHosts('example.test', resolver);
    assert.ok(lookup.ok);
    assert.equal(lookup.source, 'mx');
    assert.deepEqual(lookup.hosts.map((h) => [h.host, h.priority, h.addresses]), [
      ['mx1.example.test', 10, ['127.0.0.1']],
      ['mx2.example.test', 20, ['127.0.0.1']],
    ]);
  });

  it('falls back to the domain itself (implicit MX) when it has an A record and no MX', async () => {
    const lookup = await resolveMxHosts('a-only.test', resolver);
    assert.ok(lookup.ok);
    assert.equal(lookup.source, 'implicit');
    assert.deepEqual(lookup.hosts, [{ host: 'a-only.test', priority: 0, addresses: ['127.0.0.1'] }]);
  });

  it('bounces a null MX domain at once (RFC 7505), without looking up addresses', async () => {
    const lookup = await resolveMxHosts('null.test', resolver);
    assert.deepEqual(lookup.ok ? null : [lookup.action, lookup.category], ['bounced', 'null_mx']);
    assert.ok(!dns.queries.some((q) => q.startsWith('null.test/A')));
  });

  it('bounces a domain that does not exist (NXDOMAIN)', async () => {
    const lookup = await resolveMxHosts('nowhere.test', resolver);
    assert.deepEqual(lookup.ok ? null : [lookup.action, lookup.category], ['bounced', 'domain_unknown']);
  });

  it('defers on SERVFAIL', async () => {
    const lookup = await resolveMxHosts('broken.test', resolver);
    assert.deepEqual(lookup.ok ? null : [lookup.action, lookup.category], ['deferred', 'dns']);
  });

  it('defers when the DNS server does not answer (timeout)', async () => {
    const lookup = await resolveMxHosts('silent.test', resolver);
    assert.deepEqual(lookup.ok ? null : [lookup.action, lookup.category], ['deferred', 'dns']);
  });

  it('bounces when no MX host has an address, and defers when an address lookup failed temporarily', async () => {
    const dangling = await resolveMxHosts('dangling.test', resolver);
    assert.deepEqual(dangling.ok ? null : [dangling.action, dangling.category], ['bounced', 'no_address']);
    const flaky = await resolveMxHosts('flaky.test', resolver);
    assert.deepEqual(flaky.ok ? null : [flaky.action, flaky.category], ['deferred', 'dns']);
  });

  it('sends a routed domain to its static route without an MX lookup', async () => {
    const routes = parseRoutes('routed.test=127.0.0.1:2525,*=127.0.0.1:2526');
    const asked = dns.queries.length;
    const routed = await resolveMxHosts('routed.test', resolver, { routes });
    assert.deepEqual(routed, { ok: true, source: 'route', hosts: [{ host: '127.0.0.1', priority: 0, addresses: ['127.0.0.1'], port: 2525 }] });
    const smarthost = await resolveMxHosts('example.test', resolver, { routes });
    assert.ok(smarthost.ok);
    assert.equal(smarthost.hosts[0]!.port, 2526);
    assert.deepEqual(dns.queries.slice(asked), []);
  });

  it('answers from the cache until the TTL passes, then asks DNS again', async () => {
    let now = 1_000_000;
    const cache = createMxCache({ ttlMs: 60_000, now: () => now });
    const count = () => dns.queries.filter((q) => q === 'example.test/MX').length;
    const before = count();
    await resolveMxHosts('example.test', resolver, { cache });
    dns.setName('example.test', { MX: [{ exchange: 'mx2.example.test', priority: 5 }] });
    const cached = await resolveMxHosts('example.test', resolver, { cache });
    assert.equal(count(), before + 1);
    assert.ok(cached.ok);
    assert.equal(cached.hosts[0]!.host, 'mx1.example.test');
    now += 60_001;
    const fresh = await resolveMxHosts('example.test', resolver, { cache });
    assert.equal(count(), before + 2);
    assert.ok(fresh.ok);
    assert.deepEqual(fresh.hosts.map((h) => h.host), ['mx2.example.test']);
  });

  it('does not cache a temporary DNS failure', async () => {
    const cache = createMxCache();
    await resolveMxHosts('broken.test', resolver, { cache });
    assert.equal(cache.get('broken.test'), undefined);
  });
});

describe('MX lookup and delivery together', { timeout: 30_000 }, () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;
  const cleanups: (() => unknown)[] = [];

  before(async () => {
    dns = await startDnsServer(ZONE);
    resolver = createDnsResolver([dns.address], { timeoutMs: 200, tries: 1 });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  after(() => dns.close());

  it('delivers via the second MX by preference when the first is down', async () => {
    const mx2 = await startSmtpSink();
    cleanups.push(() => mx2.close());
    const lookup = await resolveMxHosts('example.test', resolver);
    assert.ok(lookup.ok);
    // Both hosts resolve to 127.0.0.1; the test gives each its own port so one can be down.
    const portOf: Record<string, number> = { 'mx1.example.test': await closedPort(), 'mx2.example.test': mx2.port };
    const hosts: MxHost[] = lookup.hosts.map((h) => ({ ...h, port: portOf[h.host]! }));
    const sender = createSender({ helo: 'relay.sender.test' });
    cleanups.push(() => sender.close());
    const [result] = await sender.send(message('example.test'), hosts);
    assert.equal(result!.result.action, 'delivered');
    assert.equal(result!.result.mxHost, 'mx2.example.test');
    assert.equal(mx2.messages.length, 1);
  });

  it('delivers to the implicit MX of a domain with only an A record', async () => {
    const sink = await startSmtpSink();
    cleanups.push(() => sink.close());
    const lookup = await resolveMxHosts('a-only.test', resolver);
    assert.ok(lookup.ok);
    const sender = createSender({ helo: 'relay.sender.test', mxPort: sink.port });
    cleanups.push(() => sender.close());
    const [result] = await sender.send(message('a-only.test'), lookup.hosts);
    assert.equal(result!.result.action, 'delivered');
    assert.equal(result!.result.mxHost, 'a-only.test');
  });

  it('turns a failed lookup into one result per recipient (null MX bounces, SERVFAIL defers)', async () => {
    const nullMx = await resolveMxHosts('null.test', resolver);
    assert.ok(!nullMx.ok);
    const [bounced] = lookupFailureResults(message('null.test'), nullMx);
    assert.deepEqual([bounced!.recipient, bounced!.result.action, bounced!.result.category], ['alice@null.test', 'bounced', 'null_mx']);
    const servfail = await resolveMxHosts('broken.test', resolver);
    assert.ok(!servfail.ok);
    assert.equal(lookupFailureResults(message('broken.test'), servfail)[0]!.result.action, 'deferred');
  });
});

describe('parseRoutes and shuffleEqualPriorities', () => {
  it('parses domains, the smarthost and bracketed IPv6', () => {
    const routes = parseRoutes('Example.com=10.0.0.1:25,*=[::1]:2526');
    assert.deepEqual([...routes], [['example.com', { host: '10.0.0.1', port: 25 }], ['*', { host: '::1', port: 2526 }]]);
  });
  it('rejects entries without a port or with a bad one', () => {
    assert.throws(() => parseRoutes('example.com=10.0.0.1'), /domain=host:port/);
    assert.throws(() => parseRoutes('example.com=10.0.0.1:70000'), /domain=host:port/);
  });
  it('keeps preference order and shuffles only within equal preferences', () => {
    const hosts = [
      { host: 'a', priority: 10 },
      { host: 'b', priority: 10 },
      { host: 'c', priority: 20 },
    ];
    assert.deepEqual(shuffleEqualPriorities(hosts, () => 0).map((h) => h.host), ['b', 'a', 'c']);
    assert.deepEqual(shuffleEqualPriorities(hosts, () => 0.99).map((h) => h.host), ['a', 'b', 'c']);
  });
});
