import type { Knex } from 'knex';
import { newId, newSecret } from '../ids.ts';
import { hashPassword, verifyPassword } from '../auth/secrets.ts';

export interface SmtpUserSummary {
  id: string;
  account_id: string;
  username: string;
  created_at: number;
  revoked_at: number | null;
}

export interface CreatedSmtpUser extends SmtpUserSummary {
  /** Shown once; stored as an scrypt hash. */
  password: string;
}

// A hash of a random password, verified when the username is unknown so that a missing
// user and a wrong password take the same time (no username probing by timing).
let decoyHash: Promise<string> | undefined;

export class SmtpUserRepository {
  private readonly knex: Knex;
  constructor(knex: Knex) {
    this.knex = knex;
  }

  async create(accountId: string, username?: string, now = Date.now()): Promise<CreatedSmtpUser> {
    const id = newId('smtp', now);
    const name = username ?? `rp-${id.slice(-12)}`;
    const password = newSecret(24);
    const row = { id, account_id: accountId, username: name, password_hash: await hashPassword(password), created_at: now, revoked_at: null };
    await this.knex('smtp_users').insert(row);
    const { password_hash: _omit, ...summary } = row;
    return { ...summary, password };
  }

  async usernameTaken(username: string): Promise<boolean> {
    return Boolean(await this.knex('smtp_users').where({ username }).first('id'));
  }

  async authenticate(username: string, password: string): Promise<{ accountId: string; userId: string } | undefined> {
    const row = await this.knex('smtp_users').where({ username }).whereNull('revoked_at').first('id', 'account_id', 'password_hash');
    if (!row) {
      decoyHash ??= hashPassword(newSecret(16));
      await verifyPassword(password, await decoyHash);
      return undefined;
    }
    return (await verifyPassword(password, row.password_hash)) ? { accountId: row.account_id, userId: row.id } : undefined;
  }

  async list(accountId: string): Promise<SmtpUserSummary[]> {
    return this.knex('smtp_users').where({ account_id: accountId }).orderBy('id').select('id', 'account_id', 'username', 'created_at', 'revoked_at');
  }

  async revoke(accountId: string, id: string, now = Date.now()): Promise<boolean> {
    return (await this.knex('smtp_users').where({ id, account_id: accountId }).whereNull('revoked_at').update({ revoked_at: now })) > 0;
  }
}
