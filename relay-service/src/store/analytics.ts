import type { Knex } from 'knex';
import type { Dialect } from './db.ts';
import { idBoundary } from '../ids.ts';
import type { EventRow, MessageRow } from './messages.ts';
import { publicType, type PublicEventType } from '../events/public.ts';

export type Granularity = 'hour' | 'day';
const BUCKET_MS: Record<Granularity, number> = { hour: 3_600_000, day: 86_400_000 };

/** Counted per bucket (and tag): event types as the public vocabulary names them. */
export const COUNTED_TYPES = ['queued', 'delivered', 'deferred', 'hard_bounced', 'soft_bounced', 'suppressed', 'failed', 'opened', 'clicked', 'spam_complaint', 'unsubscribed'] as const;
export type CountedType = (typeof COUNTED_TYPES)[number];

export interface AnalyticsRow {
  /** Bucket start, epoch ms (UTC). */
  bucket: number;
  /** The tag, when grouped by tag. */
  tag?: string;
  counts: Record<CountedType, number>;
}

/** `%"tag"%` for a LIKE over the JSON array of tags, with LIKE's own characters escaped. */
function tagPattern(tag: string): string {
  return `%${JSON.stringify(tag).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Counts over the events table for reporting. Events are found through their
 * time-prefixed ids (the (account_id, id) index), never by scanning created_at; rows are
 * grouped in SQL, and only bounces (whose public type depends on their data) are read one
 * by one. Machine opens and clicks (data.machine) are not counted.
 */
export class AnalyticsRepository {
  private readonly knex: Knex;
  private readonly dialect: Dialect;
  constructor(knex: Knex, dialect: Dialect) {
    this.knex = knex;
    this.dialect = dialect;
  }

  private eventsIn(accountId: string, from: number, to: number, tag: string | undefined) {
    const q = this.knex('events as e')
      .where('e.account_id', accountId)
      .andWhere('e.id', '>=', idBoundary('evt', from))
      .andWhere('e.id', '<', idBoundary('evt', to));
    if (tag !== undefined) {
      q.join('messages as m', 'm.id', 'e.message_id').andWhereRaw("m.tags LIKE ? ESCAPE '\\'", [tagPattern(tag)]);
    }
    return q;
  }

  async counts(accountId: string, options: { from: number; to: number; granularity: Granularity; tag?: string | undefined; byTag?: boolean }): Promise<AnalyticsRow[]> {
    const size = BUCKET_MS[options.granularity];
    const bucketSql = `(e.created_at / ${size}) * ${size}`;
    const rows = new Map<string, AnalyticsRow>();
    const add = (bucket: number, tag: string | undefined, type: CountedType, n: number) => {
      const key = `${bucket}\u0000${tag ?? ''}`;
      let row = rows.get(key);
      if (!row) {
        row = { bucket, ...(tag !== undefined ? { tag } : {}), counts: Object.fromEntries(COUNTED_TYPES.map((t) => [t, 0])) as Record<CountedType, number> };
        rows.set(key, row);
      }
      row.counts[type] += n;
    };

    const plainTypes = COUNTED_TYPES.filter((t) => t !== 'hard_bounced' && t !== 'soft_bounced');
    const base = this.eventsIn(accountId, options.from, options.to, options.tag).whereIn('e.type', plainTypes);
    // A machine open or click (a privacy proxy prefetching, a link scanner) is recorded but not counted.
    base.andWhere((q) => q.whereNotIn('e.type', ['opened', 'clicked']).orWhereRaw("e.data NOT LIKE '%\"machine\":true%'"));
    if (options.byTag) {
      const each = this.dialect === 'postgres' ? 'jsonb_array_elements_text(m2.tags::jsonb)' : 'json_each(m2.tags)';
      const value = this.dialect === 'postgres' ? 't.value' : 't.value';
      const grouped: { bucket: number | string; tag: string; type: CountedType; n: number | string }[] = await base
        .join('messages as m2', 'm2.id', 'e.message_id')
        .joinRaw(`CROSS JOIN ${each} AS t${this.dialect === 'postgres' ? '(value)' : ''}`)
        .groupByRaw(`${bucketSql}, ${value}, e.type`)
        .select(this.knex.raw(`${bucketSql} AS bucket`), this.knex.raw(`${value} AS tag`), 'e.type', this.knex.raw('COUNT(*) AS n'));
      for (const g of grouped) add(Number(g.bucket), g.tag, g.type, Number(g.n));
    } else {
      const grouped: { bucket: number | string; type: CountedType; n: number | string }[] = await base
        .groupByRaw(`${bucketSql}, e.type`)
        .select(this.knex.raw(`${bucketSql} AS bucket`), 'e.type', this.knex.raw('COUNT(*) AS n'));
      for (const g of grouped) add(Number(g.bucket), undefined, g.type, Number(g.n));
    }

    const bounces: (Pick<EventRow, 'type' | 'data' | 'created_at'> & { tags?: string | null })[] = await this.eventsIn(accountId, options.from, options.to, options.tag)
      .where('e.type', 'bounced')
      .modify((q) => { if (options.byTag) q.join('messages as m3', 'm3.id', 'e.message_id').select('m3.tags'); })
      .select('e.type', 'e.data', 'e.created_at');
    for (const b of bounces) {
      const type = publicType(b) as CountedType;
      const bucket = Math.floor(Number(b.created_at) / size) * size;
      if (options.byTag) for (const tag of JSON.parse(b.tags ?? '[]') as string[]) add(bucket, tag, type, 1);
      else add(bucket, undefined, type, 1);
    }
    return [...rows.values()].sort((a, b) => a.bucket - b.bucket || (a.tag ?? '').localeCompare(b.tag ?? ''));
  }

  /** Messages newest first, filtered; `before` is the cursor (a message id). */
  async messages(accountId: string, f: { limit: number; before?: string | undefined; recipient?: string | undefined; status?: string | undefined; tag?: string | undefined; from?: number | undefined; to?: number | undefined }): Promise<MessageRow[]> {
    const q = this.knex('messages as m').where('m.account_id', accountId);
    if (f.before) q.andWhere('m.id', '<', f.before);
    if (f.from !== undefined) q.andWhere('m.id', '>=', idBoundary('msg', f.from));
    if (f.to !== undefined) q.andWhere('m.id', '<', idBoundary('msg', f.to));
    if (f.tag !== undefined) q.andWhereRaw("m.tags LIKE ? ESCAPE '\\'", [tagPattern(f.tag)]);
    if (f.recipient !== undefined || f.status !== undefined) {
      q.whereExists((sub) => {
        sub.select(this.knex.raw('1')).from('recipients as r').whereRaw('r.message_id = m.id');
        if (f.recipient !== undefined) sub.andWhereRaw('LOWER(r.email) = ?', [f.recipient.toLowerCase()]);
        if (f.status !== undefined) sub.andWhere('r.status', f.status);
      });
    }
    return q.orderBy('m.id', 'desc').limit(f.limit)
      .select('m.id', 'm.account_id', 'm.source', 'm.mail_from', 'm.from_header', 'm.subject', 'm.message_id_header', 'm.size', 'm.tags', 'm.metadata', 'm.created_at');
  }

  /**
   * Events newest first, filtered by public type, recipient, message and time. The bounce
   * types are one stored type told apart by data, so pages are read until `limit` match.
   */
  async events(accountId: string, f: { limit: number; before?: string | undefined; type?: PublicEventType | undefined; recipient?: string | undefined; messageId?: string | undefined; from?: number | undefined; to?: number | undefined }): Promise<EventRow[]> {
    const found: EventRow[] = [];
    let before = f.before;
    for (let round = 0; round < 20 && found.length < f.limit; round++) {
      const q = this.knex('events').where('account_id', accountId);
      if (before) q.andWhere('id', '<', before);
      if (f.from !== undefined) q.andWhere('id', '>=', idBoundary('evt', f.from));
      if (f.to !== undefined) q.andWhere('id', '<', idBoundary('evt', f.to));
      if (f.recipient !== undefined) q.andWhereRaw('LOWER(recipient) = ?', [f.recipient.toLowerCase()]);
      if (f.messageId !== undefined) q.andWhere('message_id', f.messageId);
      if (f.type !== undefined) q.andWhere('type', f.type === 'hard_bounced' || f.type === 'soft_bounced' ? 'bounced' : f.type);
      const page: EventRow[] = await q.orderBy('id', 'desc').limit(f.limit);
      for (const e of page) if (publicType(e) !== null && (f.type === undefined || publicType(e) === f.type)) found.push(e);
      if (page.length < f.limit) break;
      before = page.at(-1)!.id;
    }
    return found.slice(0, f.limit);
  }
}
