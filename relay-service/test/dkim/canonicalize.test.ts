import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerFields, relaxedBody, relaxedHeader, selectSignedHeaders } from '../../src/dkim/canonicalize.ts';

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
