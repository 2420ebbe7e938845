import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageScanner } from '../../src/smtp/message-scanner.ts';

function scan(...chunks: string[]) {
  const scanner = new MessageScanner();
  for (const chunk of chunks) scanner.push(Buffer.from(chunk, 'binary'));
  return scanner.finish();
}

describe('MessageScanner', () => {
  test('CRLF-only text passes, also when CR and LF arrive in different chunks', () => {
    assert.deepEqual(scan('a\r\nb\r\n'), { bareLineEnding: false, lineTooLong: false });
    assert.deepEqual(scan('a\r', '\nb\r', '\n'), { bareLineEnding: false, lineTooLong: false });
  });

  test('a lone LF, a lone CR, LF CR and a trailing CR are bare line endings', () => {
    for (const text of ['a\nb\r\n', 'a\rb\r\n', 'a\n\rb\r\n', 'a\r\n\r']) {
      assert.equal(scan(text).bareLineEnding, true, JSON.stringify(text));
    }
    assert.equal(scan('a\r', 'b\r\n').bareLineEnding, true);
    assert.equal(scan('a', '\n').bareLineEnding, true);
  });

  test('998 octets per line pass, 999 do not, counted across chunks', () => {
    assert.equal(scan(`${'x'.repeat(998)}\r\n`).lineTooLong, false);
    assert.equal(scan(`${'x'.repeat(999)}\r\n`).lineTooLong, true);
    assert.equal(scan('x'.repeat(500), `${'x'.repeat(499)}\r\n`).lineTooLong, true);
    assert.equal(scan(`${'x'.repeat(998)}\r\n${'y'.repeat(998)}\r\n`).lineTooLong, false);
  });
});
