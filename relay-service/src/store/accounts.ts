import type { Knex } from 'knex';
import { newId } from '../ids.ts';
import { createTtlCache } from './ttl-cache.ts';

export interface Account {
  id: string;
  name: string;
  /** May send from unverified domains (development); every send answer says so. */
  sandbox: boolean;
  /** Tags of bulk mail: a message with one of them carries one-click unsubscribe headers unless the send says otherwise. */
  non_transactional_tags: string[];
  /** Tracking for sends that do not choose themselves. */
  track_opens: boolean;
  track_clicks: boolean;
  /** Messages a minute and a UTC day the account may send; null: no limit. */
  rate_per_minute: number | null;
  daily_quota: number | null;
  /** Source address of its outgoing mail (one of RELAY_BIND_ADDRESSES), or null for the default. */
  bind_address: string | null;
  created_at: number;
}

interface AccountRow {
  id: string;
  name: string;
  sandbox: boolean | number;
  non_transactional_tags: string | null;
  track_opens: boolean | number;
  track_clicks: boolean | number;
  rate_per_minute: number | null;
  daily_quota: number | null;
  bind_address: string | null;
  created_at: number | string;
}

/** What acceptance reads about the account for every message, cached together. */
interface SendingProfile {
  sandbox: boolean;
  trackOpens: boolean;
  trackClicks: boolean;
  ratePerMinute: number | null;
  dailyQuota: number | null;
  bindAddress: string | null;
}

// Read for every message; a change made here applies at once, one made by another instance within this time.
const SANDBOX_CACHE_MS = 30_000;

function fromRow(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    sandbox: Boolean(row.sandbox),
    non_transactional_tags: row.non_transactional_tags ? (JSON.parse(row.non_transactional_tags) as string[]) : [],
    track_opens: Boolean(row.track_opens),
    track_clicks: Boolean(row.track_clicks),
    rate_per_minute: row.rate_per_minute === null ? null : Number(row.rate_per_minute),
    daily_quota: row.daily_quota === null ? null : Number(row.daily_quota),
    bind_address: row.bind_address ?? null,
    created_at: Number(row.created_at),
  };
}

export class AccountRepository {
  private readonly knex: Knex;
  private readonly profileCache = createTtlCache<SendingProfile>(SANDBOX_CACHE_MS, 10_000);
  private readonly tagsCache = createTtlCache<ReadonlySet<string>>(SANDBOX_CACHE_MS, 10_000);
  constructor(knex: Knex) {
    this.knex = knex;
  }

  async create(name: string, now = Date.now(), options: { sandbox?: boolean } = {}): Promise<Account> {
    const account: Account = { id: newId('acc', now), name, sandbox: options.sandbox ?? false, non_transactional_tags: [], track_opens: false, track_clicks: false, rate_per_minute: null, daily_quota: null, bind_address: null, created_at: now };
    await this.knex('accounts').insert({ id: account.id, name, sandbox: account.sandbox, created_at: now });
    return account;
  }

  async get(id: string): Promise<Account | undefined> {
    const row: AccountRow | undefined = await this.knex('accounts').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<Account[]> {
    return (await this.knex('accounts').orderBy('id')).map(fromRow);
  }

  async setSandbox(id: string, sandbox: boolean): Promise<boolean> {
    this.profileCache.clear();
    return (await this.knex('accounts').where({ id }).update({ sandbox })) > 0;
  }

  async setTracking(id: string, tracking: { opens?: boolean; clicks?: boolean }): Promise<boolean> {
    this.profileCache.clear();
    const changes = { ...(tracking.opens !== undefined ? { track_opens: tracking.opens } : {}), ...(tracking.clicks !== undefined ? { track_clicks: tracking.clicks } : {}) };
    if (Object.keys(changes).length === 0) return Boolean(await this.get(id));
    return (await this.knex('accounts').where({ id }).update(changes)) > 0;
  }

  /** Replaces the account's non-transactional tags (duplicates dropped, order kept). */
  async setNonTransactionalTags(id: string, tags: string[]): Promise<boolean> {
    this.tagsCache.clear();
    const unique = [...new Set(tags)];
    return (await this.knex('accounts').where({ id }).update({ non_transactional_tags: unique.length ? JSON.stringify(unique) : null })) > 0;
  }

  private async profile(id: string, now: number): Promise<SendingProfile> {
    const cached = this.profileCache.get(id, now);
    if (cached !== undefined) return cached;
    const row = await this.knex('accounts').where({ id }).first('sandbox', 'track_opens', 'track_clicks', 'rate_per_minute', 'daily_quota', 'bind_address');
    const profile = {
      sandbox: Boolean(row?.sandbox), trackOpens: Boolean(row?.track_opens), trackClicks: Boolean(row?.track_clicks),
      ratePerMinute: row?.rate_per_minute == null ? null : Number(row.rate_per_minute), dailyQuota: row?.daily_quota == null ? null : Number(row.daily_quota),
      bindAddress: row?.bind_address ?? null,
    };
    this.profileCache.set(id, profile, now);
    return profile;
  }

  async isSandbox(id: string, now = Date.now()): Promise<boolean> {
    return (await this.profile(id, now)).sandbox;
  }

  async sendingLimits(id: string, now = Date.now()): Promise<{ ratePerMinute: number | null; dailyQuota: number | null }> {
    const p = await this.profile(id, now);
    return { ratePerMinute: p.ratePerMinute, dailyQuota: p.dailyQuota };
  }

  async setSendingLimits(id: string, limits: { ratePerMinute?: number | null; dailyQuota?: number | null }): Promise<boolean> {
    this.profileCache.clear();
    const changes = { ...(limits.ratePerMinute !== undefined ? { rate_per_minute: limits.ratePerMinute } : {}), ...(limits.dailyQuota !== undefined ? { daily_quota: limits.dailyQuota } : {}) };
    if (Object.keys(changes).length === 0) return Boolean(await this.get(id));
    return (await this.knex('accounts').where({ id }).update(changes)) > 0;
  }

  /** Read for every delivery attempt, from the cached profile. */
  async bindAddress(id: string, now = Date.now()): Promise<string | null> {
    return (await this.profile(id, now)).bindAddress;
  }

  async setBindAddress(id: string, address: string | null): Promise<boolean> {
    this.profileCache.clear();
    return (await this.knex('accounts').where({ id }).update({ bind_address: address })) > 0;
  }

  async trackingDefaults(id: string, now = Date.now()): Promise<{ opens: boolean; clicks: boolean }> {
    const p = await this.profile(id, now);
    return { opens: p.trackOpens, clicks: p.trackClicks };
  }

  /** Asked only for messages with tags and no per-send choice, so most sends never read it. */
  async nonTransactionalTags(id: string, now = Date.now()): Promise<ReadonlySet<string>> {
    const cached = this.tagsCache.get(id, now);
    if (cached !== undefined) return cached;
    const row = await this.knex('accounts').where({ id }).first('non_transactional_tags');
    const tags: ReadonlySet<string> = new Set(row?.non_transactional_tags ? (JSON.parse(row.non_transactional_tags) as string[]) : []);
    this.tagsCache.set(id, tags, now);
    return tags;
  }
}
