import { Router } from 'express';
import { RelayError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import type { WebhookAttemptRow, WebhookEndpoint } from '../../store/webhooks.ts';
import { newId, newSecret } from '../../ids.ts';
import { isoTime as iso } from '../../iso-time.ts';
import { PUBLIC_EVENT_TYPES, type PublicEvent, type PublicEventType } from '../../events/public.ts';
import { checkTarget, postWebhook, type PostOptions } from '../../webhooks/http-post.ts';
import { webhookRequest } from '../../webhooks/dispatcher.ts';
import { route } from '../async-route.ts';

const MAX_ENDPOINTS = 10;

const view = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  event_types: e.event_types ? (JSON.parse(e.event_types) as string[]) : null,
  enabled: Boolean(e.enabled),
  disabled_reason: e.disabled_reason,
  disabled_at: iso(e.disabled_at),
  last_success_at: iso(e.last_success_at),
  failing_since: iso(e.failing_since),
  created_at: iso(e.created_at),
});

const attemptView = (a: WebhookAttemptRow) => ({
  id: a.id, delivery_id: a.delivery_id, event_id: a.event_id, event_type: a.event_type, ok: Boolean(a.ok),
  status_code: a.status_code, error: a.error, response_excerpt: a.response_excerpt, duration_ms: a.duration_ms, created_at: iso(a.created_at),
});

function eventTypes(value: unknown): PublicEventType[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length === 0 || value.some((t) => typeof t !== 'string')) {
    throw new RelayError('validation_failed', 'event_types must be a non-empty list of event types, or null for all', 'event_types');
  }
  const unknown = value.filter((t) => !(PUBLIC_EVENT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new RelayError('validation_failed', `Unknown event type ${unknown.join(', ')}; known: ${PUBLIC_EVENT_TYPES.join(', ')}`, 'event_types');
  return [...new Set(value as PublicEventType[])];
}

/**
 * The account's webhook endpoints (`/v1/webhooks`, contract in docs/webhooks.md). A URL is
 * checked against the SSRF policy when registered (and again at every delivery); the secret
 * is shown only when created or rotated.
 */
export function webhooksRouter(store: Store, post: PostOptions): Router {
  const router = Router();
  const accountOf = (locals: Record<string, unknown>) => locals.accountId as string;

  async function checkedUrl(value: unknown): Promise<string> {
    if (typeof value !== 'string' || value.length > 2000) throw new RelayError('validation_failed', 'url is required (an http:// or https:// URL of at most 2000 characters)', 'url');
    const target = await checkTarget(value, post);
    if (!target.ok) throw new RelayError('validation_failed', `The webhook URL ${target.reason}`, 'url');
    return target.url.toString();
  }

  async function endpointOr404(accountId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await store.webhooks.get(accountId, id);
    if (!endpoint) throw new RelayError('not_found', 'No such webhook endpoint');
    return endpoint;
  }

  router.post('/v1/webhooks', route(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const accountId = accountOf(res.locals);
    const url = await checkedUrl(body.url);
    const types = eventTypes(body.event_types);
    if ((await store.webhooks.list(accountId)).length >= MAX_ENDPOINTS) throw new RelayError('conflict', `An account has at most ${MAX_ENDPOINTS} webhook endpoints`);
    const secret = `whsec_${newSecret(32)}`;
    const endpoint = await store.webhooks.create(accountId, { url, eventTypes: types, secret });
    res.status(201).json({ ...view(endpoint), secret });
  }));

  router.get('/v1/webhooks', route(async (_req, res) => {
    res.json({ data: (await store.webhooks.list(accountOf(res.locals))).map(view) });
  }));

  router.get('/v1/webhooks/:id', route(async (req, res) => {
    res.json(view(await endpointOr404(accountOf(res.locals), String(req.params.id))));
  }));

  router.patch('/v1/webhooks/:id', route(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const accountId = accountOf(res.locals);
    await endpointOr404(accountId, String(req.params.id));
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean') throw new RelayError('validation_failed', 'enabled must be true or false', 'enabled');
    const patch = {
      ...(body.url !== undefined ? { url: await checkedUrl(body.url) } : {}),
      ...(body.event_types !== undefined ? { eventTypes: eventTypes(body.event_types) } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled as boolean } : {}),
    };
    res.json(view((await store.webhooks.update(accountId, String(req.params.id), patch))!));
  }));

  router.delete('/v1/webhooks/:id', route(async (req, res) => {
    if (!(await store.webhooks.delete(accountOf(res.locals), String(req.params.id)))) throw new RelayError('not_found', 'No such webhook endpoint');
    res.status(204).end();
  }));

  router.post('/v1/webhooks/:id/rotate-secret', route(async (req, res) => {
    const accountId = accountOf(res.locals);
    await endpointOr404(accountId, String(req.params.id));
    const secret = `whsec_${newSecret(32)}`;
    await store.webhooks.update(accountId, String(req.params.id), { secret });
    res.json({ secret });
  }));

  router.get('/v1/webhooks/:id/deliveries', route(async (req, res) => {
    const endpoint = await endpointOr404(accountOf(res.locals), String(req.params.id));
    const limit = req.query.limit === undefined ? 50 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new RelayError('validation_failed', 'limit must be an integer from 1 to 500', 'limit');
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor !== '' ? req.query.cursor : undefined;
    const page = await store.webhooks.history(endpoint.id, { limit: limit + 1, before: cursor });
    const data = page.slice(0, limit).map(attemptView);
    res.json({ data, next_cursor: page.length > limit ? data.at(-1)!.id : null });
  }));

  // Sends a `test` event now, signed like any other, and answers with what happened.
  router.post('/v1/webhooks/:id/test', route(async (req, res) => {
    const accountId = accountOf(res.locals);
    const endpoint = await endpointOr404(accountId, String(req.params.id));
    const secret = (await store.webhooks.secretOf(accountId, endpoint.id))!;
    const now = Date.now();
    const event: PublicEvent = { id: newId('evt', now), type: 'test', created_at: iso(now)!, account_id: accountId, message_id: null, recipient: null, data: { message: 'A test event from RelayPress' } };
    const body = JSON.stringify(event);
    const result = await postWebhook(endpoint.url, body, webhookRequest(body, event.id, secret, now), post);
    res.json({ ok: result.ok, status_code: result.statusCode, error: result.error, response_excerpt: result.responseExcerpt, duration_ms: result.durationMs, event_id: event.id });
  }));

  return router;
}
