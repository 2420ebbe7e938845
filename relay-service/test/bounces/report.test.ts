import { test } from 'node:test';
import assert from 'node:assert/strict';

import { readInboundReport } from '../../src/bounces/report.ts';
import { classifyDsnRecipient, classifyTextBounce } from '../../src/bounces/classify.ts';
import { parseMime } from '../../src/mime/parse.ts';
import { fixture, RCPT, VERP } from './fixtures.ts';

test('a Gmail-shaped DSN: the failed recipient, its status and the folded diagnostic, classified hard', () => {
  const report = readInboundReport(fixture('gmail-dsn.eml'), '');
  assert.equal(report.kind, 'dsn');
  if (report.kind !== 'dsn') return;
  assert.equal(report.reportingMta, 'googlemail.com');
  assert.equal(report.recipients.length, 1);
  const [r] = report.recipients;
  assert.equal(r!.finalRecipient, RCPT);
  assert.equal(r!.action, 'failed');
  assert.equal(r!.status, '5.1.1');
  assert.match(r!.diagnostic!, /^550-5\.1\.1 The email account that you tried to reach does not exist/);
  assert.equal(report.original.returnPath, VERP);
  assert.equal(report.original.messageIdHeader, '<order-1001@shop.example>');
  const c = classifyDsnRecipient(r!);
  assert.deepEqual([c!.kind, c!.category, c!.status], ['hard', 'mailbox_unknown', '5.1.1']);
});

test('a Postfix delay notice is a delay, not a bounce', () => {
  const report = readInboundReport(fixture('postfix-delayed.eml'), '');
  assert.equal(report.kind, 'dsn');
  if (report.kind !== 'dsn') return;
  assert.equal(report.recipients[0]!.action, 'delayed');
  assert.equal(report.recipients[0]!.status, '4.4.1');
  assert.equal(report.original.returnPath, VERP, 'text/rfc822-headers is read as the original');
  assert.equal(classifyDsnRecipient(report.recipients[0]!)!.kind, 'delay');
});

test('a qmail free-text bounce: hard by its (#5.1.1), and the returned copy below the marker is not read', () => {
  const report = readInboundReport(fixture('qmail-bounce.eml'), '');
  assert.equal(report.kind, 'text_bounce');
  if (report.kind !== 'text_bounce') return;
  assert.doesNotMatch(report.text, /over quota/i);
  const c = classifyTextBounce(report.text, RCPT);
  assert.deepEqual([c.kind, c.category], ['hard', 'mailbox_unknown']);
});

test('an Exim free-text bounce: the quoted 552 5.2.2 reply makes it soft (mailbox full)', () => {
  const report = readInboundReport(fixture('exim-bounce.eml'), '');
  assert.equal(report.kind, 'text_bounce');
  if (report.kind !== 'text_bounce') return;
  const c = classifyTextBounce(report.text, RCPT);
  assert.deepEqual([c.kind, c.category, c.status], ['soft', 'mailbox_full', '5.2.2']);
  assert.match(c.diagnostic!, /^552 5\.2\.2 Mailbox quota exceeded/);
});

test('an auto-reply to the return path is neither a report nor a bounce', () => {
  const report = readInboundReport(fixture('out-of-office.eml'), RCPT);
  assert.equal(report.kind, 'other');
});

test('ARF reports: feedback fields, the original with its Return-Path, headers-only originals, none at all', () => {
  const yahoo = readInboundReport(fixture('arf-yahoo.eml'), '');
  assert.equal(yahoo.kind, 'arf');
  if (yahoo.kind !== 'arf') return;
  assert.equal(yahoo.feedback.feedbackType, 'abuse');
  assert.equal(yahoo.feedback.originalMailFrom, VERP);
  assert.equal(yahoo.feedback.userAgent, 'Yahoo!-Mail-Feedback/2.0');
  assert.equal(yahoo.original.returnPath, VERP);
  assert.deepEqual(yahoo.original.to, ['redacted@yahoo.com']);

  const headersOnly = readInboundReport(fixture('arf-headers-only.eml'), '');
  assert.equal(headersOnly.kind, 'arf');
  if (headersOnly.kind !== 'arf') return;
  assert.deepEqual(headersOnly.feedback.originalRcptTo, [RCPT]);
  assert.equal(headersOnly.original.returnPath, VERP);
  assert.deepEqual(headersOnly.original.to, ['one@elsewhere.example', RCPT]);

  const bare = readInboundReport(fixture('arf-no-original.eml'), '');
  assert.equal(bare.kind, 'arf');
  if (bare.kind !== 'arf') return;
  assert.equal(bare.original.returnPath, null);
  assert.equal(bare.feedback.originalMailFrom, null);
});

