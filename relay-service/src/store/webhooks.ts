import type { Knex } from 'knex';
import type { Keyring } from '../auth/keyring.ts';
import type { Dialect } from './db.ts';
import { newId } from '../ids.ts';
import type { EventRow } from './messages.ts';
import { publicType, type PublicEventType } from '../events/public.ts';

export interface WebhookEndpoint {
  id: string;
  account_id: string;
  url: string;
  /** JSON array, or null for every type. */
  event_types: string | null;
  enabled: boolean | number;
  disabled_reason: string | null;
  disabled_at: number | null;
  cursor: string;
  last_success_at: number | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'sending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: number;
  created_at: number;
}

/** A claimed delivery with what sending it needs. */
export interface DueDelivery extends WebhookDelivery {
  url: string;
  secret: string;
  event: EventRow;
}

export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
}

export interface WebhookAttemptRow {
  id: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  ok: boolean | number;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
  duration_ms: number;
  created_at: number;
}

/**
 * Webhook endpoints and their delivery queue. Fan-out walks the account's events after the
 * endpoint's cursor and creates one delivery per subscribed event, moving the cursor with a
 * compare-and-set so two relay instances never fan out the same events twice; deliveries
 * are claimed with a lease like the mail queue.
 */
export class WebhookRepository {
  private readonly knex: Knex;
  private readonly keyring: Keyring;
  private readonly dialect: Dialect;
  constructor(knex: Knex, keyring: Keyring, dialect: Dialect) {
    this.knex = knex;
    this.keyring = keyring;
    this.dialect = dialect;
  }

  async create(accountId: string, input: { url: string; eventTypes: PublicEventType[] | null; secret: string }, now = Date.now()): Promise<WebhookEndpoint> {
    // New endpoints receive events from now on, not the account's history.
    const latest: { id: string } | undefined = await this.knex('events').where({ account_id: accountId }).orderBy('id', 'desc').first('id');
    const row: WebhookEndpoint = {
      id: newId('wh', now), account_id: accountId, url: input.url, event_types: input.eventTypes ? JSON.stringify(input.eventTypes) : null,
      enabled: true, disabled_reason: null, disabled_at: null, cursor: latest?.id ?? '', last_success_at: null, failing_since: null, created_at: now, updated_at: now,
    };
    await this.knex('webhook_endpoints').insert({ ...row, secret: this.keyring.encrypt(input.secret) });
    return row;
  }

  async list(accountId: string): Promise<WebhookEndpoint[]> {
    return this.knex('webhook_endpoints').where({ account_id: accountId }).orderBy('id').select(ENDPOINT_COLUMNS);
  }

  async get(accountId: string, id: string): Promise<WebhookEndpoint | undefined> {
    return this.knex('webhook_endpoints').where({ account_id: accountId, id }).first(ENDPOINT_COLUMNS);
  }

  async secretOf(accountId: string, id: string): Promise<string | undefined> {
    const row: { secret: string } | undefined = await this.knex('webhook_endpoints').where({ account_id: accountId, id }).first('secret');
    return row ? this.keyring.decrypt(row.secret) : undefined;
  }

  async update(accountId: string, id: string, patch: { url?: string; eventTypes?: PublicEventType[] | null; enabled?: boolean; secret?: string }, now = Date.now()): Promise<WebhookEndpoint | undefined> {
    const changes: Record<string, unknown> = { updated_at: now };
    if (patch.url !== undefined) changes.url = patch.url;
    if (patch.eventTypes !== undefined) changes.event_types = patch.eventTypes ? JSON.stringify(patch.eventTypes) : null;
    if (patch.secret !== undefined) changes.secret = this.keyring.encrypt(patch.secret);
    if (patch.enabled === true) {
      // Enabled again: start from now (events of the disabled time were never queued) and with a clean record.
      const latest: { id: string } | undefined = await this.knex('events').where({ account_id: accountId }).orderBy('id', 'desc').first('id');
      Object.assign(changes, { enabled: true, disabled_reason: null, disabled_at: null, failing_since: null, cursor: latest?.id ?? '' });
    } else if (patch.enabled === false) {
      Object.assign(changes, { enabled: false, disabled_reason: 'disabled by the account', disabled_at: now });
    }
    const updated = await this.knex('webhook_endpoints').where({ account_id: accountId, id }).update(changes);
    return updated ? this.get(accountId, id) : undefined;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    return (await this.knex('webhook_endpoints').where({ account_id: accountId, id }).delete()) > 0;
  }

