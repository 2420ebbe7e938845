import type { Knex } from 'knex';
import { newId, newSecret } from '../ids.ts';
import { hashToken } from '../auth/secrets.ts';
import { createTtlCache } from './ttl-cache.ts';
import { compileAllowlist } from '../net/allowlist.ts';
import type { Cidr } from '../net/cidr.ts';

export interface ApiTokenSummary {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  /** JSON list of CIDRs the token may be used from, or null for anywhere. */
  allowed_networks: string | null;
}

export interface CreatedApiToken extends ApiTokenSummary {
  /** The only time the clear token exists: it is stored hashed. */
  token: string;
}

const TOKEN_PREFIX = 'rp_';
const LAST_USED_RESOLUTION_MS = 60_000;
// Every HTTP request authenticates; a live token is remembered this long by its hash.
// A revoke through this process forgets at once; one made elsewhere (the CLI, another
// instance) takes effect within this time.
const LIVE_TOKEN_CACHE_MS = 10_000;

interface LiveToken {
  accountId: string;
  tokenId: string;
  lastUsedAt: number | null;
  allowed: Cidr[] | null;
}

export class ApiTokenRepository {
  private readonly knex: Knex;
  private readonly live = createTtlCache<LiveToken>(LIVE_TOKEN_CACHE_MS, 10_000);
  constructor(knex: Knex) {
    this.knex = knex;
  }

  async create(accountId: string, name: string, now = Date.now(), allowedNetworks: string[] | null = null): Promise<CreatedApiToken> {
    const token = TOKEN_PREFIX + newSecret(32);
    const row = {
      id: newId('tok', now),
      account_id: accountId,
      name,
      token_hash: hashToken(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
      allowed_networks: allowedNetworks ? JSON.stringify(allowedNetworks) : null,
    };
    await this.knex('api_tokens').insert(row);
    const { token_hash: _omit, ...summary } = row;
    return { ...summary, token };
  }

  /** The account a live token belongs to, or undefined. */
  async authenticate(token: string, now = Date.now()): Promise<{ accountId: string; tokenId: string; allowed: Cidr[] | null } | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const tokenHash = hashToken(token);
    let live = this.live.get(tokenHash, now);
    if (!live) {
      const row = await this.knex('api_tokens').where({ token_hash: tokenHash }).whereNull('revoked_at').first('id', 'account_id', 'last_used_at', 'allowed_networks');
      // Only live tokens are cached: a stream of wrong tokens never fills the cache.
      if (!row) return undefined;
      live = { accountId: row.account_id, tokenId: row.id, lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at), allowed: compileAllowlist(row.allowed_networks) };
      this.live.set(tokenHash, live, now);
    }
    // "Last used" to the minute is enough to spot stale tokens, and spares a write per request.
    if (live.lastUsedAt === null || live.lastUsedAt < now - LAST_USED_RESOLUTION_MS) {
      live.lastUsedAt = now;
      await this.knex('api_tokens').where({ id: live.tokenId }).update({ last_used_at: now });
    }
    return { accountId: live.accountId, tokenId: live.tokenId, allowed: live.allowed };
  }

  async list(accountId: string): Promise<ApiTokenSummary[]> {
    return this.knex('api_tokens')
      .where({ account_id: accountId })
      .orderBy('id')
      .select('id', 'account_id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at', 'allowed_networks');
  }

  /** Replaces where a live token may be used from (null: anywhere). */
  async setAllowedNetworks(accountId: string, id: string, networks: string[] | null): Promise<boolean> {
    const n = await this.knex('api_tokens').where({ id, account_id: accountId }).whereNull('revoked_at').update({ allowed_networks: networks ? JSON.stringify(networks) : null });
    this.live.clear();
    return n > 0;
  }

  /** True when a live token of this account was revoked. */
  async revoke(accountId: string, id: string, now = Date.now()): Promise<boolean> {
    const n = await this.knex('api_tokens').where({ id, account_id: accountId }).whereNull('revoked_at').update({ revoked_at: now });
    // The cache is keyed by hash, which the revoke does not know: forget every token.
    this.live.clear();
    return n > 0;
  }
}
