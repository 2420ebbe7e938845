import { readFileSync } from 'node:fs';

import type { DeliveryAction } from './types.ts';

/** One SMTP reply as read off the wire: `550-5.1.1 ...` lines folded into code, enhanced, text. */
export interface SmtpReply {
  code: number;
  enhanced: string | null;
  text: string;
}

export interface Classification {
  action: DeliveryAction;
  category: string;
  /** Human explanation from the matching rule, or a generic one from the fallback. */
  message: string;
}

export interface BounceRule {
  pattern: RegExp;
  action: Exclude<DeliveryAction, 'delivered'>;
  category: string;
  message: string;
}

const RULE_ACTIONS = new Set(['deferred', 'bounced']);

/**
 * Parses the rules file (format documented at its top). Throws with the line number on a bad
 * rule: the file ships with the relay, so a broken rule is a bug to catch at start.
 */
export function parseBounceRules(text: string): BounceRule[] {
  const rules: BounceRule[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const [source, action, category, ...rest] = line.split(',');
    const where = `bounce rule on line ${index + 1}`;
    if (!source || !action || !category || rest.length === 0) throw new Error(`${where} is not regex,action,category,message`);
    if (!RULE_ACTIONS.has(action.trim())) throw new Error(`${where}: action "${action}" is not deferred or bounced`);
    let pattern: RegExp;
    try {
      pattern = new RegExp(source, 'i');
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
    rules.push({ pattern, action: action.trim() as BounceRule['action'], category: category.trim(), message: rest.join(',').trim() });
  });
  return rules;
}

const DEFAULT_RULES_FILE = new URL('./rules/bounce-rules.csv', import.meta.url);
let defaultRules: BounceRule[] | undefined;

export function loadBounceRules(file: string | URL = DEFAULT_RULES_FILE): BounceRule[] {
  return parseBounceRules(readFileSync(file, 'utf8'));
}

function builtInRules(): BounceRule[] {
  defaultRules ??= loadBounceRules();
  return defaultRules;
}

/**
 * Folds a raw multi-line reply (`550-5.1.1 a\n550 5.1.1 b`) into one SmtpReply. Returns null
 * when the text does not start with a reply code (a local error message, not a reply).
 */
export function parseSmtpReply(raw: string): SmtpReply | null {
  const lines = raw.trim().split(/\r?\n/);
  const head = /^([2-5]\d\d)[ -]?/.exec(lines[0] ?? '');
  if (!head) return null;
  const code = Number(head[1]);
  const enhancedMatch = /^[2-5]\d\d[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(lines[0]!);
  const enhanced = enhancedMatch?.[1] ?? null;
  const text = lines
    .map((line) => line.replace(/^[2-5]\d\d[ -]?/, '').replace(/^[245]\.\d{1,3}\.\d{1,3}\s*/, '').trim())
    .filter((line) => line !== '')
    .join(' ');
  return { code, enhanced, text };
}

function fallback(reply: SmtpReply): Classification {
  if (reply.code >= 200 && reply.code < 300) return { action: 'delivered', category: 'delivered', message: 'Accepted by the receiving server' };
  if (reply.code >= 400 && reply.code < 500) return { action: 'deferred', category: 'other', message: 'Temporary failure at the receiving server' };
  return { action: 'bounced', category: 'other', message: 'Permanent failure at the receiving server' };
}

/**
 * What a remote reply means for the recipient: 2xx is always delivered; otherwise the first
 * matching rule wins, then the code class decides (4xx deferred, 5xx bounced). Rules may
 * defer a 5xx ("temporary in disguise": rate limits, blocklist hits), and a rule may not
 * turn a 4xx into a bounce: the remote asked us to retry, and max queue age bounces in time.
 */
export function classifyReply(reply: SmtpReply, rules: BounceRule[] = builtInRules()): Classification {
  if (reply.code >= 200 && reply.code < 300) return fallback(reply);
  const subject = `${reply.code} ${reply.enhanced ?? ''} ${reply.text}`.replace(/\s+/g, ' ');
  const rule = rules.find((r) => r.pattern.test(subject));
  if (!rule) return fallback(reply);
  const action = reply.code < 500 ? 'deferred' : rule.action;
  return { action, category: rule.category, message: rule.message };
}

/** Local failures that never produced a reply: always deferred, the category says which. */
export type ConnectionFailure = 'connection' | 'timeout' | 'tls' | 'protocol';

export function classifyConnectionFailure(kind: ConnectionFailure): Classification {
  const messages: Record<ConnectionFailure, string> = {
    connection: 'Could not connect to, or lost the connection with, the receiving server',
    timeout: 'The receiving server did not answer in time',
    tls: 'The TLS handshake with the receiving server failed',
    protocol: 'The receiving server answered with something that is not SMTP',
  };
  return { action: 'deferred', category: kind, message: messages[kind] };
}
