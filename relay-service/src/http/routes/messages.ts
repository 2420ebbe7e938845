import { Router } from 'express';
import type { Store } from '../../store/index.ts';
import type { AttemptRow, EventRow, MessageRow, RecipientRow } from '../../store/messages.ts';
import { sendError } from '../errors.ts';
import { route } from '../async-route.ts';
import { queryLimit, queryText, queryTime } from './reports.ts';

const RECIPIENT_STATUSES = ['queued', 'deferred', 'sending', 'delivered', 'bounced', 'failed', 'suppressed'];

import { isoTime as iso } from '../../iso-time.ts';
const parseJson = (text: string | null, fallback: unknown) => (text ? JSON.parse(text) : fallback);

function summary(m: MessageRow, recipients: RecipientRow[]) {
  return {
    id: m.id,
    created_at: iso(m.created_at),
    source: m.source,
    mail_from: m.mail_from,
    from: m.from_header,
    subject: m.subject,
    size: m.size,
    tags: parseJson(m.tags, []),
    metadata: parseJson(m.metadata, {}),
    recipients: recipients.map((r) => ({ id: r.id, email: r.email, status: r.status })),
  };
}

function attemptView(a: AttemptRow) {
  return {
    id: a.id,
    at: iso(a.created_at),
    outcome: a.outcome,
    category: a.category,
    response: a.response,
    response_code: a.response_code,
    enhanced_status: a.enhanced_status,
    mx_host: a.mx_host,
    mx_ip: a.mx_ip,
    tls: Boolean(a.tls),
    duration_ms: a.duration_ms,
  };
}

function eventView(e: EventRow) {
  return { id: e.id, type: e.type, at: iso(e.created_at), recipient: e.recipient, recipient_id: e.recipient_id, data: parseJson(e.data, {}) };
}

/** `GET /v1/messages` and `GET /v1/messages/:id`: only ever the caller's own messages. */
export function messagesRouter(store: Store): Router {
  const router = Router();

  // Activity: filtered by recipient, recipient status, tag and creation time (from/to, ISO 8601).
  router.get('/v1/messages', route(async (req, res) => {
    const limit = queryLimit(req, 25, 100);
    const cursor = queryText(req, 'cursor');
    if (cursor !== undefined && !/^msg_[0-9a-z]{26}$/.test(cursor)) return sendError(res, 'validation_failed', 'cursor is not valid', 'cursor');
    const status = queryText(req, 'status');
    if (status !== undefined && !RECIPIENT_STATUSES.includes(status)) return sendError(res, 'validation_failed', `status must be one of ${RECIPIENT_STATUSES.join(', ')}`, 'status');
    const accountId = res.locals.accountId as string;
    // One extra row tells whether another page exists without a count query.
    const rows = await store.analytics.messages(accountId, {
      limit: limit + 1, before: cursor, recipient: queryText(req, 'recipient'), status, tag: queryText(req, 'tag'), from: queryTime(req, 'from'), to: queryTime(req, 'to'),
    });
    const page = rows.slice(0, limit);
    const recipients = await store.messages.recipientsOf(page.map((m) => m.id));
    res.json({
      data: page.map((m) => summary(m, recipients.filter((r) => r.message_id === m.id))),
      next_cursor: rows.length > limit ? page[page.length - 1]!.id : null,
    });
  }));

  router.get('/v1/messages/:id', route(async (req, res) => {
    const accountId = res.locals.accountId as string;
    const message = await store.messages.get(accountId, String(req.params.id));
    if (!message) return sendError(res, 'not_found', 'No such message');
    const [recipients, attempts, events] = await Promise.all([
      store.messages.recipientsOf([message.id]),
      store.messages.attemptsOf(message.id),
      store.messages.eventsOf(message.id),
    ]);
    res.json({
      ...summary(message, recipients),
      message_id_header: message.message_id_header,
      recipients: recipients.map((r) => ({
        id: r.id,
        email: r.email,
        status: r.status,
        attempts_count: r.attempts,
        next_attempt_at: r.status === 'deferred' || r.status === 'queued' ? iso(r.next_attempt_at) : null,
        last_response: r.last_response,
        attempts: attempts.filter((a) => a.recipient_id === r.id).map(attemptView),
      })),
      events: events.map(eventView),
    });
  }));

  return router;
}
