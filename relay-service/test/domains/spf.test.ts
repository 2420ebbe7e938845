import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createDnsResolver } from '../../src/dns/resolver.ts';
import type { DnsResolver } from '../../src/dns/resolver.ts';
import { analyzeSpf, isSpfRecord, parseSpf } from '../../src/domains/spf.ts';
import { startDnsServer } from '../helpers/dns-server.ts';
import type { TestDnsServer, Zone } from '../helpers/dns-server.ts';

describe('isSpfRecord', () => {
  it('accepts "v=spf1" followed by a space or the end, in any case', () => {
    for (const txt of ['v=spf1', 'v=spf1 -all', 'V=SPF1 ~all']) assert.equal(isSpfRecord(txt), true, txt);
  });

  it('rejects everything else', () => {
    for (const txt of ['v=spf1-all', 'v=spf10 -all', ' v=spf1 -all', 'spf2.0/pra -all', 'v=DKIM1; p=MIIB', '']) {
      assert.equal(isSpfRecord(txt), false, txt);
    }
  });
});

describe('parseSpf', () => {
  it('parses every mechanism and modifier with its qualifier and argument', () => {
    const record =
      'v=spf1 +a -mx:mail.example.com/24 ~ptr ?exists:%{i}._spf.example.com ip4:192.0.2.0/24 ip6:2001:db8::/32 ' +
      'include:_spf.relay.test a//64 MX:Example.com/24//64 exp=explain.example.com Foo=bar -all redirect=other.example';
    assert.deepEqual(parseSpf(record), {
      ok: true,
      terms: [
        { qualifier: '+', kind: 'a', value: null },
        { qualifier: '-', kind: 'mx', value: 'mail.example.com', cidr: '/24' },
        { qualifier: '~', kind: 'ptr', value: null },
        { qualifier: '?', kind: 'exists', value: '%{i}._spf.example.com' },
        { qualifier: '+', kind: 'ip4', value: '192.0.2.0/24' },
        { qualifier: '+', kind: 'ip6', value: '2001:db8::/32' },
        { qualifier: '+', kind: 'include', value: '_spf.relay.test' },
        { qualifier: '+', kind: 'a', value: null, cidr: '//64' },
        { qualifier: '+', kind: 'mx', value: 'Example.com', cidr: '/24//64' },
        { qualifier: '+', kind: 'exp', value: 'explain.example.com' },
        { qualifier: '+', kind: 'unknown-modifier', value: 'bar', name: 'Foo' },
        { qualifier: '-', kind: 'all', value: null },
        { qualifier: '+', kind: 'redirect', value: 'other.example' },
      ],
    });
  });

  it('reads the version and mechanism names case-insensitively and allows runs of spaces', () => {
    assert.deepEqual(parseSpf('V=SPF1  IP4:192.0.2.1   -ALL '), {
      ok: true,
      terms: [
        { qualifier: '+', kind: 'ip4', value: '192.0.2.1' },
        { qualifier: '-', kind: 'all', value: null },
      ],
    });
  });

  it('reports each syntax error with the offending term', () => {
    const cases: [string, string][] = [
      ['spf2.0/pra -all', 'the record does not start with "v=spf1"'],
      ['v=spf1 foo -all', '"foo" is not a known mechanism'],
      ['v=spf1 inclde:_spf.relay.test', '"inclde:_spf.relay.test" is not a known mechanism'],
      ['v=spf1 ip4:192.0.2.300', '"ip4:192.0.2.300": "192.0.2.300" is not an IPv4 address'],
      ['v=spf1 ip4:192.0.2.01', '"ip4:192.0.2.01": "192.0.2.01" is not an IPv4 address'],
      ['v=spf1 ip4:192.0.2.0/33', '"ip4:192.0.2.0/33": "/33" is not an IPv4 prefix length from 0 to 32'],
      ['v=spf1 ip4', '"ip4": "ip4" needs an IPv4 address (ip4:<address>[/<prefix length>])'],
      ['v=spf1 ip6:2001:db8::zz', '"ip6:2001:db8::zz": "2001:db8::zz" is not an IPv6 address'],
      ['v=spf1 ip6:fe80::1%eth0', '"ip6:fe80::1%eth0": "fe80::1%eth0" is not an IPv6 address'],
      ['v=spf1 include', '"include": "include" needs a domain (include:<domain>)'],
      ['v=spf1 include:', '"include:": the domain is empty'],
      ['v=spf1 include:localhost', '"include:localhost": "localhost" is not a fully qualified domain name'],
      ['v=spf1 include:a..example.com', '"include:a..example.com": "a..example.com" is not a valid domain name'],
      ['v=spf1 all:example.com', '"all:example.com": "all" takes no argument'],
      ['v=spf1 a/33', '"a/33": "/33" is not an IPv4 prefix length from 0 to 32'],
      ['v=spf1 mx//129', '"mx//129": "//129" is not an IPv6 prefix length from 0 to 128'],
      ['v=spf1 ptr/24', '"ptr/24": "ptr" takes only a domain (ptr:<domain>)'],
      ['v=spf1 -redirect=example.com', '"-redirect=example.com": a modifier takes no qualifier'],
      ['v=spf1 redirect=a.example redirect=b.example', '"redirect=" appears more than once'],
      ['v=spf1 exists:%{x}.example.com', '"exists:%{x}.example.com": "%{x}" is not a known macro'],
      ['v=spf1 exists:%{c}.example.com', '"exists:%{c}.example.com": the "%{c}" macro is only allowed in explanation text'],
      ['v=spf1 exists:%{i.example.com', '"exists:%{i.example.com": "%{i.example.com" has an invalid macro at "%{i.example.com"'],
      ['v=spf1 exists:%{i0}.example.com', '"exists:%{i0}.example.com": "%{i0}" keeps 0 parts'],
    ];
    for (const [record, message] of cases) assert.deepEqual(parseSpf(record), { ok: false, message }, record);
  });
});

