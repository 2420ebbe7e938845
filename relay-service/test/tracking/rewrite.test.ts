import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteHtml } from '../../src/tracking/rewrite-html.ts';
import { rewriteMessageHtml } from '../../src/tracking/rewrite-mime.ts';
import { parseMime, walkParts, decodeBody } from '../../src/mime/parse.ts';
import { createTrackingTokens } from '../../src/tracking/token.ts';

const click = (url: string) => `https://t.example/c/${encodeURIComponent(url)}`;

test('links: http(s) only, entities decoded, opt-out honoured; the pixel goes before </body>', () => {
  const html = `<html><body><p><a href="https://shop.example/o?id=1&amp;k=2">Order</a> <a class=x href='http://a.example/'>A</a>
<a href=https://bare.example/x>B</a> <a href="mailto:x@y.example">M</a> <a href="#top">T</a> <a data-relaypress-notrack href="https://secret.example/">S</a> <A HREF="HTTPS://UPPER.example/">U</A></p></body></html>`;
  const { html: out, links } = rewriteHtml(html, { clickUrl: click, pixelUrl: 'https://t.example/o/x' });
  assert.equal(links, 4);
  assert.match(out, /<a href="https:\/\/t\.example\/c\/https%3A%2F%2Fshop\.example%2Fo%3Fid%3D1%26k%3D2">Order<\/a>/);
  assert.match(out, /<a class=x href="https:\/\/t\.example\/c\/http%3A%2F%2Fa\.example%2F">A/);
  assert.match(out, /href="https:\/\/t\.example\/c\/https%3A%2F%2Fbare\.example%2Fx"/);
  assert.match(out, /href="mailto:x@y\.example"/);
  assert.match(out, /href="#top"/);
  assert.match(out, /data-relaypress-notrack href="https:\/\/secret\.example\/"/);
  assert.match(out, /<img src="https:\/\/t\.example\/o\/x" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" \/><\/body>/);
});

test('a multipart message: only its HTML part changes (re-encoded base64); text part, attachment and attached message stay byte for byte', () => {
  const raw = Buffer.from([
    'From: a@shop.example', 'To: b@customer.example', 'Subject: x', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="m"', '',
    '--m', 'Content-Type: multipart/alternative; boundary="a"', '',
    '--a', 'Content-Type: text/plain; charset=utf-8', '', 'See https://shop.example/', '',
    '--a', 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '', '<p><a href=3D"https://shop.example/">G=C3=BC</a></p>', '--a--', '',
    '--m', 'Content-Type: text/html; name="invoice.html"', 'Content-Disposition: attachment; filename="invoice.html"', '', '<a href="https://keep.example/">keep</a>', '',
    '--m', 'Content-Type: message/rfc822', '', 'Content-Type: text/html', '', '<a href="https://inner.example/">inner</a>', '--m--', '',
  ].join('\r\n'));
  const { raw: out, parts } = rewriteMessageHtml(raw, (html) => rewriteHtml(html, { clickUrl: click, pixelUrl: null }).html);
  assert.equal(parts, 1);
  const text = out.toString('latin1');
  assert.match(text, /See https:\/\/shop\.example\/\r\n\r\n--a\r\nContent-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n/);
  assert.doesNotMatch(text, /quoted-printable/);
  assert.ok(text.includes('<a href="https://keep.example/">keep</a>'), 'the attachment');
  assert.ok(text.includes('<a href="https://inner.example/">inner</a>'), 'the attached message');
  const html = [...walkParts(parseMime(out).root)].find((p) => p.type === 'text/html' && p.depth === 2)!;
  assert.equal(decodeBody(html).toString('utf8'), '<p><a href="https://t.example/c/https%3A%2F%2Fshop.example%2F">Gü</a></p>');
});

test('a bare HTML message and a message without HTML', () => {
  const bare = Buffer.from('From: a@s.example\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<body><a href="https://x.example/">x</a></body>\r\n');
  const out = rewriteMessageHtml(bare, (html) => rewriteHtml(html, { clickUrl: click, pixelUrl: 'https://t.example/o/1' }).html);
  assert.equal(out.parts, 1);
  const decoded = decodeBody(parseMime(out.raw).root).toString('utf8');
  assert.match(decoded, /^<body><a href="https:\/\/t\.example\/c\/https%3A%2F%2Fx\.example%2F">x<\/a><img src="https:\/\/t\.example\/o\/1"[^>]*\/><\/body>\r?\n?$/);
  const plain = Buffer.from('From: a@s.example\r\n\r\nhello https://x.example/\r\n');
  assert.equal(rewriteMessageHtml(plain, () => 'never').raw, plain);
});

test('tokens: the URL travels signed; tampering, truncation and another key fail', () => {
  const tokens = createTrackingTokens(Buffer.alloc(32, 9));
  const t = tokens.click('msg_01abc', 'https://shop.example/o?id=1', 1_796_000_000_000);
  assert.deepEqual(tokens.parse(t), { kind: 'click', messageId: 'msg_01abc', issuedAt: 1_796_000_000_000, url: 'https://shop.example/o?id=1' });
  assert.deepEqual(tokens.parse(tokens.open('msg_01abc', 1_796_000_000_000)), { kind: 'open', messageId: 'msg_01abc', issuedAt: 1_796_000_000_000 });
  const [payload, mac] = t.split('.') as [string, string];
  const forged = Buffer.from(JSON.stringify(['c', 'msg_01abc', 1796000000, 'https://evil.example/'])).toString('base64url');
  assert.equal(tokens.parse(`${forged}.${mac}`), null);
  assert.equal(tokens.parse(`${payload}.${mac.slice(0, -2)}AA`), null);
  assert.equal(tokens.parse(payload), null);
  assert.equal(createTrackingTokens(Buffer.alloc(32, 8)).parse(t), null);
});
