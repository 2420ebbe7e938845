import type { Logger } from 'pino';
import type { QueueRepository, AttemptDecision } from '../store/queue.ts';
import type { MessageRepository, RecipientRow } from '../store/messages.ts';
import type { OutboundMessage, SendResult } from './types.ts';
import { deliverRows } from './per-recipient.ts';
import type { DomainThrottle } from './domain-throttle.ts';

/** Hands one message to one destination domain; one SendResult per recipient, in order. */
export type DeliverFn = (message: OutboundMessage) => Promise<SendResult[]>;

/** When to try again after `attempts` failed attempts, or null to give up (bounce). */
export type NextAttemptFn = (attempts: number, firstQueuedAt: number, now: number) => number | null;

const MESSAGE_MISSING = 'message_missing';

export interface ProcessorDeps {
  queue: QueueRepository;
  messages: MessageRepository;
  deliver: DeliverFn;
  nextAttemptAt: NextAttemptFn;
  /** Called after a recipient's bounce is recorded (suppression of hard bounces, soft-bounce count). */
  onBounced?: (row: RecipientRow, result: SendResult) => Promise<void>;
  /** Per-destination-domain rates and "slow down" backoff; without it nothing is throttled. */
  throttle?: DomainThrottle;
  /** The account's source address (bind address), or null for the default route. */
  sourceAddressOf?: (accountId: string) => Promise<string | null>;
  /** Called for every recorded attempt (metrics). */
  onAttempt?: (status: AttemptDecision['status'], result: SendResult) => void;
  logger: Logger;
  now?: () => number;
}

/**
 * One delivery round for the rows of one message to one domain, as a checklist:
 * load the signed message → send it (one SMTP transaction, many RCPT; one per recipient
 * whose row has its own header lines, see per-recipient.ts) → decide each
 * recipient's fate → record attempt, event and status atomically per recipient.
 * A deferral past the maximum queue age turns into a bounce here, and only here.
 */
export function createProcessor(deps: ProcessorDeps) {
  const now = deps.now ?? Date.now;

  function decide(row: RecipientRow, result: SendResult): AttemptDecision {
    // Not the recipient's fault, and nothing any retry could fix: the relay itself failed.
    if (result.category === MESSAGE_MISSING) return { status: 'failed', reason: result.response };
    if (result.action === 'delivered') return { status: 'delivered' };
    if (result.action === 'bounced') return { status: 'bounced' };
    const next = deps.nextAttemptAt(row.attempts + 1, row.created_at, now());
    if (next === null) return { status: 'bounced', reason: 'gave up after the maximum queue age; last reply: ' + result.response };
    return { status: 'deferred', nextAttemptAt: next };
  }

  return async function processGroup(rows: RecipientRow[], owner: string): Promise<void> {
    const first = rows[0]!;
    const allowance = deps.throttle?.take(first.domain, now());
    if (allowance && !allowance.ok) {
      // Not an attempt: the rows go back unattempted, due when the domain may be sent to again.
      await deps.queue.postpone(rows, owner, allowance.retryAt, now());
      deps.logger.debug({ event: 'delivery.throttled', domain: first.domain, messageId: first.message_id, until: allowance.retryAt }, 'domain throttled; delivery postponed');
      return;
    }
    const message = await deps.messages.forDelivery(first.message_id);
    let results: SendResult[];
    if (!message) {
      // The message was deleted (account removed) while queued: nothing left to send.
      results = rows.map(() => failure(MESSAGE_MISSING, 'the message no longer exists'));
    } else {
      try {
        const localAddress = (await deps.sourceAddressOf?.(first.account_id)) ?? undefined;
        results = await deliverRows(deps.deliver, rows, message.mailFrom, message.raw, localAddress);
      } catch (err) {
        // Senders return results instead of throwing; reaching this is a relay bug, and
        // the safe reaction is to try again later rather than to lose or bounce mail.
        deps.logger.error({ event: 'delivery.unexpected_error', err, messageId: first.message_id }, 'delivery threw');
        results = rows.map(() => ({ ...failure('internal', `relay error: ${(err as Error).message}`), action: 'deferred' as const }));
      }
    }
    if (deps.throttle) {
      if (results.some((r) => r.category === 'rate_limited')) {
        const until = deps.throttle.rateLimited(first.domain, now());
        deps.logger.warn({ event: 'delivery.domain_paused', domain: first.domain, until }, 'the receiving domain asked us to slow down; pausing it');
      } else if (results.some((r) => r.action === 'delivered')) {
        deps.throttle.succeeded(first.domain);
      }
    }
    await Promise.all(
      rows.map(async (row, i) => {
        const result = results[i] ?? failure('internal', 'no result for recipient');
        const decision = decide(row, result);
        const recorded = await deps.queue.recordAttempt(row, owner, result, decision, now());
        deps.logger.info(
          {
            event: recorded ? `delivery.${decision.status}` : 'delivery.lease_lost',
            messageId: row.message_id,
            queueId: row.id,
            accountId: row.account_id,
            domain: row.domain,
            mxHost: result.mxHost,
            tls: result.tls,
            response: result.response,
            attempt: row.attempts + 1,
          },
          recorded ? `recipient ${decision.status}` : 'lease lost before recording; another worker owns the row',
        );
        if (recorded) deps.onAttempt?.(decision.status, result);
        if (recorded && decision.status === 'bounced') await deps.onBounced?.(row, result);
      }),
    );
  };
}

function failure(category: string, response: string): SendResult {
  return { action: 'bounced', category, response, responseCode: null, enhancedStatus: null, mxHost: null, mxIp: null, tls: false, durationMs: 0 };
}