  async enabledEndpoints(): Promise<WebhookEndpoint[]> {
    return this.knex('webhook_endpoints').where({ enabled: true }).select(ENDPOINT_COLUMNS);
  }

  /**
   * Creates deliveries for the endpoint's subscribed events after its cursor, up to events
   * created at `settledBefore` (a moment ago: a transaction that took an id a little
   * earlier may still be committing). Returns how many events were read (a full page
   * means there may be more) and how many deliveries they made.
   */
  async fanOut(endpoint: WebhookEndpoint, settledBefore: number, limit: number, now = Date.now()): Promise<{ scanned: number; created: number }> {
    const types = endpoint.event_types ? new Set(JSON.parse(endpoint.event_types) as string[]) : null;
    return this.knex.transaction(async (trx) => {
      const events: Pick<EventRow, 'id' | 'type' | 'data'>[] = await trx('events')
        .where({ account_id: endpoint.account_id })
        .andWhere('id', '>', endpoint.cursor)
        .andWhere('created_at', '<=', settledBefore)
        .orderBy('id')
        .limit(limit)
        .select('id', 'type', 'data');
      if (events.length === 0) return { scanned: 0, created: 0 };
      const moved = await trx('webhook_endpoints').where({ id: endpoint.id, cursor: endpoint.cursor, enabled: true }).update({ cursor: events.at(-1)!.id });
      // Another instance moved it first (or the endpoint was disabled): its fan-out stands.
      if (moved === 0) return { scanned: 0, created: 0 };
      const rows = events.flatMap((event) => {
        const type = publicType(event);
        if (!type || (types && !types.has(type))) return [];
        return [{ id: newId('whd', now), endpoint_id: endpoint.id, event_id: event.id, event_type: type, status: 'pending', attempts: 0, next_attempt_at: now, created_at: now, updated_at: now }];
      });
      if (rows.length > 0) await trx.batchInsert('webhook_deliveries', rows, 200);
      endpoint.cursor = events.at(-1)!.id;
      return { scanned: events.length, created: rows.length };
    });
  }

