import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, cidrsOverlap, parseCidr, unmapIPv4, type Cidr } from '../../src/net/cidr.ts';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.cidr;
}

test('networks are written canonically; a single address is a /32 or /128', () => {
  assert.equal(cidr('10.0.0.0/8').text, '10.0.0.0/8');
  assert.equal(cidr(' 192.168.1.7 ').text, '192.168.1.7/32');
  assert.equal(cidr('2001:0DB8:0000::/32').text, '2001:db8::/32');
  assert.equal(cidr('::1').text, '::1/128');
  assert.equal(cidr('fd00:0:0:0:1:0:0:0/80').text, 'fd00::1:0:0:0/80');
  assert.equal(cidr('2001:db8:0:1:0:0:1:0/128').text, '2001:db8:0:1::1:0/128');
});

test('bad notation, host bits and networks broader than /8 or /32 are refused with the reason', () => {
  assert.deepEqual(parseCidr('10.1.2.3/8'), { ok: false, message: 'host bits are set; did you mean 10.0.0.0/8?' });
  assert.deepEqual(parseCidr('2001:db8::1/32'), { ok: false, message: 'host bits are set; did you mean 2001:db8::/32?' });
  assert.deepEqual(parseCidr('0.0.0.0/0'), { ok: false, message: '/0 is too broad; an IPv4 network must be /8 or narrower' });
  assert.deepEqual(parseCidr('2000::/3'), { ok: false, message: '/3 is too broad; an IPv6 network must be /32 or narrower' });
  assert.deepEqual(parseCidr('10.0.0.0/33'), { ok: false, message: 'the prefix length must be a number from 0 to 32' });
  assert.deepEqual(parseCidr('10.0.0.0/'), { ok: false, message: 'the prefix length must be a number from 0 to 32' });
  assert.deepEqual(parseCidr('10.0.0.0/8x'), { ok: false, message: 'the prefix length must be a number from 0 to 32' });
  assert.deepEqual(parseCidr('example.com/24'), { ok: false, message: '"example.com" is not an IPv4 or IPv6 address' });
  assert.deepEqual(parseCidr('256.1.1.1'), { ok: false, message: '"256.1.1.1" is not an IPv4 or IPv6 address' });
  // The mapped form would hide an IPv4 network behind IPv6 notation and its prefix arithmetic.
  assert.deepEqual(parseCidr('::ffff:10.0.0.0/104'), { ok: false, message: '"::ffff:10.0.0.0" is not an IPv4 or IPv6 address' });
});

test('containment is by prefix bits, per family, and IPv4-mapped clients count as IPv4', () => {
  const loopback = cidr('127.0.0.0/8');
  assert.equal(cidrContains(loopback, '127.0.0.1'), true);
  assert.equal(cidrContains(loopback, '127.255.255.254'), true);
  assert.equal(cidrContains(loopback, '128.0.0.1'), false);
  assert.equal(cidrContains(loopback, '::ffff:127.0.0.1'), true);
  assert.equal(cidrContains(loopback, '::1'), false);
  assert.equal(cidrContains(loopback, 'not-an-ip'), false);
  const odd = cidr('192.168.4.0/22');
  assert.equal(cidrContains(odd, '192.168.7.255'), true);
  assert.equal(cidrContains(odd, '192.168.8.0'), false);
  const v6 = cidr('2001:db8:abcd::/48');
  assert.equal(cidrContains(v6, '2001:db8:abcd:ffff::1'), true);
  assert.equal(cidrContains(v6, '2001:db8:abce::1'), false);
  assert.equal(unmapIPv4('::FFFF:10.0.0.1'), '10.0.0.1');
  assert.equal(unmapIPv4('::1'), '::1');
});

test('overlap: a network overlaps what contains it and what it contains, never the other family', () => {
  assert.equal(cidrsOverlap(cidr('10.0.0.0/8'), cidr('10.20.0.0/16')), true);
  assert.equal(cidrsOverlap(cidr('10.20.0.0/16'), cidr('10.0.0.0/8')), true);
  assert.equal(cidrsOverlap(cidr('10.20.0.0/16'), cidr('10.21.0.0/16')), false);
  assert.equal(cidrsOverlap(cidr('10.0.0.1'), cidr('10.0.0.1/32')), true);
  assert.equal(cidrsOverlap(cidr('::1'), cidr('127.0.0.0/8')), false);
});
