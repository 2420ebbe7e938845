import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { DueDelivery, WebhookEndpoint } from '../store/webhooks.ts';
import { nextAttemptAt, type RetryPolicy } from '../delivery/retry.ts';
import { newId } from '../ids.ts';
import { toPublicEvent } from '../events/public.ts';
import { postWebhook, type PostOptions } from './http-post.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';
import { startPeriodic } from '../periodic.ts';

export interface DispatcherOptions {
  store: Store;
  retry: RetryPolicy;
  post: PostOptions;
  logger: Logger;
  /** How often to look for new events and due deliveries. */
  intervalMs?: number;
  /** Only events at least this old are fanned out (their transactions have committed). */
  settleMs?: number;
  concurrency?: number;
  now?: () => number;
}

export const USER_AGENT = 'RelayPress-Webhooks/1';
const FAN_OUT_PAGE = 500;

/** The body and headers of one attempt; signed at send time, so every retry carries a fresh timestamp. */
export function webhookRequest(eventJson: string, eventId: string, secret: string, now: number): Record<string, string> {
  return { 'user-agent': USER_AGENT, 'relaypress-event-id': eventId, [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(secret, eventJson, now) };
}

/**
 * The webhook loop: fan new events out to each enabled endpoint, then send due deliveries
 * (at most `concurrency` at once), each signed at send time, retried on the schedule until
 * the policy's maximum age. At-least-once: a delivery whose result was not recorded (a
 * crash) comes back after its lease.
 */
export function startWebhookDispatcher(options: DispatcherOptions) {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 500;
  const settleMs = options.settleMs ?? 1_000;
  const concurrency = options.concurrency ?? 8;
  const owner = newId('whw');
  const leaseMs = Math.max(60_000, options.post.timeoutMs * 3);
  const log = options.logger.child({ component: 'webhooks' });

  async function send(delivery: DueDelivery): Promise<void> {
    const event = toPublicEvent(delivery.event);
    const body = JSON.stringify(event);
    const outcome = await postWebhook(delivery.url, body, webhookRequest(body, delivery.event_id, delivery.secret, now()), options.post);
    const next = outcome.ok ? null : nextAttemptAt(delivery.attempts + 1, delivery.created_at, now(), options.retry);
    const { disabled } = await options.store.webhooks.recordAttempt(delivery, outcome, next, now());
    if (!outcome.ok) log.info({ event: next === null ? 'webhook.gave_up' : 'webhook.retry', endpointId: delivery.endpoint_id, eventId: delivery.event_id, attempt: delivery.attempts + 1, error: outcome.error }, 'webhook delivery failed');
    if (disabled) log.warn({ event: 'webhook.endpoint_disabled', endpointId: delivery.endpoint_id }, 'webhook endpoint disabled after failing for the whole retry period');
  }

  async function round(stopping: () => boolean): Promise<void> {
    const endpoints: WebhookEndpoint[] = await options.store.webhooks.enabledEndpoints();
    for (const endpoint of endpoints) {
      // Catch up in pages; a busy account's backlog does not starve the other endpoints for long.
      for (let page = 0; page < 10; page++) {
        const { scanned } = await options.store.webhooks.fanOut(endpoint, now() - settleMs, FAN_OUT_PAGE, now());
        if (scanned < FAN_OUT_PAGE) break;
      }
    }
    for (;;) {
      const due = await options.store.webhooks.claimDue(owner, concurrency, leaseMs, now());
      if (due.length === 0) return;
      await Promise.all(due.map((d) => send(d).catch((err: Error) => log.error({ event: 'webhook.error', err, deliveryId: d.id }, 'webhook send failed unexpectedly'))));
      if (stopping()) return;
    }
  }

  return startPeriodic({
    intervalMs,
    round,
    onError: (err) => log.error({ event: 'webhook.error', err }, 'webhook round failed'),
  });
}