  /** Claims due deliveries of enabled endpoints for `owner` until `now + leaseMs`. */
  async claimDue(owner: string, limit: number, leaseMs: number, now = Date.now()): Promise<DueDelivery[]> {
    const lease = `${owner}:${newId('l', now)}`;
    const skipLocked = this.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    await this.knex.raw(
      `UPDATE webhook_deliveries SET status = 'sending', lease_owner = ?, lease_expires_at = ?, updated_at = ?
       WHERE id IN (
         SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
         WHERE e.enabled = ? AND ((d.status = 'pending' AND d.next_attempt_at <= ?) OR (d.status = 'sending' AND d.lease_expires_at <= ?))
         ORDER BY d.next_attempt_at LIMIT ?${skipLocked})`,
      [lease, now + leaseMs, now, true, now, now, limit],
    );
    const rows: (WebhookDelivery & { url: string; secret: string })[] = await this.knex('webhook_deliveries as d')
      .join('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .where({ 'd.lease_owner': lease, 'd.status': 'sending' })
      .select('d.id', 'd.endpoint_id', 'd.event_id', 'd.event_type', 'd.status', 'd.attempts', 'd.next_attempt_at', 'd.created_at', 'e.url', 'e.secret');
    if (rows.length === 0) return [];
    const events: EventRow[] = await this.knex('events').whereIn('id', rows.map((r) => r.event_id));
    const byId = new Map(events.map((e) => [e.id, e]));
    const due: DueDelivery[] = [];
    for (const row of rows) {
      const event = byId.get(row.event_id);
      // The event was erased (privacy request, retention) after fan-out: nothing left to say.
      if (!event) {
        await this.knex('webhook_deliveries').where({ id: row.id }).update({ status: 'failed', last_error: 'the event no longer exists', lease_owner: null, updated_at: now });
        continue;
      }
      due.push({ ...row, secret: this.keyring.decrypt(row.secret), event, attempts: Number(row.attempts), created_at: Number(row.created_at), next_attempt_at: Number(row.next_attempt_at) });
    }
    return due;
  }

  /**
   * Records one attempt: the history row, the delivery's new state and the endpoint's
   * health, in one transaction. `next` is when to retry, or null to give up. Giving up
   * disables the endpoint when nothing has succeeded since the delivery was created: then
   * it has been failing for the whole retry period.
   */
  async recordAttempt(delivery: DueDelivery, outcome: AttemptOutcome, next: number | null, now = Date.now()): Promise<{ disabled: boolean }> {
    return this.knex.transaction(async (trx) => {
      await trx('webhook_attempts').insert({
        id: newId('wha', now), delivery_id: delivery.id, endpoint_id: delivery.endpoint_id, ok: outcome.ok, status_code: outcome.statusCode,
        error: outcome.error?.slice(0, 500) ?? null, response_excerpt: outcome.responseExcerpt?.slice(0, 1024) ?? null, duration_ms: outcome.durationMs, created_at: now,
      });
      const status = outcome.ok ? 'succeeded' : next === null ? 'failed' : 'pending';
      await trx('webhook_deliveries').where({ id: delivery.id }).update({
        status, attempts: delivery.attempts + 1, next_attempt_at: next ?? delivery.next_attempt_at, lease_owner: null, lease_expires_at: null,
        last_status_code: outcome.statusCode, last_error: outcome.error?.slice(0, 500) ?? null, updated_at: now,
      });
      if (outcome.ok) {
        await trx('webhook_endpoints').where({ id: delivery.endpoint_id }).update({ last_success_at: now, failing_since: null });
        return { disabled: false };
      }
      await trx('webhook_endpoints').where({ id: delivery.endpoint_id }).whereNull('failing_since').update({ failing_since: now });
      if (next !== null) return { disabled: false };
      const endpoint: { last_success_at: number | null; enabled: boolean | number } | undefined = await trx('webhook_endpoints').where({ id: delivery.endpoint_id }).first('last_success_at', 'enabled');
      if (!endpoint || !endpoint.enabled || (endpoint.last_success_at !== null && Number(endpoint.last_success_at) >= delivery.created_at)) return { disabled: false };
      await trx('webhook_endpoints').where({ id: delivery.endpoint_id }).update({
        enabled: false, disabled_at: now, updated_at: now,
        disabled_reason: `No delivery succeeded for the whole retry period; last error: ${outcome.error ?? 'unknown'}`.slice(0, 500),
      });
      return { disabled: true };
    });
  }

  /** The endpoint's attempts, newest first; `before` is the cursor (an attempt id). */
  async history(endpointId: string, options: { limit: number; before?: string | undefined }): Promise<WebhookAttemptRow[]> {
    const q = this.knex('webhook_attempts as a').join('webhook_deliveries as d', 'd.id', 'a.delivery_id').where('a.endpoint_id', endpointId);
    if (options.before) q.andWhere('a.id', '<', options.before);
    return q.orderBy('a.id', 'desc').limit(options.limit)
      .select('a.id', 'a.delivery_id', 'd.event_id', 'd.event_type', 'a.ok', 'a.status_code', 'a.error', 'a.response_excerpt', 'a.duration_ms', 'a.created_at');
  }

  /** Pending (not yet succeeded or given up) deliveries per endpoint: the backlog. */
  async backlog(): Promise<number> {
    const row = await this.knex('webhook_deliveries').whereIn('status', ['pending', 'sending']).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}

const ENDPOINT_COLUMNS = ['id', 'account_id', 'url', 'event_types', 'enabled', 'disabled_reason', 'disabled_at', 'cursor', 'last_success_at', 'failing_since', 'created_at', 'updated_at'];
