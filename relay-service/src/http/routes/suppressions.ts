import express, { Router } from 'express';
import { csvRecord, parseCsv } from '../../csv/csv.ts';
import { RelayError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { normalizePattern, SUPPRESSION_REASONS, type Suppression, type SuppressionReason } from '../../store/suppressions.ts';
import { route } from '../async-route.ts';

import { isoTime as iso } from '../../iso-time.ts';
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

  // Before `/:id` routes: `export.csv` is not an id.
  router.get('/v1/suppressions/export.csv', route(async (_req, res) => {
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="suppressions.csv"');
    res.write(csvRecord(['email', 'reason', 'note', 'created_at']));
    for await (const s of store.suppressions.all(accountOf(res.locals))) res.write(csvRecord([s.pattern, s.reason, s.note, iso(s.created_at)]));
    res.end();
  }));

  /**
   * CSV with the address (or `*@domain`) first, then optionally reason and note; a header
   * row starting with `email` is skipped. Every line is checked before anything is written:
   * one bad line refuses the whole file, naming the line.
   */
  router.post('/v1/suppressions/import', express.text({ type: ['text/csv', 'text/plain'], limit: '10mb' }), route(async (req, res) => {
    if (typeof req.body !== 'string') throw new RelayError('validation_failed', 'Send the CSV as the body with Content-Type: text/csv', 'body');
    const parsed = parseCsv(req.body);
    if (!parsed.ok) throw new RelayError('validation_failed', parsed.message, 'body');
    const rows = parsed.rows;
    const start = rows[0]?.[0]?.trim().toLowerCase() === 'email' ? 1 : 0;
    const entries = [];
    for (let i = start; i < rows.length; i++) {
      const [email = '', reason = '', note = ''] = rows[i]!;
      const pattern = normalizePattern(email);
      if (!pattern.ok) throw new RelayError('validation_failed', `line ${i + 1}: ${pattern.message}`, 'body');
      const r = reason.trim() || 'manual';
      if (!(SUPPRESSION_REASONS as readonly string[]).includes(r)) throw new RelayError('validation_failed', `line ${i + 1}: reason must be one of ${SUPPRESSION_REASONS.join(', ')}`, 'body');
      entries.push({ pattern: pattern.pattern, reason: r as SuppressionReason, note: note.trim() === '' ? null : note.trim().slice(0, 500) });
    }
    res.json(await store.suppressions.addMany(accountOf(res.locals), entries));
  }));

  router.delete('/v1/suppressions/:id', route(async (req, res) => {
    if (!(await store.suppressions.remove(accountOf(res.locals), String(req.params.id)))) throw new RelayError('not_found', 'No such suppression');
    res.status(204).end();
  }));

  return router;
}
