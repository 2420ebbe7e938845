import { Router, type Request } from 'express';
import { RelayError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { COUNTED_TYPES, type AnalyticsRow, type Granularity } from '../../store/analytics.ts';
import { PUBLIC_EVENT_TYPES, toPublicEvent, type PublicEventType } from '../../events/public.ts';
import { isoTime as iso } from '../../iso-time.ts';
import { route } from '../async-route.ts';

const DAY = 86_400_000;
const MAX_RANGE = { hour: 31 * DAY, day: 400 * DAY } as const;

export function queryText(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new RelayError('validation_failed', `${name} must be given once`, name);
  return value;
}

export function queryTime(req: Request, name: string): number | undefined {
  const text = queryText(req, name);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) throw new RelayError('validation_failed', `${name} must be an ISO 8601 date or time, e.g. 2026-11-29 or 2026-11-29T12:00:00Z`, name);
  return ms;
}

export function queryLimit(req: Request, fallback: number, max: number): number {
  const text = queryText(req, 'limit');
  const limit = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new RelayError('validation_failed', `limit must be an integer from 1 to ${max}`, 'limit');
  return limit;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/** Rates over a row's counts: delivery and bounces per recipient sent, engagement per delivered. */
function rates(c: AnalyticsRow['counts']) {
  const sent = c.queued;
  return {
    delivery_rate: ratio(c.delivered, sent),
    bounce_rate: ratio(c.hard_bounced + c.soft_bounced, sent),
    open_rate: ratio(c.opened, c.delivered),
    click_rate: ratio(c.clicked, c.delivered),
    complaint_rate: ratio(c.spam_complaint, c.delivered),
    unsubscribe_rate: ratio(c.unsubscribed, c.delivered),
  };
}

/**
 * Reporting for the account (`/v1/analytics`, `/v1/events`): tenant-scoped like everything
 * under /v1, time ranges in UTC, cursor pagination by id.
 */
export function reportsRouter(store: Store): Router {
  const router = Router();

  router.get('/v1/analytics', route(async (req, res) => {
    const bucket = (queryText(req, 'group_by') ?? 'day') as Granularity;
    if (bucket !== 'day' && bucket !== 'hour') throw new RelayError('validation_failed', 'group_by must be day or hour', 'group_by');
    const byTagText = queryText(req, 'by_tag') ?? 'false';
    if (byTagText !== 'true' && byTagText !== 'false') throw new RelayError('validation_failed', 'by_tag must be true or false', 'by_tag');
    const byTag = byTagText === 'true';
    const to = queryTime(req, 'to') ?? Date.now();
    const from = queryTime(req, 'from') ?? to - 30 * DAY;
    if (from >= to) throw new RelayError('validation_failed', 'from must be before to', 'from');
    if (to - from > MAX_RANGE[bucket]) throw new RelayError('validation_failed', `A range grouped by ${bucket} may span at most ${MAX_RANGE[bucket] / DAY} days`, 'from');
    const tag = queryText(req, 'tag');
    const rows = await store.analytics.counts(res.locals.accountId as string, { from, to, granularity: bucket, tag, byTag });
    const totals = Object.fromEntries(COUNTED_TYPES.map((t) => [t, 0])) as AnalyticsRow['counts'];
    for (const row of rows) for (const t of COUNTED_TYPES) totals[t] += row.counts[t];
    res.json({
      from: iso(from), to: iso(to), group_by: bucket, tag: tag ?? null,
      totals: { ...totals, ...rates(totals) },
      data: rows.map((r) => ({ bucket: iso(r.bucket), ...(r.tag !== undefined ? { tag: r.tag } : {}), ...r.counts, ...rates(r.counts) })),
    });
  }));

  router.get('/v1/events', route(async (req, res) => {
    const limit = queryLimit(req, 50, 500);
    const type = queryText(req, 'type');
    if (type !== undefined && !(PUBLIC_EVENT_TYPES as readonly string[]).includes(type)) throw new RelayError('validation_failed', `type must be one of ${PUBLIC_EVENT_TYPES.join(', ')}`, 'type');
    const rows = await store.analytics.events(res.locals.accountId as string, {
      limit: limit + 1, before: queryText(req, 'cursor'), type: type as PublicEventType | undefined, recipient: queryText(req, 'recipient'),
      messageId: queryText(req, 'message_id'), from: queryTime(req, 'from'), to: queryTime(req, 'to'),
    });
    const data = rows.slice(0, limit).map(toPublicEvent).filter((e) => e !== null);
    res.json({ data, next_cursor: rows.length > limit ? data.at(-1)!.id : null });
  }));

  return router;
}
