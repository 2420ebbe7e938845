import type { Knex } from 'knex';
import { domainToASCII } from 'node:url';
import { newId } from '../ids.ts';
import { createTtlCache } from './ttl-cache.ts';

export const SUPPRESSION_REASONS = ['hard_bounce', 'complaint', 'unsubscribe', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  id: string;
  account_id: string;
  pattern: string;
  reason: SuppressionReason;
  note: string | null;
  created_at: number;
}

export type PatternParse = { ok: true; pattern: string } | { ok: false; message: string };

/** `Buyer@Example.COM` → `buyer@example.com`; `*@Bücher.example` → `*@xn--bcher-kva.example`. */
export function normalizePattern(input: string): PatternParse {
  const text = input.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || /\s/.test(text)) return { ok: false, message: `"${text}" is not an email address or a *@domain pattern` };
  const local = text.slice(0, at);
  const domain = domainToASCII(text.slice(at + 1));
  if (!domain || !domain.includes('.')) return { ok: false, message: `"${text}" has no valid domain` };
  if (local.includes('*') && local !== '*') return { ok: false, message: 'Only a whole local part can be a wildcard: *@example.com' };
  return { ok: true, pattern: `${local.toLowerCase()}@${domain.toLowerCase()}` };
}

// Whether an account has any suppression at all, checked on every message: most accounts
// have none, and for them acceptance makes no query. Local changes apply at once.
const PRESENCE_CACHE_MS = 10_000;

/**
 * Per-account suppressions. A recipient matches its own address or `*@` its domain; a
 * suppressed recipient of an accepted message is recorded with status `suppressed` and an
 * event, and the other recipients of the same message are unaffected.
 */
export class SuppressionRepository {
  private readonly knex: Knex;
  private readonly present = createTtlCache<boolean>(PRESENCE_CACHE_MS, 10_000);
  constructor(knex: Knex) {
    this.knex = knex;
  }

  async add(accountId: string, input: { pattern: string; reason: SuppressionReason; note?: string | null }, now = Date.now()): Promise<{ created: boolean; suppression: Suppression }> {
    return this.addWithin(this.knex, accountId, input, now);
  }

  /** `add` inside the caller's transaction (a bounce's event and its suppression commit together). */
  async addWithin(db: Knex | Knex.Transaction, accountId: string, input: { pattern: string; reason: SuppressionReason; note?: string | null }, now = Date.now()): Promise<{ created: boolean; suppression: Suppression }> {
    const existing: Suppression | undefined = await db('suppressions').where({ account_id: accountId, pattern: input.pattern }).first();
    if (existing) return { created: false, suppression: existing };
    const suppression: Suppression = { id: newId('sup', now), account_id: accountId, pattern: input.pattern, reason: input.reason, note: input.note?.slice(0, 500) ?? null, created_at: now };
    await db('suppressions').insert(suppression);
    this.present.clear();
    return { created: true, suppression };
  }

  /** Forget cached presence flags: call after committing a transaction that used `addWithin`. */
  changed(): void {
    this.present.clear();
  }

  /** Adds many at once, all in one transaction; existing patterns are left as they are. */
  async addMany(accountId: string, entries: { pattern: string; reason: SuppressionReason; note: string | null }[], now = Date.now()): Promise<{ imported: number; skipped: number }> {
    const result = await this.knex.transaction(async (trx) => {
      let imported = 0;
      const seen = new Set<string>();
      for (const entry of entries) {
        if (seen.has(entry.pattern)) continue;
        seen.add(entry.pattern);
        if (await trx('suppressions').where({ account_id: accountId, pattern: entry.pattern }).first('id')) continue;
        await trx('suppressions').insert({ id: newId('sup', now), account_id: accountId, pattern: entry.pattern, reason: entry.reason, note: entry.note, created_at: now });
        imported++;
      }
      return { imported, skipped: entries.length - imported };
    });
    this.present.clear();
    return result;
  }

  /** Every suppression of the account, oldest first, a page at a time (for export). */
  async *all(accountId: string, pageSize = 1000): AsyncGenerator<Suppression> {
    let after = '';
    for (;;) {
      const page: Suppression[] = await this.knex('suppressions').where({ account_id: accountId }).andWhere('id', '>', after).orderBy('id').limit(pageSize);
      yield* page;
      if (page.length < pageSize) return;
      after = page.at(-1)!.id;
    }
  }

  async remove(accountId: string, id: string): Promise<boolean> {
    const removed = await this.knex('suppressions').where({ account_id: accountId, id }).delete();
    this.present.clear();
    return removed > 0;
  }

  /** Newest first; `before` is the cursor (an id); `search` matches part of the pattern. */
  async list(accountId: string, options: { limit: number; before?: string | undefined; search?: string | undefined }): Promise<Suppression[]> {
    const q = this.knex('suppressions').where({ account_id: accountId });
    if (options.before) q.andWhere('id', '<', options.before);
    // The search text is literal: its % and _ are escaped, with ESCAPE so both engines agree.
    if (options.search) q.andWhereRaw("pattern LIKE ? ESCAPE '\\'", [`%${options.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
    return q.orderBy('id', 'desc').limit(options.limit);
  }

  /**
   * The suppressed ones among `emails` (already lower-case domains), with their reason.
   * `unsubscribes: false` leaves out entries of reason `unsubscribe` (for transactional mail:
   * an unsubscribe ends the mail it was offered on, not order receipts); an address with its
   * own unsubscribe entry is still caught by a `*@domain` entry of another reason.
   */
  async suppressedAmong(accountId: string, emails: string[], options: { unsubscribes?: boolean } = {}, now = Date.now()): Promise<Map<string, SuppressionReason>> {
    const found = new Map<string, SuppressionReason>();
    let present = this.present.get(accountId, now);
    if (present === undefined) {
      present = Boolean(await this.knex('suppressions').where({ account_id: accountId }).first('id'));
      this.present.set(accountId, present, now);
    }
    if (!present) return found;
    const candidates = new Set<string>();
    for (const email of emails) {
      candidates.add(email.toLowerCase());
      candidates.add(`*@${email.slice(email.lastIndexOf('@') + 1).toLowerCase()}`);
    }
    const q = this.knex('suppressions').where({ account_id: accountId }).whereIn('pattern', [...candidates]);
    if (options.unsubscribes === false) q.andWhereNot('reason', 'unsubscribe');
    const rows: { pattern: string; reason: SuppressionReason }[] = await q.select('pattern', 'reason');
    const byPattern = new Map(rows.map((r) => [r.pattern, r.reason]));
    for (const email of emails) {
      const reason = byPattern.get(email.toLowerCase()) ?? byPattern.get(`*@${email.slice(email.lastIndexOf('@') + 1).toLowerCase()}`);
      if (reason) found.set(email, reason);
    }
    return found;
  }
}
