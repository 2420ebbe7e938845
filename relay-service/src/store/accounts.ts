import type { Knex } from 'knex';
import { newId } from '../ids.ts';
import { createTtlCache } from './ttl-cache.ts';

export interface Account {
  id: string;
  name: string;
  /** May send from unverified domains (development); every send answer says so. */
  sandbox: boolean;
  created_at: number;
}

// Read for every message; a change made here applies at once, one made by another instance within this time.
const SANDBOX_CACHE_MS = 30_000;

export class AccountRepository {
  private readonly knex: Knex;
  private readonly sandboxCache = createTtlCache<boolean>(SANDBOX_CACHE_MS, 10_000);
  constructor(knex: Knex) {
    this.knex = knex;
  }

  async create(name: string, now = Date.now(), options: { sandbox?: boolean } = {}): Promise<Account> {
    const account: Account = { id: newId('acc', now), name, sandbox: options.sandbox ?? false, created_at: now };
    await this.knex('accounts').insert(account);
    return account;
  }

  async get(id: string): Promise<Account | undefined> {
    const row = await this.knex('accounts').where({ id }).first();
    return row ? { ...row, sandbox: Boolean(row.sandbox) } : undefined;
  }

  async list(): Promise<Account[]> {
    return (await this.knex('accounts').orderBy('id')).map((row: Account) => ({ ...row, sandbox: Boolean(row.sandbox) }));
  }

  async setSandbox(id: string, sandbox: boolean): Promise<boolean> {
    this.sandboxCache.clear();
    return (await this.knex('accounts').where({ id }).update({ sandbox })) > 0;
  }

  async isSandbox(id: string, now = Date.now()): Promise<boolean> {
    const cached = this.sandboxCache.get(id, now);
    if (cached !== undefined) return cached;
    const sandbox = Boolean((await this.knex('accounts').where({ id }).first('sandbox'))?.sandbox);
    this.sandboxCache.set(id, sandbox, now);
    return sandbox;
  }
}
