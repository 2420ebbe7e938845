import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SendEmailRequest,
  SendEmailResponse,
  formatZodError,
  isRawSendEmailRequest,
  isValidEmailAddress,
  normalizeEmailAddress,
  toAsciiDomain,
} from '@relaypress/shared-types';

const VALID = {
  from: { email: 'shop@example.com', name: 'Shop' },
  to: [{ email: 'customer@example.net' }],
  subject: 'Your order',
  text: 'Thanks',
};

function rejection(input: unknown): { code: string; message: string; field?: string } {
  const result = SendEmailRequest.safeParse(input);
  assert.equal(result.success, false, `expected ${JSON.stringify(input)} to be refused`);
  return formatZodError(result.error!);
}

describe('SendEmailRequest, structured form', () => {
  test('accepts a minimal request and defaults the attachment disposition', () => {
    const parsed = SendEmailRequest.parse({ ...VALID, attachments: [{ content: 'YQ==', filename: 'a.txt' }] });
    assert.equal(isRawSendEmailRequest(parsed), false);
    assert.equal('attachments' in parsed && parsed.attachments?.[0]?.disposition, 'attachment');
  });

  test('unsubscribe is a boolean on both forms; anything else is refused with the field', () => {
    assert.equal((SendEmailRequest.parse({ ...VALID, unsubscribe: true }) as { unsubscribe?: boolean }).unsubscribe, true);
    const raw = { envelope: { mail_from: 'shop@example.com', rcpt_to: ['customer@example.net'] }, raw: 'RnJvbTogYUBiLmNvDQoNCng=' };
    assert.equal((SendEmailRequest.parse({ ...raw, unsubscribe: false }) as { unsubscribe?: boolean }).unsubscribe, false);
    assert.equal(rejection({ ...VALID, unsubscribe: 'yes' }).field, 'unsubscribe');
    assert.equal(rejection({ ...raw, unsubscribe: 1 }).field, 'unsubscribe');
  });

  test('accepts unicode names, subjects and IDN domains', () => {
    const parsed = SendEmailRequest.parse({
      ...VALID,
      from: { email: 'shop@bücher.example', name: 'Bücher' },
      subject: 'Grüße 😀',
    });
    assert.equal('subject' in parsed && parsed.subject, 'Grüße 😀');
  });

  const invalid: [string, unknown, string, string][] = [
    ['a missing recipient list', { ...VALID, to: [] }, 'to', 'validation_failed'],
    ['an address with a display name inside', { ...VALID, to: [{ email: 'Bob <bob@example.com>' }] }, 'to.0.email', 'validation_failed'],
    ['an address with a space', { ...VALID, cc: [{ email: 'bo b@example.com' }] }, 'cc.0.email', 'validation_failed'],
    ['an address on an IP literal', { ...VALID, bcc: [{ email: 'bob@127.0.0.1' }] }, 'bcc.0.email', 'validation_failed'],
    ['an address with a port', { ...VALID, to: [{ email: 'bob@example.com:25' }] }, 'to.0.email', 'validation_failed'],
    ['neither html nor text', { ...VALID, text: undefined }, 'text', 'validation_failed'],
    ['an empty subject', { ...VALID, subject: '' }, 'subject', 'validation_failed'],
    ['an unknown top-level field', { ...VALID, attachment: [] }, 'attachment', 'validation_failed'],
    ['a reserved custom header', { ...VALID, headers: [{ name: 'bcc', value: 'x@example.com' }] }, 'headers.0.name', 'validation_failed'],
    ['a DKIM-Signature custom header', { ...VALID, headers: [{ name: 'DKIM-Signature', value: 'v=1' }] }, 'headers.0.name', 'validation_failed'],
    ['a header name with a colon', { ...VALID, headers: [{ name: 'X-A:', value: 'v' }] }, 'headers.0.name', 'validation_failed'],
    ['a header name with a space', { ...VALID, headers: [{ name: 'X A', value: 'v' }] }, 'headers.0.name', 'validation_failed'],
    ['an attachment without filename', { ...VALID, attachments: [{ content: 'YQ==' }] }, 'attachments.0.filename', 'validation_failed'],
    ['attachment content that is not base64', { ...VALID, attachments: [{ content: 'not base64!', filename: 'a' }] }, 'attachments.0.content', 'validation_failed'],
    ['an inline attachment without content_id', { ...VALID, attachments: [{ content: 'YQ==', filename: 'a.png', disposition: 'inline' }] }, 'attachments.0.content_id', 'validation_failed'],
    ['an attachment with a path', { ...VALID, attachments: [{ content: 'YQ==', filename: 'a', path: '/etc/passwd' }] }, 'attachments.0.path', 'validation_failed'],
    ['an attachment with an href', { ...VALID, attachments: [{ content: 'YQ==', filename: 'a', href: 'http://127.0.0.1/' }] }, 'attachments.0.href', 'validation_failed'],
    ['too many tags', { ...VALID, tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags', 'validation_failed'],
    ['a metadata value that is not a string', { ...VALID, metadata: { order: 42 } }, 'metadata.order', 'validation_failed'],
  ];
  for (const [what, input, field, code] of invalid) {
    test(`refuses ${what}, naming ${field}`, () => {
      const error = rejection(input);
      assert.equal(error.field, field);
      assert.equal(error.code, code);
      assert.ok(error.message.startsWith(`${field}: `), error.message);
    });
  }
});

describe('CR, LF and NUL in header-bound values', () => {
  const cases: [string, unknown, string][] = [
    ['subject', { ...VALID, subject: 'Hi\r\nBcc: victim@example.org' }, 'subject'],
    ['a display name', { ...VALID, from: { email: 'shop@example.com', name: 'Shop\nBcc: x@example.org' } }, 'from.name'],
    ['an address', { ...VALID, to: [{ email: 'a@example.com\r\nBcc: x@example.org' }] }, 'to.0.email'],
    ['a reply-to name', { ...VALID, reply_to: { email: 'r@example.com', name: 'R\0' } }, 'reply_to.name'],
    ['a custom header value', { ...VALID, headers: [{ name: 'X-A', value: 'v\r\nBcc: x@example.org' }] }, 'headers.0.value'],
    ['a filename', { ...VALID, attachments: [{ content: 'YQ==', filename: 'a\r\n.txt' }] }, 'attachments.0.filename'],
    ['a content id', { ...VALID, attachments: [{ content: 'YQ==', filename: 'a.png', disposition: 'inline', content_id: 'x\n@y' }] }, 'attachments.0.content_id'],
    ['a tag', { ...VALID, tags: ['ok', 'bad\r\n'] }, 'tags.1'],
    ['a raw envelope sender', { envelope: { mail_from: 'a@example.com\r\n', rcpt_to: ['b@example.com'] }, raw: 'YQ==' }, 'envelope.mail_from'],
  ];
  for (const [what, input, field] of cases) {
    test(`in ${what} is refused as invalid_header`, () => {
      assert.deepEqual(rejection(input), {
        code: 'invalid_header',
        message: `${field}: must not contain CR, LF or NUL characters`,
        field,
      });
    });
  }
});

describe('SendEmailRequest, raw form', () => {
  const RAW = { envelope: { mail_from: 'wp@example.com', rcpt_to: ['a@example.net', 'b@example.org'] }, raw: Buffer.from('From: wp@example.com\r\n\r\nhi').toString('base64') };

  test('is chosen by the presence of raw', () => {
    const parsed = SendEmailRequest.parse({ ...RAW, tags: ['wp'] });
    assert.equal(isRawSendEmailRequest(parsed), true);
  });

  test('reports the raw form’s own issue, not the structured form’s', () => {
    assert.equal(rejection({ ...RAW, envelope: { mail_from: 'wp@example.com', rcpt_to: [] } }).field, 'envelope.rcpt_to');
  });

  test('refuses structured fields mixed into a raw request', () => {
    assert.equal(rejection({ ...RAW, subject: 'x' }).field, 'subject');
  });

  test('refuses raw content that is not base64', () => {
    assert.equal(rejection({ ...RAW, raw: 'From: x\r\n' }).field, 'raw');
  });

  test('a structured request with a typo reports the typo, not a missing raw', () => {
    assert.equal(rejection({ ...VALID, to: [{ emial: 'x@example.com' }] }).field, 'to.0.email');
  });
});

describe('SendEmailResponse', () => {
  test('parses the 202 body shape', () => {
    const body = { id: 'msg_1', recipients: [{ id: 'rcp_1', email: 'a@example.com' }] };
    assert.deepEqual(SendEmailResponse.parse(body), body);
  });
});

describe('email address helpers', () => {
  test('toAsciiDomain punycodes and lower-cases, and refuses what is not a mail domain', () => {
    assert.equal(toAsciiDomain('Bücher.Example'), 'xn--bcher-kva.example');
    for (const bad of ['localhost', '1.2.3.4', '0x7f.1', 'example.com:25', 'exa mple.com', 'example..com', '-a.example', '']) {
      assert.equal(toAsciiDomain(bad), null, bad);
    }
  });

  test('isValidEmailAddress keeps the local part to ASCII dot-atoms', () => {
    assert.equal(isValidEmailAddress("o'brien+tag@example.com"), true);
    for (const bad of ['"quoted"@example.com', 'zoë@example.com', 'a..b@example.com', '.a@example.com', '<a@example.com>', 'a@', '@example.com', `${'a'.repeat(65)}@example.com`]) {
      assert.equal(isValidEmailAddress(bad), false, bad);
    }
  });

  test('normalizeEmailAddress folds only the domain', () => {
    assert.equal(normalizeEmailAddress('Zoe@Bücher.EXAMPLE'), 'Zoe@xn--bcher-kva.example');
  });
});
