import type { Knex } from 'knex';
import { newId } from '../ids.ts';
import type { SuppressionReason, SuppressionRepository } from './suppressions.ts';

/** A message as the bounce side needs it: whose it is, and to whom it went. */
export interface BouncedMessage {
  id: string;
  accountId: string;
  recipients: { id: string; email: string; status: string }[];
}

export interface SoftBouncePolicy {
  /** Soft bounces of one address within `windowMs` that suppress it; 0 never does. */
  limit: number;
  windowMs: number;
}

/** One recipient's failure as reported after the fact (DSN, free-text bounce) or by a complaint. */
export interface FeedbackEvent {
  message: BouncedMessage;
  recipient: { id: string; email: string; status: string };
  /** `bounced` (a DSN or bounce notice) or `spam_complaint` (an ARF report). */
  type: 'bounced' | 'spam_complaint';
  data: Record<string, unknown>;
  /** What to add to the suppression list, if anything. */
  suppress: { reason: SuppressionReason; note: string } | null;
  /** Count this as a soft bounce (and suppress when the policy's limit is reached). */
  soft: { note: string } | null;
}

export interface FeedbackOutcome {
  /** False when the same report was already recorded (a resent DSN): nothing was written. */
  recorded: boolean;
  suppressed: boolean;
}

/**
 * Writes what bounces and complaints mean, each in one transaction: the event on the
 * message, the recipient's status (a delivered recipient whose mailbox later bounced is
 * `bounced`), the suppression and the soft-bounce count. Nothing is half-written: a
 * failure rolls all of it back and the inbound side answers 451 so the sender retries.
 */
export class BounceRepository {
  private readonly knex: Knex;
  private readonly suppressions: SuppressionRepository;
  constructor(knex: Knex, suppressions: SuppressionRepository) {
    this.knex = knex;
    this.suppressions = suppressions;
  }

  async message(messageId: string): Promise<BouncedMessage | undefined> {
    const row: { id: string; account_id: string } | undefined = await this.knex('messages').where({ id: messageId }).first('id', 'account_id');
    if (!row) return undefined;
    const recipients: { id: string; email: string; status: string }[] = await this.knex('recipients').where({ message_id: messageId }).orderBy('id').select('id', 'email', 'status');
    return { id: row.id, accountId: row.account_id, recipients };
  }

  async record(event: FeedbackEvent, policy: SoftBouncePolicy, now = Date.now()): Promise<FeedbackOutcome> {
    const outcome = await this.knex.transaction(async (trx) => {
      // One report per recipient and kind: MTAs resend a DSN they could not hand over cleanly.
      // (A recipient refused during delivery has its `bounced` event already, and no remote
      // MTA sends a DSN for mail it never accepted.)
      const earlier = await trx('events').where({ message_id: event.message.id, recipient_id: event.recipient.id, type: event.type }).first('id');
      if (earlier) return { recorded: false, suppressed: false };
      await trx('events').insert({
        id: newId('evt', now),
        account_id: event.message.accountId,
        message_id: event.message.id,
        recipient_id: event.recipient.id,
        recipient: event.recipient.email,
        type: event.type,
        data: JSON.stringify({ source: 'inbound', ...event.data }),
        created_at: now,
      });
      if (event.type === 'bounced') {
        await trx('recipients').where({ id: event.recipient.id, status: 'delivered' }).update({ status: 'bounced', updated_at: now });
      }
      let suppress = event.suppress;
      if (!suppress && event.soft) suppress = await this.countSoftBounce(trx, event.message.accountId, event.recipient.email, event.message.id, event.soft.note, policy, now);
      const suppressed = suppress ? (await this.suppressions.addWithin(trx, event.message.accountId, { pattern: event.recipient.email.toLowerCase(), ...suppress }, now)).created : false;
      return { recorded: true, suppressed };
    });
    this.suppressions.changed();
    return outcome;
  }

  /**
   * After a bounce during delivery (the event is already written by the attempt): a hard
   * bounce suppresses the address, a soft one counts towards the policy's limit.
   */
  async afterDeliveryBounce(input: { accountId: string; email: string; messageId: string; hard: boolean; note: string }, policy: SoftBouncePolicy, now = Date.now()): Promise<boolean> {
    const created = await this.knex.transaction(async (trx) => {
      const suppress = input.hard
        ? { reason: 'hard_bounce' as const, note: input.note }
        : await this.countSoftBounce(trx, input.accountId, input.email, input.messageId, input.note, policy, now);
      return suppress ? (await this.suppressions.addWithin(trx, input.accountId, { pattern: input.email.toLowerCase(), ...suppress }, now)).created : false;
    });
    this.suppressions.changed();
    return created;
  }

  private async countSoftBounce(trx: Knex.Transaction, accountId: string, email: string, messageId: string, note: string, policy: SoftBouncePolicy, now: number): Promise<{ reason: SuppressionReason; note: string } | null> {
    if (policy.limit <= 0) return null;
    const address = email.toLowerCase();
    const since = now - policy.windowMs;
    await trx('soft_bounces').where({ account_id: accountId, email: address }).andWhere('created_at', '<', since).delete();
    await trx('soft_bounces').insert({ id: newId('sb', now), account_id: accountId, email: address, message_id: messageId, created_at: now });
    const row = await trx('soft_bounces').where({ account_id: accountId, email: address }).count({ n: '*' }).first();
    const count = Number(row?.n ?? 0);
    if (count < policy.limit) return null;
    return { reason: 'hard_bounce', note: `${count} soft bounces within ${describeWindow(policy.windowMs)}; last: ${note}` };
  }
}

function describeWindow(ms: number): string {
  if (ms >= 86_400_000 && ms % 86_400_000 === 0) return `${ms / 86_400_000} days`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  return `${Math.round(ms / 60_000)} minutes`;
}
