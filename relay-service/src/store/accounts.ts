import type { Knex } from 'knex';
import { newId } from '../ids.ts';

export interface Account {
  id: string;
  name: string;
  created_at: number;
}

export class AccountRepository {
  private readonly knex: Knex;
  constructor(knex: Knex) {
    this.knex = knex;
  }

  async create(name: string, now = Date.now()): Promise<Account> {
    const account: Account = { id: newId('acc', now), name, created_at: now };
    await this.knex('accounts').insert(account);
    return account;
  }

  async get(id: string): Promise<Account | undefined> {
    return this.knex('accounts').where({ id }).first();
  }

  async list(): Promise<Account[]> {
    return this.knex('accounts').orderBy('id');
  }
}
