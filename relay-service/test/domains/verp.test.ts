import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createVerp } from '../../src/domains/verp.ts';
import { createKeyring } from '../../src/auth/keyring.ts';

const key = createKeyring(Buffer.alloc(32, 7)).deriveKey('verp');

test('a VERP address names its message and parses back only with the right MAC', () => {
  const verp = createVerp(key);
  const address = verp.address('msg_01m8k7janbcjjxyphs3gy5xgys', 'rp.shop.test');
  assert.match(address, /^b-01m8k7janbcjjxyphs3gy5xgys-[0-9a-f]{12}@rp\.shop\.test$/);
  assert.deepEqual(verp.parse(address), { messageId: 'msg_01m8k7janbcjjxyphs3gy5xgys', host: 'rp.shop.test' });
  assert.deepEqual(verp.parse(address.toUpperCase()), { messageId: 'msg_01m8k7janbcjjxyphs3gy5xgys', host: 'rp.shop.test' }, 'MTAs that upper-case local parts do not break it');

  const mac = address.slice(address.lastIndexOf('-') + 1, address.indexOf('@'));
  const flipped = mac.slice(0, -1) + (mac.endsWith('0') ? '1' : '0');
  assert.equal(verp.parse(address.replace(mac, flipped)), null, 'a forged MAC');
  assert.equal(verp.parse(address.replace('01m8k7', '01m8k8')), null, 'another message id under the same MAC');
  assert.equal(createVerp(randomBytes(32)).parse(address), null, 'another relay\'s key');
  for (const junk of ['', '@', 'postmaster@rp.shop.test', 'b--abc@rp.shop.test', 'b-01m8k7janbcjjxyphs3gy5xgys-zzzzzzzzzzzz@rp.shop.test']) {
    assert.equal(verp.parse(junk), null, junk);
  }
});

test('keys derived for different purposes differ, and the same purpose gives the same key', () => {
  const keyring = createKeyring(Buffer.alloc(32, 7));
  assert.deepEqual(keyring.deriveKey('verp'), key);
  assert.notDeepEqual(keyring.deriveKey('unsubscribe'), key);
  assert.equal(key.length, 32);
});