test('a malformed DSN (unclosed multipart, garbage where the status should be) is reported as unreadable, not thrown', () => {
  const report = readInboundReport(fixture('malformed-dsn.eml'), '');
  assert.equal(report.kind, 'other');
  if (report.kind === 'other') assert.equal(report.reason, 'delivery-status part names no recipient');
});

test('deeply nested MIME stops at the depth limit; thousands of parts stop at the part limit', () => {
  let nested = 'Content-Type: text/plain\r\n\r\ninnermost\r\n';
  for (let i = 0; i < 5000; i++) nested = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${nested}--b${i}--\r\n`;
  const deep = parseMime(Buffer.from(`From: x@y.example\r\n${nested}`));
  assert.equal(deep.truncated, true);
  let depth = 0;
  for (let part = deep.root; part.parts[0]; part = part.parts[0]) depth++;
  assert.equal(depth, 8);
  assert.equal(readInboundReport(Buffer.from(`From: x@y.example\r\n${nested}`), 'x@y.example').kind, 'other');

  const many = ['Content-Type: multipart/mixed; boundary="m"', ''];
  for (let i = 0; i < 5000; i++) many.push('--m', 'Content-Type: text/plain', '', `part ${i}`);
  many.push('--m--', '');
  const wide = parseMime(Buffer.from(many.join('\r\n')));
  assert.equal(wide.truncated, true);
  assert.equal(wide.root.parts.length, 199);
});

test('a DSN whose status part is base64 and whose lines end in bare LF still reads', () => {
  const status = Buffer.from(`Reporting-MTA: dns; mx.b64.example\n\nFinal-Recipient: rfc822; ${RCPT}\nAction: failed\nStatus: 5.2.1\n`).toString('base64');
  const raw = Buffer.from([
    'From: postmaster@b64.example', 'Content-Type: multipart/report; report-type=delivery-status; boundary=z', '',
    '--z', 'Content-Type: text/plain', '', 'failed', '--z', 'Content-Type: message/delivery-status', 'Content-Transfer-Encoding: base64', '', status, '--z--', '',
  ].join('\n'));
  const report = readInboundReport(raw, '');
  assert.equal(report.kind, 'dsn');
  if (report.kind !== 'dsn') return;
  assert.equal(report.reportingMta, 'mx.b64.example');
  const c = classifyDsnRecipient(report.recipients[0]!);
  assert.deepEqual([c!.kind, c!.category], ['hard', 'mailbox_disabled']);
});

test('classification table: hard, soft and block by status and diagnostic', () => {
  const dsn = (status: string, diagnostic: string | null) => classifyDsnRecipient({ finalRecipient: RCPT, originalRecipient: null, action: 'failed', status, diagnostic, remoteMta: null })!;
  assert.equal(dsn('5.1.1', null).kind, 'hard');
  assert.equal(dsn('5.1.2', 'smtp; 550 5.1.2 Host unknown').kind, 'hard');
  assert.equal(dsn('5.2.2', 'smtp; 552 5.2.2 mailbox full').kind, 'soft');
  assert.equal(dsn('4.4.7', 'X-Postfix; delivery temporarily suspended: connect to mx: Connection timed out').category, 'expired');
  assert.equal(dsn('4.4.7', null).kind, 'soft');
  assert.equal(dsn('5.7.1', '554 5.7.1 Message rejected as spam by Content Filtering').kind, 'block');
  assert.equal(dsn('5.7.26', '550 5.7.26 Unauthenticated email is not accepted due to DMARC policy').kind, 'block');
  assert.equal(dsn('5.3.0', 'smtp; 550 5.3.0 something nobody wrote a rule for').kind, 'soft');
  assert.equal(dsn('5.1.9', 'smtp; 550 5.1.9 odd but an address problem').kind, 'hard');
  assert.equal(classifyDsnRecipient({ finalRecipient: RCPT, originalRecipient: null, action: 'delivered', status: '2.0.0', diagnostic: null, remoteMta: null }), null);
});
