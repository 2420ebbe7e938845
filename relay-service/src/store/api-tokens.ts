import type { Knex } from 'knex';
import { newId, newSecret } from '../ids.ts';
import { hashToken } from '../auth/secrets.ts';

export interface ApiTokenSummary {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface CreatedApiToken extends ApiTokenSummary {
  /** The only time the clear token exists: it is stored hashed. */
  token: string;
}

const TOKEN_PREFIX = 'rp_';
const LAST_USED_RESOLUTION_MS = 60_000;

export class ApiTokenRepository {
  private readonly knex: Knex;
  constructor(knex: Knex) {
    this.knex = knex;
  }

  async create(accountId: string, name: string, now = Date.now()): Promise<CreatedApiToken> {
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
    };
    await this.knex('api_tokens').insert(row);
    const { token_hash: _omit, ...summary } = row;
    return { ...summary, token };
  }

  /** The account a live token belongs to, or undefined. */
  async authenticate(token: string, now = Date.now()): Promise<{ accountId: string; tokenId: string } | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const row = await this.knex('api_tokens')
      .where({ token_hash: hashToken(token) })
      .whereNull('revoked_at')
      .first('id', 'account_id', 'last_used_at');
    if (!row) return undefined;
    // "Last used" to the minute is enough to spot stale tokens, and spares a write per request.
    if (row.last_used_at === null || row.last_used_at < now - LAST_USED_RESOLUTION_MS) {
      await this.knex('api_tokens').where({ id: row.id }).update({ last_used_at: now });
    }
    return { accountId: row.account_id, tokenId: row.id };
  }

  async list(accountId: string): Promise<ApiTokenSummary[]> {
    return this.knex('api_tokens')
      .where({ account_id: accountId })
      .orderBy('id')
      .select('id', 'account_id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at');
  }

  /** True when a live token of this account was revoked. */
  async revoke(accountId: string, id: string, now = Date.now()): Promise<boolean> {
    const n = await this.knex('api_tokens').where({ id, account_id: accountId }).whereNull('revoked_at').update({ revoked_at: now });
    return n > 0;
  }
}
