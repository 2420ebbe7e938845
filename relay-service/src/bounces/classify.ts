import { classifyReply, parseSmtpReply, type SmtpReply } from '../delivery/classify.ts';
import type { DsnRecipient } from './delivery-status.ts';

/**
 * Hard versus soft. One table for every kind of failure report (a refusal during delivery,
 * a DSN, a free-text bounce): the category comes from the same rules file that classifies
 * delivery replies (delivery/rules/bounce-rules.csv), and the category decides the kind.
 * docs/bounces.md prints this table; a test keeps the two equal.
 *
 *   hard   the address is dead: suppressed at once (reason hard_bounce)
 *   soft   the address may recover: counted; RELAY_SOFT_BOUNCE_LIMIT of them within
 *          RELAY_SOFT_BOUNCE_WINDOW suppress it
 *   block  the sender or the message was refused, not the address: never suppresses
 *          (suppressing good addresses because our IP was listed would punish the reader)
 *   delay  a "still trying" notice, not a failure: recorded nowhere
 */
export type BounceKind = 'hard' | 'soft' | 'block' | 'delay';

export const KIND_BY_CATEGORY: Readonly<Record<string, BounceKind>> = {
  mailbox_unknown: 'hard',
  mailbox_disabled: 'hard',
  domain_unknown: 'hard',
  mailbox_full: 'soft',
  expired: 'soft',
  rate_limited: 'soft',
  greylisted: 'soft',
  connection: 'soft',
  timeout: 'soft',
  tls: 'soft',
  protocol: 'soft',
  other: 'soft',
  blocklisted: 'block',
  spam: 'block',
  policy: 'block',
  auth_failed: 'block',
  message_too_large: 'block',
  delayed: 'delay',
};

/**
 * A category the rules do not know (a rule added without a row here) is soft: counted, so
 * a truly dead address is still suppressed after a few tries, but never at once.
 */
export function bounceKind(category: string, status: string | null): BounceKind {
  const kind = KIND_BY_CATEGORY[category];
  if (kind && !(kind === 'soft' && category === 'other')) return kind;
  // No rule matched: the enhanced status is all there is. X.1.x other than the sender's
  // own address (5.1.7, 5.1.8) and 5.2.1 name a dead mailbox; anything else is soft.
  if (status && /^5\.1\.(?!7$|8$)\d+$/.test(status)) return 'hard';
  if (status === '5.2.1') return 'hard';
  return kind ?? 'soft';
}

export interface BounceClassification {
  kind: BounceKind;
  category: string;
  /** Human explanation from the rule. */
  message: string;
  /** The RFC 3463 status, when known. */
  status: string | null;
  /** The remote server's words, when known. */
  diagnostic: string | null;
}

function classify(reply: SmtpReply, diagnostic: string | null): BounceClassification {
  const { category, message } = classifyReply(reply);
  return { kind: bounceKind(category, reply.enhanced), category, message, status: reply.enhanced, diagnostic };
}

/** One recipient of a DSN. Only `failed` recipients are bounces; `delayed` is a notice. */
export function classifyDsnRecipient(recipient: DsnRecipient): BounceClassification | null {
  if (recipient.action === 'delayed') return { kind: 'delay', category: 'delayed', message: 'The remote server is still trying', status: recipient.status, diagnostic: recipient.diagnostic };
  if (recipient.action !== null && recipient.action !== 'failed') return null;
  if (recipient.status && !/^[45]\./.test(recipient.status)) return null;
  const fromDiagnostic = recipient.diagnostic ? parseSmtpReply(recipient.diagnostic) : null;
  const status = recipient.status ?? fromDiagnostic?.enhanced ?? null;
  // A failure report whose reply is 4xx is still final (the remote gave up): the code
  // picks the rule, the report makes it a failure.
  const reply: SmtpReply = fromDiagnostic && fromDiagnostic.code >= 400
    ? { ...fromDiagnostic, enhanced: fromDiagnostic.enhanced ?? status }
    : { code: status?.startsWith('4') ? 450 : 550, enhanced: status, text: recipient.diagnostic ?? '' };
  return classify(reply, recipient.diagnostic);
}

// `550 5.1.1 ...`, `550-5.1.1 ...`, `said: 550 ...`: the first remote reply quoted in a text.
const QUOTED_REPLY = /\b([45]\d\d)[ -]((?:[45]\.\d{1,3}\.\d{1,3})?[^\r\n]{0,300})/;

/**
 * A free-text bounce, as far as it concerns one recipient: the reply quoted after the
 * address (or anywhere), else the whole text against the rules as a permanent failure.
 */
export function classifyTextBounce(text: string, recipient: string | null): BounceClassification {
  const mention = recipient ? text.toLowerCase().indexOf(recipient.toLowerCase()) : -1;
  const near = mention === -1 ? text : text.slice(mention, mention + 1000);
  const quoted = QUOTED_REPLY.exec(near) ?? QUOTED_REPLY.exec(text);
  const reply = quoted ? parseSmtpReply(`${quoted[1]} ${quoted[2]}`) : null;
  const sample = text.replace(/\s+/g, ' ').trim();
  if (reply) {
    const diagnostic = `${reply.code} ${reply.enhanced ? `${reply.enhanced} ` : ''}${reply.text}`.slice(0, 1000);
    const result = classify(reply, diagnostic);
    if (result.category !== 'other') return result;
    // The reply alone did not name the reason; the notice around it often does (qmail's "(#5.1.1)").
    return classify({ ...reply, text: `${reply.text} ${sample.slice(0, 2000)}` }, diagnostic);
  }
  const status = /\(#([45]\.\d{1,3}\.\d{1,3})\)/.exec(text)?.[1] ?? null;
  return classify({ code: status?.startsWith('4') ? 450 : 550, enhanced: status, text: sample.slice(0, 4000) }, sample.slice(0, 1000));
}
