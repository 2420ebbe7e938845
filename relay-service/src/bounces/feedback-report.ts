import { parseHeaderFields } from '../mime/parse.ts';

/** The machine-readable part of an abuse report (ARF, RFC 5965 `message/feedback-report`). */
export interface FeedbackReport {
  /** abuse | fraud | virus | other | not-spam | auth-failure (lower-case); `abuse` when missing. */
  feedbackType: string;
  /** Lower-case addresses; RFC 5965 allows these to be missing or redacted. */
  originalMailFrom: string | null;
  originalRcptTo: string[];
  sourceIp: string | null;
  userAgent: string | null;
}

function bareAddress(value: string): string | null {
  const text = value.trim().replace(/^<|>$/g, '').trim().toLowerCase();
  return text.includes('@') ? text : null;
}

export function parseFeedbackReport(text: string): FeedbackReport {
  const fields = parseHeaderFields(text);
  const value = (name: string) => fields.find((f) => f.name === name)?.value;
  return {
    feedbackType: (value('feedback-type') ?? 'abuse').trim().toLowerCase(),
    originalMailFrom: value('original-mail-from') ? bareAddress(value('original-mail-from')!) : null,
    originalRcptTo: fields
      .filter((f) => f.name === 'original-rcpt-to')
      .map((f) => bareAddress(f.value))
      .filter((a): a is string => a !== null)
      .slice(0, 100),
    sourceIp: value('source-ip')?.trim() ?? null,
    userAgent: value('user-agent')?.trim() ?? null,
  };
}

/** Feedback types that mean "this recipient does not want this mail". */
export const COMPLAINT_TYPES = new Set(['abuse', 'fraud', 'other']);
