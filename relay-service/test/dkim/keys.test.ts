import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { dkimDnsRecord, generateDkimKeyPair, importDkimPrivateKey, splitTxtValue } from '../../src/dkim/keys.ts';

describe('generateDkimKeyPair', () => {
  test('RSA: a 2048-bit PKCS#8 key whose DNS p= is the matching SubjectPublicKeyInfo', () => {
    const pair = generateDkimKeyPair('rsa');
    assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    const privateKey = createPrivateKey(pair.privateKeyPem);
    assert.equal(privateKey.asymmetricKeyDetails?.modulusLength, 2048);
    const publicKey = createPublicKey({ key: Buffer.from(pair.publicKey, 'base64'), format: 'der', type: 'spki' });
    const data = Buffer.from('canonical header');
    assert.ok(verify('sha256', data, publicKey, sign('sha256', data, privateKey)));
  });

  test('Ed25519: the DNS p= is the bare 32-byte public key (RFC 8463), not an SPKI', () => {
    const pair = generateDkimKeyPair('ed25519');
    const raw = Buffer.from(pair.publicKey, 'base64');
    assert.equal(raw.length, 32);
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    const data = Buffer.from('canonical header hash');
    assert.ok(verify(null, data, publicKey, sign(null, data, createPrivateKey(pair.privateKeyPem))));
  });
});

describe('dkimDnsRecord', () => {
  test('names the selector record and carries the key type', () => {
    assert.deepEqual(dkimDnsRecord('example.com', 's1', 'ed25519', 'AAAA'), {
      name: 's1._domainkey.example.com',
      type: 'TXT',
      value: 'v=DKIM1; k=ed25519; p=AAAA',
    });
  });
});

describe('importDkimPrivateKey', () => {
  test('accepts a PKCS#1 RSA key and normalises it to PKCS#8 with the same public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const imported = importDkimPrivateKey(pkcs1, 'rsa');
    assert.match(imported.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(imported.publicKey, publicKey.export({ format: 'der', type: 'spki' }).toString('base64'));
  });

  test('refuses a key of the other algorithm, a short RSA key and garbage', () => {
    const ed = generateDkimKeyPair('ed25519');
    assert.throws(() => importDkimPrivateKey(ed.privateKeyPem, 'rsa'), /ed25519 key, not rsa/);
    const short = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    assert.throws(() => importDkimPrivateKey(short, 'rsa'), /shorter than 1024 bits/);
    assert.throws(() => importDkimPrivateKey('not a key', 'rsa'), /not a readable PEM/);
  });
});

describe('splitTxtValue', () => {
  test('splits an RSA record into strings of at most 255 characters that join back to the value', () => {
    const { publicKey } = generateDkimKeyPair('rsa');
    const value = dkimDnsRecord('example.com', 's', 'rsa', publicKey).value;
    const parts = splitTxtValue(value);
    assert.ok(parts.length > 1);
    assert.ok(parts.every((p) => p.length <= 255));
    assert.equal(parts.join(''), value);
  });
});
