import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { splitMessage } from '../../src/accept/headers.ts';
import { unsubscribeControl, unsubscribeHeaderLines, withoutHeaderField } from '../../src/unsubscribe/headers.ts';
import { RelayError } from '../../src/errors.ts';
import { escapeHtml, maskAddress } from '../../src/unsubscribe/page.ts';

const crlf = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');

describe('unsubscribe headers', () => {
  test('the SMTP control header says yes or no; anything else is refused with the field named', () => {
    const control = (value: string | null) => unsubscribeControl(splitMessage(crlf(`From: a@b.test\n${value === null ? '' : `X-RelayPress-Unsubscribe: ${value}\n`}\nbody\n`)).fields);
    assert.equal(control(null), undefined);
    assert.equal(control('yes'), true);
    assert.equal(control(' NO '), false);
    assert.throws(() => control('maybe'), (err: unknown) => err instanceof RelayError && err.code === 'invalid_message' && err.field === 'X-RelayPress-Unsubscribe');
  });

  test('removing a field takes its continuation lines and every instance, and leaves everything else byte for byte', () => {
    const raw = crlf('From: a@b.test\nX-RelayPress-Unsubscribe: yes\nSubject: folded\n more\nx-relaypress-unsubscribe:\n  no\nTo: c@d.test\n\nX-RelayPress-Unsubscribe: yes is body text\n');
    assert.equal(
      withoutHeaderField(raw, 'X-RelayPress-Unsubscribe').toString('latin1'),
      crlf('From: a@b.test\nSubject: folded\n more\nTo: c@d.test\n\nX-RelayPress-Unsubscribe: yes is body text\n').toString('latin1'),
    );
    const headersOnly = crlf('From: a@b.test\nX-RelayPress-Unsubscribe: yes');
    assert.equal(withoutHeaderField(headersOnly, 'X-RelayPress-Unsubscribe').toString('latin1'), 'From: a@b.test');
  });

  test('the RFC 8058 pair: one URI in angle brackets and the One-Click marker', () => {
    assert.equal(unsubscribeHeaderLines('https://relay.example/unsubscribe/t'), 'List-Unsubscribe: <https://relay.example/unsubscribe/t>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
  });

  test('the page masks the address and escapes what it shows', () => {
    assert.equal(maskAddress('buyer@customer.test'), 'b•••@customer.test');
    assert.equal(maskAddress('x@xn--bcher-kva.test'), 'x•••@bücher.test');
    assert.equal(escapeHtml(`<script>"a" & 'b'</script>`), '&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;');
  });
});
