import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerFields, relaxedBody, relaxedBodyInPlace, relaxedHeader, selectSignedHeaders } from '../../src/dkim/canonicalize.ts';

test('relaxed canonicalization matches the example of RFC 6376 §3.4.5', () => {
  const fields = headerFields('A: X\r\nB : Y\t\r\n\tZ  \r\n');
  assert.equal(fields.map((f) => relaxedHeader(f.name, f.value) + '\r\n').join(''), 'a:X\r\nb:Y Z\r\n');
  assert.equal(relaxedBody(' C \r\nD \t E\r\n\r\n\r\n'), ' C\r\nD E\r\n');
});

test('relaxed body: empty bodies hash as nothing, a missing final CRLF is added, inner empty lines stay', () => {
  assert.equal(relaxedBody(''), '');
  assert.equal(relaxedBody('\r\n\r\n'), '');
  assert.equal(relaxedBody(' \t\r\n'), '');
  assert.equal(relaxedBody('last line  '), 'last line\r\n');
  assert.equal(relaxedBody('a\r\n  \r\nb\r\n'), 'a\r\n\r\nb\r\n');
});

test('signed headers take the bottom-most unused instance per name; an over-signed name adds nothing', () => {
  const fields = headerFields('Received: x\r\nSubject: first\r\nFrom: a@b\r\nSubject: second\r\n');
  assert.equal(selectSignedHeaders(fields, ['Subject', 'Subject', 'From', 'From']), 'subject:second\r\nsubject:first\r\nfrom:a@b\r\n');
});

test('the in-place relaxed body is byte for byte the relaxed body, and declines whenever a rewrite is needed', () => {
  const cases: [string, boolean][] = [
    ['Hello world\r\nSecond line\r\n', true],
    ['Hello world\r\n\r\n\r\n', true],
    ['\r\n\r\n', true],
    ['', true],
    ['no final line break', false],
    ['two  spaces\r\n', false],
    ['tab\there\r\n', false],
    ['trailing space \r\n', false],
    [' leading space is kept\r\n', true],
    ['bare\nLF with space \nline\r\n', false],
  ];
  for (const [body, fast] of cases) {
    const inPlace = relaxedBodyInPlace(Buffer.from(body, 'latin1'));
    assert.equal(inPlace !== null, fast, JSON.stringify(body));
    if (inPlace) assert.equal(inPlace.toString('latin1'), relaxedBody(body), JSON.stringify(body));
  }
  // Random bodies over the characters that matter: whenever the fast path answers, it agrees.
  const alphabet = ['a', 'b', ' ', '\t', '\r\n', '\r\n', ' '];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let answered = 0;
  for (let n = 0; n < 2000; n++) {
    let body = '';
    const length = Math.floor(next() * 12);
    for (let i = 0; i < length; i++) body += alphabet[Math.floor(next() * alphabet.length)];
    const inPlace = relaxedBodyInPlace(Buffer.from(body, 'latin1'));
    if (!inPlace) continue;
    answered++;
    assert.equal(inPlace.toString('latin1'), relaxedBody(body), JSON.stringify(body));
  }
  assert.ok(answered > 100, 'the random bodies exercise the fast path');
});