describe('analyzeSpf against a real DNS server on loopback', () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;

  before(async () => {
    dns = await startDnsServer();
    resolver = createDnsResolver([dns.address], { timeoutMs: 1000, tries: 1 });
  });
  after(() => dns.close());

  const publish = (zone: Zone) => {
    for (const [name, entry] of Object.entries(zone)) dns.setName(name, entry);
  };
  const spf = (...records: string[]) => ({ TXT: records });
  const askedFor = (name: string) => dns.queries.includes(`${name}/TXT`);

  it('reports a domain without an SPF record as missing', async () => {
    publish({ 'plain.test': spf('google-site-verification=abc') });
    const empty = { status: 'missing', records: [], lookups: 0, problems: [], includes: [], ips: [] };
    assert.deepEqual(await analyzeSpf('nowhere.test', resolver), empty);
    assert.deepEqual(await analyzeSpf('plain.test', resolver), empty);
  });

  it('walks one valid record: counts lookups through includes and collects includes and addresses', async () => {
    const record = 'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx include:_SPF.Relay.Test. -all';
    publish({
      'ok.test': spf('google-site-verification=abc', record),
      '_spf.relay.test': spf('v=spf1 ip4:198.51.100.7 include:_spf2.relay.test ~all'),
      '_spf2.relay.test': spf('v=spf1 ip6:2001:db8:1::/48 -all'),
    });
    assert.deepEqual(await analyzeSpf('OK.test.', resolver), {
      status: 'ok',
      records: [record],
      lookups: 4,
      problems: [],
      includes: ['_spf.relay.test', '_spf2.relay.test'],
      ips: ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7', '2001:db8:1::/48'],
    });
  });

  it('counts a target reached along two paths twice, as receivers do, without calling it a loop', async () => {
    publish({
      'diamond.test': spf('v=spf1 include:left.diamond.test include:right.diamond.test -all'),
      'left.diamond.test': spf('v=spf1 include:shared.diamond.test -all'),
      'right.diamond.test': spf('v=spf1 include:shared.diamond.test -all'),
      'shared.diamond.test': spf('v=spf1 a -all'),
    });
    const analysis = await analyzeSpf('diamond.test', resolver);
    assert.equal(analysis.status, 'ok');
    assert.equal(analysis.lookups, 6);
    assert.deepEqual(analysis.includes, ['left.diamond.test', 'shared.diamond.test', 'right.diamond.test']);
  });

  it('reports two SPF records at the domain and goes no further', async () => {
    publish({ 'two.test': spf('v=spf1 ip4:192.0.2.1 -all', 'v=spf1 include:_spf.relay.test -all') });
    const analysis = await analyzeSpf('two.test', resolver);
    assert.deepEqual({ ...analysis, records: analysis.records.toSorted() }, {
      status: 'error',
      records: ['v=spf1 include:_spf.relay.test -all', 'v=spf1 ip4:192.0.2.1 -all'],
      lookups: 0,
      problems: [
        { code: 'multiple_records', message: 'two.test has 2 SPF records; receivers treat that as a permanent error (RFC 7208 §4.5): merge them into one' },
      ],
      includes: [],
      ips: [],
    });
  });

  it('counts every lookup of a record over the limit exactly when nothing was left unfollowed', async () => {
    const record =
      'v=spf1 a mx ptr exists:%{i}.allow.busy.test a:a1.busy.test a:a2.busy.test mx:m1.busy.test mx:m2.busy.test ' +
      'a:a3.busy.test a:a4.busy.test a:a5.busy.test a:a6.busy.test -all';
    publish({ 'busy.test': spf(record) });
    assert.deepEqual(await analyzeSpf('busy.test', resolver), {
      status: 'error',
      records: [record],
      lookups: 12,
      problems: [
        { code: 'too_many_lookups', lookups: 12, message: 'The SPF record of busy.test needs 12 DNS lookups; receivers allow at most 10 (RFC 7208 §4.6.4)' },
      ],
      includes: [],
      ips: [],
    });
    assert.equal((await analyzeSpf('busy.test', resolver, { maxLookups: 12 })).status, 'ok');
  });

  it('stops following a chain of includes once it exceeds 10 lookups and says the count is a lower bound', async () => {
    const zone: Zone = { 'chain.test': spf('v=spf1 ip4:192.0.2.1 include:c1.chain.test mx -all') };
    for (let i = 1; i <= 12; i++) zone[`c${i}.chain.test`] = spf(`v=spf1 include:c${i + 1}.chain.test -all`);
    publish(zone);
    const analysis = await analyzeSpf('chain.test', resolver);
    assert.deepEqual(analysis, {
      status: 'error',
      records: ['v=spf1 ip4:192.0.2.1 include:c1.chain.test mx -all'],
      // c1..c10 are read; c10's include:c11 is the 11th lookup and is not followed; the root's mx is the 12th.
      lookups: 12,
      problems: [
        {
          code: 'too_many_lookups',
          lookups: 12,
          message: 'The SPF record of chain.test needs at least 12 DNS lookups; receivers allow at most 10 (RFC 7208 §4.6.4)',
        },
      ],
      includes: Array.from({ length: 11 }, (_, i) => `c${i + 1}.chain.test`),
      ips: ['192.0.2.1'],
    });
    assert.equal(askedFor('c10.chain.test'), true);
    assert.equal(askedFor('c11.chain.test'), false);
  });

  it('reports include targets without an SPF record, saying why', async () => {
    publish({
      'partner.test': spf('v=spf1 include:gone.partner.test include:web.partner.test include:a-only.partner.test -all'),
      'web.partner.test': spf('some-verification=1'),
      'a-only.partner.test': { A: ['192.0.2.30'] },
    });
    assert.deepEqual(await analyzeSpf('partner.test', resolver), {
      status: 'error',
      records: ['v=spf1 include:gone.partner.test include:web.partner.test include:a-only.partner.test -all'],
      lookups: 3,
      problems: [
        {
          code: 'include_not_found',
          name: 'gone.partner.test',
          message: 'gone.partner.test (included by partner.test) has no SPF record (the name does not exist); receivers treat that as a permanent error (RFC 7208 §5.2)',
        },
        {
          code: 'include_not_found',
          name: 'web.partner.test',
          message:
            'web.partner.test (included by partner.test) has no SPF record (none of its TXT records starts with "v=spf1"); ' +
            'receivers treat that as a permanent error (RFC 7208 §5.2)',
        },
        {
          code: 'include_not_found',
          name: 'a-only.partner.test',
          message: 'a-only.partner.test (included by partner.test) has no SPF record (it has no TXT records); receivers treat that as a permanent error (RFC 7208 §5.2)',
        },
      ],
      includes: ['gone.partner.test', 'web.partner.test', 'a-only.partner.test'],
      ips: [],
    });
  });

  it('reports more than two void lookups', async () => {
    publish({
      'voids.test': spf('v=spf1 include:v1.voids.test include:v2.voids.test redirect=v3.voids.test'),
      'v2.voids.test': { A: ['192.0.2.40'] },
    });
    const analysis = await analyzeSpf('voids.test', resolver);
    assert.equal(analysis.status, 'error');
    assert.equal(analysis.lookups, 3);
    assert.deepEqual(
      analysis.problems.map((p) => p.code),
      ['include_not_found', 'include_not_found', 'include_not_found', 'too_many_void_lookups'],
    );
    assert.deepEqual(analysis.problems[2], {
      code: 'include_not_found',
      name: 'v3.voids.test',
      message: 'v3.voids.test (redirect target of voids.test) has no SPF record (the name does not exist); receivers treat that as a permanent error (RFC 7208 §6.1)',
    });
    assert.deepEqual(analysis.problems[3], {
      code: 'too_many_void_lookups',
      voidLookups: 3,
      message:
        'The SPF record of voids.test leads to 3 DNS lookups that find nothing (v1.voids.test, v2.voids.test, v3.voids.test); ' +
        'receivers allow at most 2 (RFC 7208 §4.6.4)',
    });
  });

  it('reports a failed lookup of an include target, or of the domain itself, as temporary', async () => {
    publish({ 'flaky.test': spf('v=spf1 include:broken.flaky.test -all'), 'broken.flaky.test': { servfail: true }, 'down.test': { servfail: true } });
    assert.deepEqual(await analyzeSpf('flaky.test', resolver), {
      status: 'error',
      records: ['v=spf1 include:broken.flaky.test -all'],
      lookups: 1,
      problems: [
        {
          code: 'lookup_failed',
          name: 'broken.flaky.test',
          message:
            'The DNS lookup for broken.flaky.test (included by flaky.test) failed (ESERVFAIL): ' +
            'the SPF result is unknown and receivers return a temporary error; try again later',
        },
      ],
      includes: ['broken.flaky.test'],
      ips: [],
    });
    assert.deepEqual(await analyzeSpf('down.test', resolver), {
      status: 'error',
      records: [],
      lookups: 0,
      problems: [
        {
          code: 'lookup_failed',
          name: 'down.test',
          message: 'The DNS lookup for down.test failed (ESERVFAIL): the SPF result is unknown and receivers return a temporary error; try again later',
        },
      ],
      includes: [],
      ips: [],
    });
  });

  it('reports a syntax error in the domain record and takes nothing from it', async () => {
    const record = 'v=spf1 ip4:192.0.2.1 include:_spf.relay.test inclde:x.test -all';
    publish({ 'typo.test': spf(record) });
    assert.deepEqual(await analyzeSpf('typo.test', resolver), {
      status: 'error',
      records: [record],
      lookups: 0,
      problems: [
        {
          code: 'syntax',
          name: 'typo.test',
          message: 'The SPF record of typo.test is invalid: "inclde:x.test" is not a known mechanism; receivers treat that as a permanent error (RFC 7208 §4.6)',
        },
      ],
      includes: [],
      ips: [],
    });
  });

  it('reports a syntax error in an included record under the included name', async () => {
    publish({
      'vendored.test': spf('v=spf1 include:_spf.badvendor.test -all'),
      '_spf.badvendor.test': spf('v=spf1 ip4:192.0.2.256 -all'),
    });
    assert.deepEqual(await analyzeSpf('vendored.test', resolver), {
      status: 'error',
      records: ['v=spf1 include:_spf.badvendor.test -all'],
      lookups: 1,
      problems: [
        {
          code: 'syntax',
          name: '_spf.badvendor.test',
          message:
            'The SPF record of _spf.badvendor.test (included by vendored.test) is invalid: "ip4:192.0.2.256": "192.0.2.256" is not an IPv4 address; ' +
            'receivers treat that as a permanent error (RFC 7208 §4.6)',
        },
      ],
      includes: ['_spf.badvendor.test'],
      ips: [],
    });
  });

  it('follows redirect after the record’s own terms', async () => {
    publish({
      'alias.test': spf('v=spf1 redirect=_spf.main.test ip4:192.0.2.9'),
      '_spf.main.test': spf('v=spf1 mx ip4:203.0.113.0/24 -all'),
    });
    assert.deepEqual(await analyzeSpf('alias.test', resolver), {
      status: 'ok',
      records: ['v=spf1 redirect=_spf.main.test ip4:192.0.2.9'],
      lookups: 2,
      problems: [],
      includes: ['_spf.main.test'],
      ips: ['192.0.2.9', '203.0.113.0/24'],
    });
  });

  it('ignores redirect when the record has an all mechanism: neither counted nor looked up', async () => {
    publish({ 'final.test': spf('v=spf1 ip4:192.0.2.10 -all redirect=nowhere.final.test') });
    assert.deepEqual(await analyzeSpf('final.test', resolver), {
      status: 'ok',
      records: ['v=spf1 ip4:192.0.2.10 -all redirect=nowhere.final.test'],
      lookups: 0,
      problems: [],
      includes: [],
      ips: ['192.0.2.10'],
    });
    assert.equal(askedFor('nowhere.final.test'), false);
  });

  it('counts include and exists targets with macros without expanding or looking them up', async () => {
    publish({ 'macro.test': spf('v=spf1 include:%{d}._spf.macro.test exists:%{i}._ip.macro.test -all') });
    const analysis = await analyzeSpf('macro.test', resolver);
    assert.equal(analysis.status, 'ok');
    assert.equal(analysis.lookups, 2);
    assert.deepEqual(analysis.includes, ['%{d}._spf.macro.test']);
    assert.equal(dns.queries.some((q) => q.includes('%')), false);
  });

  it('ends an include loop and names it', async () => {
    publish({
      'loop-a.test': spf('v=spf1 include:loop-b.test -all'),
      'loop-b.test': spf('v=spf1 ip4:192.0.2.20 include:LOOP-A.test. -all'),
    });
    assert.deepEqual(await analyzeSpf('loop-a.test', resolver), {
      status: 'error',
      records: ['v=spf1 include:loop-b.test -all'],
      lookups: 2,
      problems: [
        {
          code: 'syntax',
          name: 'loop-b.test',
          message:
            'The SPF record of loop-b.test (included by loop-a.test) includes loop-a.test, which is already being evaluated ' +
            '(loop-a.test → loop-b.test → loop-a.test); receivers follow the loop until the lookup limit fails the check (RFC 7208 §4.6.4)',
        },
      ],
      includes: ['loop-b.test', 'loop-a.test'],
      ips: ['192.0.2.20'],
    });
  });
});
