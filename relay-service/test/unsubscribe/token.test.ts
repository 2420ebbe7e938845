import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createUnsubscribeTokens } from '../../src/unsubscribe/token.ts';
import { newId } from '../../src/ids.ts';

describe('unsubscribe tokens', () => {
  const tokens = createUnsubscribeTokens(randomBytes(32));
  const id = newId('rcpt');

  test('a token names its recipient row and checks', () => {
    const token = tokens.create(id);
    assert.match(token, /^rcpt_[0-9a-z]{26}\.[A-Za-z0-9_-]{22}$/);
    assert.equal(tokens.parse(token), id);
  });

  test('a flipped MAC character, another row with the old MAC, or another key are refused', () => {
    const token = tokens.create(id);
    const [rowId, mac] = token.split('.') as [string, string];
    const flipped = mac.slice(0, 5) + (mac[5] === 'A' ? 'B' : 'A') + mac.slice(6);
    assert.equal(tokens.parse(`${rowId}.${flipped}`), null);
    assert.equal(tokens.parse(`${newId('rcpt')}.${mac}`), null);
    assert.equal(createUnsubscribeTokens(randomBytes(32)).parse(token), null);
  });

  test('malformed tokens are refused without a MAC check', () => {
    const token = tokens.create(id);
    for (const bad of ['', token.slice(0, -1), `${token}A`, token.replace('.', ''), token.replace('rcpt_', 'msg_'), `${token}/../x`, token.toUpperCase()]) {
      assert.equal(tokens.parse(bad), null, bad);
    }
  });

  test('a second spelling of the same MAC bytes is refused (the last base64url character carries 2 spare bits)', () => {
    const token = tokens.create(id);
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    assert.equal(Buffer.from(token.slice(-22, -1) + sibling, 'base64url').equals(Buffer.from(token.slice(-22), 'base64url')), true, 'the same bytes');
    assert.equal(tokens.parse(token.slice(0, -1) + sibling), null);
  });
});
