import type { Logger } from 'pino';
import type { SendResult } from '../delivery/types.ts';
import type { Store } from '../store/index.ts';
import type { SoftBouncePolicy } from '../store/bounces.ts';
import type { RecipientRow } from '../store/messages.ts';
import { bounceKind, KIND_BY_CATEGORY } from './classify.ts';

/**
 * What a bounce during delivery (a 5xx from the MX, or giving up at the maximum queue age)
 * does to the suppression list: a hard bounce suppresses the address, a soft one counts.
 * Relay-side failures (the message vanished, an internal error) have no category in the
 * table and never suppress anyone.
 */
export function createDeliveryBounceHandler(deps: { store: Store; softBounce: SoftBouncePolicy; logger: Logger }) {
  return async function onBounced(row: RecipientRow, result: SendResult): Promise<void> {
    if (!(result.category in KIND_BY_CATEGORY)) return;
    const kind = bounceKind(result.category, result.enhancedStatus);
    if (kind !== 'hard' && kind !== 'soft') return;
    try {
      const suppressed = await deps.store.bounces.afterDeliveryBounce(
        { accountId: row.account_id, email: row.email, messageId: row.message_id, hard: kind === 'hard', note: `Bounced (${row.message_id}): ${result.response.slice(0, 300)}` },
        deps.softBounce,
      );
      if (suppressed) deps.logger.info({ event: 'suppression.added', accountId: row.account_id, messageId: row.message_id, reason: 'hard_bounce', kind }, 'recipient suppressed after a bounce');
    } catch (err) {
      // The bounce itself is recorded; only the suppression is missing, and the next
      // bounce of the same address adds it.
      deps.logger.error({ event: 'suppression.add_failed', err, accountId: row.account_id, messageId: row.message_id }, 'could not suppress a bounced recipient');
    }
  };
}
