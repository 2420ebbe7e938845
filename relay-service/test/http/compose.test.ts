import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import { SendEmailRequest, SendStructuredEmailRequest, formatZodError } from '@relaypress/shared-types';
import { composeMessage } from '../../src/http/compose.ts';

const NOW = new Date('2026-03-03T10:00:00Z');
const PDF = randomBytes(3000);
const PNG = randomBytes(500);

function parseRequest(input: unknown): SendStructuredEmailRequest {
  return SendStructuredEmailRequest.parse(input);
}

const FULL = parseRequest({
  from: { email: 'orders@example.com', name: 'Bücher & Söhne, GmbH' },
  to: [{ email: 'zoe@example.net', name: 'Zoë Ångström' }, { email: 'kunde@bücher.example' }],
  cc: [{ email: 'cc@example.org', name: 'Copy' }],
  bcc: [{ email: 'audit@example.org' }, { email: 'ZOE@Example.NET' }],
  reply_to: { email: 'support@example.com', name: 'Support' },
  subject: 'Ihre Bestellung №42 ✓ — 😀',
  text: 'Danke für Ihre Bestellung.\nZeile zwei.',
  html: '<p>Danke für Ihre Bestellung.</p><img src="cid:logo@shop">',
  headers: [
    { name: 'X-Order-Id', value: '42' },
    { name: 'List-Unsubscribe', value: '<https://example.com/u/1>' },
  ],
  attachments: [
    { content: PDF.toString('base64'), filename: 'Rechnung März.pdf', content_type: 'application/pdf' },
    { content: PNG.toString('base64'), filename: 'logo.png', content_type: 'image/png', disposition: 'inline', content_id: 'logo@shop' },
  ],
});

function addresses(field: AddressObject | AddressObject[] | undefined): { name: string; address: string }[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value).map((v) => ({ name: v.name, address: v.address ?? '' }));
}

