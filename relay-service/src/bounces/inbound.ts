import type { Logger } from 'pino';
import type { Verp } from '../domains/verp.ts';
import type { Store } from '../store/index.ts';
import type { BouncedMessage, SoftBouncePolicy } from '../store/bounces.ts';
import { classifyDsnRecipient, classifyTextBounce, type BounceClassification } from './classify.ts';
import { COMPLAINT_TYPES } from './feedback-report.ts';
import { readInboundReport, type InboundReport } from './report.ts';

/**
 * What the inbound port does with a message once smtp-server has it: read it as a report,
 * join it to the message it is about through the VERP address, and record bounces and
 * complaints. It never sends anything: no DSN, no auto-reply (no backscatter to forged
 * senders). Reports that cannot be joined (unknown or expired VERP message, auto-replies,
 * spam to the return path) are accepted and dropped with a log line, so a remote MTA does
 * not turn our refusal into a bounce of its own.
 */

export type OwnedAddress =
  | { kind: 'verp'; messageId: string; accountId: string }
  | { kind: 'feedback' };

export interface InboundEnvelope {
  mailFrom: string;
  recipients: OwnedAddress[];
  remoteIp: string;
}

export interface InboundOutcome {
  report: InboundReport['kind'];
  /** Set when nothing was recorded, with the reason (also logged). */
  dropped?: string;
  messageId?: string;
  /** Bounce and complaint events written. */
  recorded: number;
  suppressed: number;
}

export interface InboundDeps {
  store: Store;
  verp: Verp;
  /** Lower-case feedback-loop address (ARF reports from mailbox providers). */
  feedbackAddress: string;
  softBounce: SoftBouncePolicy;
  logger: Logger;
  now?: () => number;
}

