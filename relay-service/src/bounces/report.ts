import { header, parseHeaderFields, parseMime, partText, splitHeaderBlock, walkParts, decodeBody, type MimeHeader, type MimePart } from '../mime/parse.ts';
import { parseDeliveryStatus, type DsnRecipient } from './delivery-status.ts';
import { parseFeedbackReport, type FeedbackReport } from './feedback-report.ts';

/**
 * What one message received on the inbound port is: a standard DSN (RFC 3464), an abuse
 * report (ARF, RFC 5965), a bounce in free text (qmail, older Exim and Exchange, many
 * appliances), or something else (auto-replies, spam to the return path), which is dropped.
 */

/** What the report says about the message it is about, to join it to ours. */
export interface OriginalReference {
  /** Return-Path / envelope sender of the original: our VERP address when it went through us. */
  returnPath: string | null;
  messageIdHeader: string | null;
  /** Addresses in the original's To and Cc headers (lower-case). */
  to: string[];
}

export type InboundReport =
  | { kind: 'dsn'; reportingMta: string | null; recipients: DsnRecipient[]; original: OriginalReference }
  | { kind: 'arf'; feedback: FeedbackReport; original: OriginalReference }
  | { kind: 'text_bounce'; text: string; original: OriginalReference }
  | { kind: 'other'; reason: string; truncated: boolean };

// How much free text of a non-standard bounce is kept for classification.
const MAX_TEXT = 64 * 1024;

const ADDRESS = /[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/gi;

function addressesIn(value: string | undefined): string[] {
  return value ? [...value.matchAll(ADDRESS)].map((m) => m[0].toLowerCase()).slice(0, 100) : [];
}

function referenceFromHeaders(headers: MimeHeader[]): OriginalReference {
  return {
    returnPath: addressesIn(header(headers, 'return-path'))[0] ?? null,
    messageIdHeader: header(headers, 'message-id')?.trim() ?? null,
    to: [...addressesIn(header(headers, 'to')), ...addressesIn(header(headers, 'cc'))],
  };
}

const NO_ORIGINAL: OriginalReference = { returnPath: null, messageIdHeader: null, to: [] };

/** The original message (or its headers) attached to a report, when there is one. */
function originalOf(report: MimePart): OriginalReference {
  for (const part of report.parts) {
    if ((part.type === 'message/rfc822' || part.type === 'message/global') && part.parts[0]) return referenceFromHeaders(part.parts[0].headers);
    if (part.type === 'text/rfc822-headers' || part.type === 'message/rfc822-headers' || part.type === 'message/global-headers') {
      return referenceFromHeaders(parseHeaderFields(splitHeaderBlock(decodeBody(part)).head + '\n'));
    }
  }
  return NO_ORIGINAL;
}

// Signs that a message without a report part is still a delivery failure notice.
const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const BOUNCE_SUBJECT = /(undeliver|undelivered|delivery (status notification|failure|has failed|problem)|returned mail|failure notice|mail delivery (failed|subsystem|system)|non-?delivery|could not be delivered|returned to sender)/i;

function looksLikeBounce(headers: MimeHeader[], envelopeSender: string): boolean {
  const from = addressesIn(header(headers, 'from'))[0] ?? '';
  return envelopeSender === '' || BOUNCE_SENDER.test(from) || BOUNCE_SUBJECT.test(header(headers, 'subject') ?? '');
}

export function readInboundReport(raw: Buffer, envelopeSender: string): InboundReport {
  const { root, truncated } = parseMime(raw);
  for (const part of walkParts(root)) {
    if (part.type !== 'multipart/report') continue;
    const reportType = (part.params['report-type'] ?? '').toLowerCase();
    const statusPart = part.parts.find((p) => p.type === 'message/delivery-status' || p.type === 'message/global-delivery-status');
    if (statusPart || reportType === 'delivery-status') {
      if (!statusPart) return { kind: 'other', reason: 'multipart/report of type delivery-status without a delivery-status part', truncated };
      const status = parseDeliveryStatus(partText(statusPart));
      if (status.recipients.length === 0) return { kind: 'other', reason: 'delivery-status part names no recipient', truncated };
      return { kind: 'dsn', reportingMta: status.reportingMta, recipients: status.recipients, original: originalOf(part) };
    }
    const feedbackPart = part.parts.find((p) => p.type === 'message/feedback-report');
    if (feedbackPart || reportType === 'feedback-report') {
      if (!feedbackPart) return { kind: 'other', reason: 'multipart/report of type feedback-report without a feedback-report part', truncated };
      return { kind: 'arf', feedback: parseFeedbackReport(partText(feedbackPart)), original: originalOf(part) };
    }
  }
  if (!looksLikeBounce(root.headers, envelopeSender)) return { kind: 'other', reason: 'neither a report nor a bounce notice (auto-reply or unsolicited mail)', truncated };
  let text = '';
  let original = NO_ORIGINAL;
  // The notice's own text, not the returned original's (its words would be misread as the reason).
  const visit = (part: MimePart) => {
    if (part.type === 'message/rfc822' || part.type === 'message/global') {
      if (part.parts[0] && original === NO_ORIGINAL) original = referenceFromHeaders(part.parts[0].headers);
      return;
    }
    if (part.type === 'text/plain' && part.parts.length === 0 && text.length < MAX_TEXT) text += `${partText(part, MAX_TEXT)}\n`;
    part.parts.forEach(visit);
  };
  visit(root);
  const copyStarts = RETURNED_COPY.exec(text);
  return { kind: 'text_bounce', text: (copyStarts ? text.slice(0, copyStarts.index) : text).slice(0, MAX_TEXT), original };
}

// Where a free-text bounce starts quoting the original inline (qmail, Exim, Sendmail).
const RETURNED_COPY = /^[- ]*(below this line is a copy of the message|this is a copy of the message|original message follows|-+ ?original message ?-+)/im;
