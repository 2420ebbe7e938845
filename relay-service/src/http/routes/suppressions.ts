import { Router } from 'express';
import { RelayError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { normalizePattern, SUPPRESSION_REASONS, type Suppression, type SuppressionReason } from '../../store/suppressions.ts';
import { route } from '../async-route.ts';

const iso = (ms: number) => new Date(Number(ms)).toISOString();
const view = (s: Suppression) => ({ id: s.id, pattern: s.pattern, reason: s.reason, note: s.note, created_at: iso(s.created_at) });

/**
 * The account's suppression list (`/v1/suppressions`): list (newest first, `search`,
 * `limit`, `cursor`), add an address or `*@domain` with a reason, remove. Another
 * account's entry id is simply not found.
 */
export function suppressionsRouter(store: Store): Router {
  const router = Router();
  const accountOf = (locals: Record<string, unknown>) => locals.accountId as string;

  router.get('/v1/suppressions', route(async (req, res) => {
    const limit = req.query.limit === undefined ? 50 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new RelayError('validation_failed', 'limit must be an integer from 1 to 500', 'limit');
    const search = typeof req.query.search === 'string' && req.query.search !== '' ? req.query.search : undefined;
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor !== '' ? req.query.cursor : undefined;
    const page = await store.suppressions.list(accountOf(res.locals), { limit: limit + 1, before: cursor, search });
    const data = page.slice(0, limit).map(view);
    res.json({ data, next_cursor: page.length > limit ? data.at(-1)!.id : null });
  }));

  router.post('/v1/suppressions', route(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = body.email ?? body.pattern;
    if (typeof input !== 'string') throw new RelayError('validation_failed', 'email (or a *@domain pattern) is required', 'email');
    const pattern = normalizePattern(input);
    if (!pattern.ok) throw new RelayError('validation_failed', pattern.message, 'email');
    const reason = body.reason ?? 'manual';
    if (typeof reason !== 'string' || !(SUPPRESSION_REASONS as readonly string[]).includes(reason)) {
      throw new RelayError('validation_failed', `reason must be one of ${SUPPRESSION_REASONS.join(', ')}`, 'reason');
    }
    if (body.note !== undefined && (typeof body.note !== 'string' || body.note.length > 500)) throw new RelayError('validation_failed', 'note must be text of at most 500 characters', 'note');
    const added = await store.suppressions.add(accountOf(res.locals), { pattern: pattern.pattern, reason: reason as SuppressionReason, note: (body.note as string | undefined) ?? null });
    res.status(added.created ? 201 : 200).json(view(added.suppression));
  }));

  router.delete('/v1/suppressions/:id', route(async (req, res) => {
    if (!(await store.suppressions.remove(accountOf(res.locals), String(req.params.id)))) throw new RelayError('not_found', 'No such suppression');
    res.status(204).end();
  }));

  return router;
}