describe('composeMessage', () => {
  test('every field of the request round-trips through a MIME parser', async () => {
    const composed = await composeMessage(FULL, { hostname: 'relay.example.com', now: NOW });
    // skipImageLinks keeps mailparser from inlining the cid: image as a data: URI.
    const parsed = await simpleParser(composed.raw, { skipImageLinks: true });

    assert.deepEqual(addresses(parsed.from), [{ name: 'Bücher & Söhne, GmbH', address: 'orders@example.com' }]);
    assert.deepEqual(addresses(parsed.to), [
      { name: 'Zoë Ångström', address: 'zoe@example.net' },
      // mailparser shows the U-label; on the wire the domain is an A-label (checked below).
      { name: '', address: 'kunde@bücher.example' },
    ]);
    assert.match(composed.raw.toString('latin1').replace(/\r\n[ \t]/g, ' '), /^To: .*kunde@xn--bcher-kva\.example/m);
    assert.deepEqual(addresses(parsed.cc), [{ name: 'Copy', address: 'cc@example.org' }]);
    assert.deepEqual(addresses(parsed.replyTo), [{ name: 'Support', address: 'support@example.com' }]);
    assert.equal(parsed.subject, 'Ihre Bestellung №42 ✓ — 😀');
    assert.equal(parsed.text?.trim(), 'Danke für Ihre Bestellung.\nZeile zwei.');
    assert.equal(parsed.html, '<p>Danke für Ihre Bestellung.</p><img src="cid:logo@shop">');
    assert.equal(parsed.messageId, composed.messageIdHeader);
    assert.equal(parsed.date?.toISOString(), NOW.toISOString());
    assert.equal(parsed.headers.get('x-order-id'), '42');
    assert.equal(parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line, 'List-Unsubscribe: <https://example.com/u/1>');
  });

  test('attachments arrive byte-identical, the inline one with its content id', async () => {
    const parsed = await simpleParser((await composeMessage(FULL, { hostname: 'relay.example.com' })).raw);
    const pdf = parsed.attachments.find((a) => a.filename === 'Rechnung März.pdf');
    const png = parsed.attachments.find((a) => a.filename === 'logo.png');
    assert.ok(pdf && png);
    assert.equal(pdf.contentType, 'application/pdf');
    assert.equal(pdf.contentDisposition, 'attachment');
    assert.ok(pdf.content.equals(PDF));
    assert.equal(png.contentDisposition, 'inline');
    assert.equal(png.cid, 'logo@shop');
    assert.ok(png.content.equals(PNG));
  });

  test('Bcc recipients are on the envelope but in no header', async () => {
    const composed = await composeMessage(FULL, { hostname: 'relay.example.com' });
    assert.doesNotMatch(composed.raw.toString('latin1'), /^bcc:/im);
    assert.doesNotMatch(composed.raw.toString('latin1'), /audit@example\.org/);
    assert.ok(composed.recipients.includes('audit@example.org'));
  });

  test('envelope recipients are to+cc+bcc, each once, with A-label lower-case domains', async () => {
    const composed = await composeMessage(FULL, { hostname: 'relay.example.com' });
    assert.deepEqual(composed.recipients, [
      'zoe@example.net',
      'kunde@xn--bcher-kva.example',
      'cc@example.org',
      'audit@example.org',
      // The local part is case-sensitive by the RFC, so only the domain is folded.
      'ZOE@example.net',
    ]);
    assert.equal(composed.mailFrom, 'orders@example.com');
  });

  test('the Message-ID is generated per message on the relay host name', async () => {
    const a = await composeMessage(FULL, { hostname: 'relay.example.com' });
    const b = await composeMessage(FULL, { hostname: 'relay.example.com' });
    assert.match(a.messageIdHeader, /^<[^<>@\s]+@relay\.example\.com>$/);
    assert.notEqual(a.messageIdHeader, b.messageIdHeader);
  });

  test('every line ends in CRLF and none exceeds 998 octets', async () => {
    const longLine = parseRequest({
      from: { email: 'a@example.com' },
      to: [{ email: 'b@example.com' }],
      subject: 'long',
      text: 'x'.repeat(5000),
    });
    for (const req of [FULL, longLine]) {
      const raw = (await composeMessage(req, { hostname: 'relay.example.com' })).raw.toString('latin1');
      assert.doesNotMatch(raw, /[^\r]\n/);
      assert.doesNotMatch(raw, /\r(?!\n)/);
      assert.ok(raw.split('\r\n').every((line) => line.length <= 998));
    }
  });

  test('html and text become multipart/alternative; text alone stays a single text/plain part', async () => {
    const both = parseRequest({ from: { email: 'a@example.com' }, to: [{ email: 'b@example.com' }], subject: 's', text: 't', html: '<b>h</b>' });
    const textOnly = parseRequest({ from: { email: 'a@example.com' }, to: [{ email: 'b@example.com' }], subject: 's', text: 't' });
    assert.match((await composeMessage(both, { hostname: 'h.example' })).raw.toString(), /^Content-Type: multipart\/alternative;/m);
    const single = (await composeMessage(textOnly, { hostname: 'h.example' })).raw.toString();
    assert.match(single, /^Content-Type: text\/plain; charset=utf-8\r$/m);
    assert.doesNotMatch(single, /multipart/);
  });

  test('a request object carrying a path is still composed from its base64 content only', async () => {
    // The schema refuses `path`; this guards the composer mapping should a request bypass it.
    const forged = { ...FULL, attachments: [{ ...FULL.attachments![0]!, path: '/etc/passwd', href: 'http://127.0.0.1/' }] };
    const parsed = await simpleParser((await composeMessage(forged, { hostname: 'relay.example.com' })).raw);
    assert.equal(parsed.attachments.length, 1);
    assert.ok(parsed.attachments[0]!.content.equals(PDF));
  });
});

describe('attachments that point elsewhere never reach the composer', () => {
  for (const key of ['path', 'href', 'url']) {
    test(`an attachment with ${key} is a validation error naming the field`, () => {
      const result = SendEmailRequest.safeParse({
        from: { email: 'a@example.com' },
        to: [{ email: 'b@example.com' }],
        subject: 's',
        text: 't',
        attachments: [
          { content: 'YQ==', filename: 'ok.txt' },
          { content: 'YQ==', filename: 'x.txt', [key]: key === 'path' ? '/etc/passwd' : 'http://127.0.0.1/' },
        ],
      });
      assert.equal(result.success, false);
      assert.deepEqual(formatZodError(result.error!).field, `attachments.1.${key}`);
    });
  }
});
