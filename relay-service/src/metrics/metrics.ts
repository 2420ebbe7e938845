import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/index.ts';
import type { AcceptPipeline } from '../accept/pipeline.ts';
import { RelayError } from '../errors.ts';

/**
 * The relay's Prometheus metrics, one registry per relay (tests run several in a process).
 * Counters and histograms are updated where things happen; queue depth and the webhook
 * backlog are read from the database when scraped, so every instance sharing a database
 * reports the same queue.
 */
export function createMetrics(store: Store) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'relaypress_process_' });

  const accepted = new Counter({ name: 'relaypress_messages_accepted_total', help: 'Messages committed to the queue, by front door.', labelNames: ['source'], registers: [registry] });
  const rejected = new Counter({ name: 'relaypress_messages_rejected_total', help: 'Messages refused by the acceptance checks, by front door and error code.', labelNames: ['source', 'code'], registers: [registry] });
  const acceptSeconds = new Histogram({
    name: 'relaypress_accept_duration_seconds', help: 'Time from a complete message to its durable commit (the 250/202).', labelNames: ['source'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });
  const deliveries = new Counter({ name: 'relaypress_delivery_attempts_total', help: 'Delivery attempts per recipient, by result (delivered, deferred, bounced, failed).', labelNames: ['result'], registers: [registry] });
  const deliverySeconds = new Histogram({
    name: 'relaypress_delivery_duration_seconds', help: 'Duration of one SMTP transaction with an MX (connect to final reply).',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry],
  });
  new Gauge({
    name: 'relaypress_queue_recipients', help: 'Recipients by status (queued, deferred, sending are the queue; the rest are final).', labelNames: ['status'], registers: [registry],
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await store.queue.countByStatus())) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'relaypress_webhook_backlog', help: 'Webhook deliveries not yet succeeded or given up.', registers: [registry],
    async collect() {
      this.set(await store.webhooks.backlog());
    },
  });

  const measured = {
    accepted: (source: string, seconds: number) => {
      accepted.inc({ source });
      acceptSeconds.observe({ source }, seconds);
    },
    rejected: (source: string, code: string) => rejected.inc({ source, code }),
  };

  return {
    registry,
    /** The pipeline, counting and timing every accept and every refusal (by error code). */
    measureAccept(pipeline: AcceptPipeline): AcceptPipeline {
      return async (input, idempotency) => {
        const started = performance.now();
        try {
          const result = await pipeline(input, idempotency);
          measured.accepted(input.source, (performance.now() - started) / 1000);
          return result;
        } catch (err) {
          measured.rejected(input.source, err instanceof RelayError ? err.code : 'internal');
          throw err;
        }
      };
    },
    attempt: (result: string, durationMs: number) => {
      deliveries.inc({ result });
      if (durationMs > 0) deliverySeconds.observe(durationMs / 1000);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