export function createInboundProcessor(deps: InboundDeps) {
  const now = deps.now ?? Date.now;

  /** Whether the relay takes mail for `address`, and for what. Anything else gets 550 at RCPT. */
  async function ownedAddress(address: string): Promise<OwnedAddress | null> {
    const lower = address.toLowerCase();
    if (lower === deps.feedbackAddress) return { kind: 'feedback' };
    const verp = deps.verp.parse(lower);
    if (!verp) return null;
    // The MAC proves we made the address; the host must still be a return path we serve,
    // and its owner is the only account this address may report about.
    const accountId = await deps.store.domains.returnPathOwner(verp.host);
    return accountId ? { kind: 'verp', messageId: verp.messageId, accountId } : null;
  }

  /** The message the report is about: the VERP it was sent to, or the VERP quoted inside it. */
  function reference(envelope: InboundEnvelope, report: InboundReport): { messageId: string; accountId?: string } | null {
    const direct = envelope.recipients.find((r) => r.kind === 'verp');
    if (direct) return { messageId: direct.messageId, accountId: direct.accountId };
    if (report.kind === 'other') return null;
    const quoted = [report.original.returnPath, report.kind === 'arf' ? report.feedback.originalMailFrom : null];
    for (const address of quoted) {
      const parsed = address ? deps.verp.parse(address) : null;
      if (parsed) return { messageId: parsed.messageId };
    }
    return null;
  }

  async function handle(envelope: InboundEnvelope, raw: Buffer): Promise<InboundOutcome> {
    const report = readInboundReport(raw, envelope.mailFrom);
    const outcome: InboundOutcome = { report: report.kind, recorded: 0, suppressed: 0 };
    const drop = (reason: string, extra: Record<string, unknown> = {}) => {
      deps.logger.info({ event: 'inbound.dropped', report: report.kind, reason, remoteIp: envelope.remoteIp, ...extra }, 'inbound message dropped');
      return { ...outcome, dropped: reason };
    };
    if (report.kind === 'other') return drop(report.reason);
    const ref = reference(envelope, report);
    if (!ref) return drop('names no message sent by this relay');
    const message = await deps.store.bounces.message(ref.messageId);
    if (!message) return drop('message unknown or expired', { messageId: ref.messageId });
    if (ref.accountId && ref.accountId !== message.accountId) return drop('return path of another account', { messageId: ref.messageId });
    outcome.messageId = message.id;

    if (report.kind === 'arf') return recordComplaint(message, report, outcome, drop);
    const failures = report.kind === 'dsn'
      ? report.recipients.map((r) => ({ email: r.finalRecipient, alternative: r.originalRecipient, classification: classifyDsnRecipient(r), extra: { reporting_mta: report.reportingMta, remote_mta: r.remoteMta } }))
      : textBounceFailures(message, report.text);
    for (const failure of failures) {
      // A forwarded address is named as the final recipient; a one-recipient message can only mean that one.
      const recipient = matchRecipient(message, [failure.email, failure.alternative]) ?? (message.recipients.length === 1 ? message.recipients[0] : undefined);
      if (!failure.classification || failure.classification.kind === 'delay') continue;
      if (!recipient) {
        deps.logger.info({ event: 'inbound.recipient_unmatched', messageId: message.id, report: report.kind }, 'report names a recipient the message did not have');
        continue;
      }
      await recordBounce(message, recipient, failure.classification, { report: report.kind, ...failure.extra }, outcome);
    }
    if (outcome.recorded === 0 && failures.every((f) => f.classification?.kind === 'delay')) return drop('delay notice, not a failure', { messageId: message.id });
    deps.logger.info({ event: 'inbound.report_recorded', report: report.kind, messageId: message.id, accountId: message.accountId, recorded: outcome.recorded, suppressed: outcome.suppressed }, 'report recorded');
    return outcome;
  }

  function textBounceFailures(message: BouncedMessage, text: string) {
    const lower = text.toLowerCase();
    let named = message.recipients.filter((r) => lower.includes(r.email.toLowerCase()));
    // A notice that names nobody (some only say "your message could not be delivered") is
    // about the message's only recipient, if it had one; with several we cannot tell whom.
    if (named.length === 0 && message.recipients.length === 1) named = message.recipients;
    return named.map((r) => ({ email: r.email, alternative: null, classification: classifyTextBounce(text, r.email) as BounceClassification | null, extra: {} }));
  }

  async function recordBounce(message: BouncedMessage, recipient: BouncedMessage['recipients'][number], c: BounceClassification, extra: Record<string, unknown>, outcome: InboundOutcome) {
    const reply = c.diagnostic ?? c.status ?? c.message;
    const result = await deps.store.bounces.record({
      message,
      recipient,
      type: 'bounced',
      data: { kind: c.kind, category: c.category, status: c.status, diagnostic: c.diagnostic, explanation: c.message, ...extra },
      suppress: c.kind === 'hard' ? { reason: 'hard_bounce', note: `Bounced (${message.id}): ${reply}` } : null,
      soft: c.kind === 'soft' ? { note: reply } : null,
    }, deps.softBounce, now());
    if (result.recorded) outcome.recorded++;
    if (result.suppressed) outcome.suppressed++;
  }

  async function recordComplaint(message: BouncedMessage, report: Extract<InboundReport, { kind: 'arf' }>, outcome: InboundOutcome, drop: (reason: string, extra?: Record<string, unknown>) => InboundOutcome) {
    const type = report.feedback.feedbackType;
    if (!COMPLAINT_TYPES.has(type)) return drop(`feedback type ${type} is not a complaint`, { messageId: message.id });
    const named = [...report.feedback.originalRcptTo, ...report.original.to];
    const recipient = matchRecipient(message, named) ?? (message.recipients.length === 1 ? message.recipients[0] : undefined);
    if (!recipient) return drop('complaint does not say which recipient complained', { messageId: message.id });
    const result = await deps.store.bounces.record({
      message,
      recipient,
      type: 'spam_complaint',
      data: { feedback_type: type, user_agent: report.feedback.userAgent, source_ip: report.feedback.sourceIp },
      suppress: { reason: 'complaint', note: `Complaint (${type}) about ${message.id}${report.feedback.userAgent ? ` via ${report.feedback.userAgent}` : ''}` },
      soft: null,
    }, deps.softBounce, now());
    if (result.recorded) outcome.recorded++;
    if (result.suppressed) outcome.suppressed++;
    deps.logger.info({ event: 'inbound.complaint_recorded', messageId: message.id, accountId: message.accountId, feedbackType: type, duplicate: !result.recorded }, 'complaint recorded');
    return outcome;
  }

  return { ownedAddress, handle };
}

function matchRecipient(message: BouncedMessage, addresses: (string | null)[]) {
  for (const address of addresses) {
    if (!address) continue;
    const found = message.recipients.find((r) => r.email.toLowerCase() === address.toLowerCase());
    if (found) return found;
  }
  return undefined;
}

export type InboundProcessor = ReturnType<typeof createInboundProcessor>;
