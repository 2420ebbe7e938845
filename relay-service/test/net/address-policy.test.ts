import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyAddress, outboundAllowed } from '../../src/net/address-policy.ts';

test('addresses are classified, IPv4 inside IPv6 included', () => {
  const cases: [string, string][] = [
    ['93.184.215.14', 'public'], ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', 'public'],
    ['127.0.0.1', 'loopback'], ['127.255.1.2', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'], ['172.31.255.255', 'private'], ['172.32.0.1', 'public'], ['192.168.1.1', 'private'], ['100.64.0.1', 'private'], ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link_local'], ['fe80::1', 'link_local'], ['fd00:ec2::254', 'link_local'], ['::ffff:169.254.169.254', 'link_local'],
    ['0.0.0.0', 'reserved'], ['::', 'reserved'], ['224.0.0.1', 'reserved'], ['255.255.255.255', 'reserved'], ['ff02::1', 'reserved'], ['192.0.2.7', 'reserved'],
    ['64:ff9b::a9fe:a9fe', 'link_local'], ['64:ff9b::5db8:d70e', 'public'], ['2002:7f00:1::', 'loopback'],
    ['not-an-ip', 'reserved'],
  ];
  for (const [address, kind] of cases) assert.equal(classifyAddress(address), kind, address);
});

test('private networks only when allowed; link-local and reserved never', () => {
  assert.deepEqual(outboundAllowed('93.184.215.14', { allowPrivate: false }), { ok: true });
  assert.deepEqual(outboundAllowed('127.0.0.1', { allowPrivate: false }), { ok: false, reason: '127.0.0.1 is a loopback address (the operator can allow private networks with RELAY_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true)' });
  assert.deepEqual(outboundAllowed('127.0.0.1', { allowPrivate: true }), { ok: true });
  assert.deepEqual(outboundAllowed('10.0.0.5', { allowPrivate: true }), { ok: true });
  assert.deepEqual(outboundAllowed('169.254.169.254', { allowPrivate: true }), { ok: false, reason: '169.254.169.254 is a link-local address (cloud metadata lives there)' });
  assert.equal(outboundAllowed('0.0.0.0', { allowPrivate: true }).ok, false);
});
