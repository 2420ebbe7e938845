import type { Knex } from 'knex';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId, newPassword, newSecret } from '../ids.ts';
import { hashPassword, verifyPassword } from '../auth/secrets.ts';
import { readRow } from './sqlite-connection.ts';
import { allowedFrom, compileAllowlist } from '../net/allowlist.ts';
import { unmapIPv4 } from '../net/cidr.ts';

export interface SmtpUserSummary {
  id: string;
  account_id: string;
  username: string;
  created_at: number;
  revoked_at: number | null;
  /** JSON list of CIDRs the user may log in from, or null for anywhere. */
  allowed_networks: string | null;
}

export interface CreatedSmtpUser extends SmtpUserSummary {
  /** Shown once; stored as an scrypt hash. */
  password: string;
}

// A hash of a random password, verified when the username is unknown so that a missing
// user and a wrong password take the same time (no username probing by timing).
let decoyHash: Promise<string> | undefined;

/**
 * Remembers recent successful logins so a client that opens a connection per message (the
 * normal pattern of WordPress and of load generators) does not pay a full scrypt each time.
 * An entry holds an HMAC of the password under a per-process random key, never the
 * password, and is bound to the stored hash: a password change or revocation (checked in
 * the database on every login) takes effect at once.
 */
class VerifiedLoginCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { storedHash: string; proof: Buffer; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  constructor(ttlMs: number, maxEntries: number) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  private proof(userId: string, password: string): Buffer {
    return createHmac('sha256', this.key).update(userId).update('\0').update(password).digest();
  }

  matches(userId: string, storedHash: string, password: string, now: number): boolean {
    const entry = this.entries.get(userId);
    if (!entry || entry.storedHash !== storedHash || entry.expiresAt < now) return false;
    return timingSafeEqual(entry.proof, this.proof(userId, password));
  }

  remember(userId: string, storedHash: string, password: string, now: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(userId, { storedHash, proof: this.proof(userId, password), expiresAt: now + this.ttlMs });
  }
}

const LIVE_USER_SQL = 'SELECT id, account_id, password_hash, allowed_networks FROM smtp_users WHERE username = ? AND revoked_at IS NULL';

export class SmtpUserRepository {
  private readonly knex: Knex;
  private readonly verified = new VerifiedLoginCache(10 * 60_000, 10_000);
  constructor(knex: Knex) {
    this.knex = knex;
  }

  async create(accountId: string, username?: string, now = Date.now(), allowedNetworks: string[] | null = null): Promise<CreatedSmtpUser> {
    const id = newId('smtp', now);
    const name = username ?? `rp-${id.slice(-12)}`;
    const password = newPassword(24);
    const row = { id, account_id: accountId, username: name, password_hash: await hashPassword(password), created_at: now, revoked_at: null, allowed_networks: allowedNetworks ? JSON.stringify(allowedNetworks) : null };
    await this.knex('smtp_users').insert(row);
    const { password_hash: _omit, ...summary } = row;
    return { ...summary, password };
  }

  async usernameTaken(username: string): Promise<boolean> {
    return Boolean(await this.knex('smtp_users').where({ username }).first('id'));
  }

  /**
   * The account of a live user whose password matches and who may log in from `remoteIp`.
   * A login from outside the user's networks fails exactly like a wrong password (and
   * counts towards the lockout), so the answer tells an attacker nothing.
   */
  async authenticate(username: string, password: string, now = Date.now(), remoteIp?: string): Promise<{ accountId: string; userId: string } | undefined> {
    // Every SMTP session authenticates: read without knex on SQLite, and uncached, so a
    // revoke made anywhere takes effect at the next login.
    const row = await readRow<{ id: string; account_id: string; password_hash: string; allowed_networks: string | null }>(this.knex, LIVE_USER_SQL, [username], () =>
      this.knex('smtp_users').where({ username }).whereNull('revoked_at').first('id', 'account_id', 'password_hash', 'allowed_networks'));
    if (!row) {
      decoyHash ??= hashPassword(newSecret(16));
      await verifyPassword(password, await decoyHash);
      return undefined;
    }
    if (remoteIp !== undefined && !allowedFrom(compileAllowlist(row.allowed_networks), unmapIPv4(remoteIp))) {
      await verifyPassword(password, row.password_hash);
      return undefined;
    }
    const found = { accountId: row.account_id as string, userId: row.id as string };
    if (this.verified.matches(row.id, row.password_hash, password, now)) return found;
    if (!(await verifyPassword(password, row.password_hash))) return undefined;
    this.verified.remember(row.id, row.password_hash, password, now);
    return found;
  }

  async list(accountId: string): Promise<SmtpUserSummary[]> {
    return this.knex('smtp_users').where({ account_id: accountId }).orderBy('id').select('id', 'account_id', 'username', 'created_at', 'revoked_at', 'allowed_networks');
  }

  /** Replaces where a live user may log in from (null: anywhere). */
  async setAllowedNetworks(accountId: string, id: string, networks: string[] | null): Promise<boolean> {
    return (await this.knex('smtp_users').where({ id, account_id: accountId }).whereNull('revoked_at').update({ allowed_networks: networks ? JSON.stringify(networks) : null })) > 0;
  }

  async revoke(accountId: string, id: string, now = Date.now()): Promise<boolean> {
    return (await this.knex('smtp_users').where({ id, account_id: accountId }).whereNull('revoked_at').update({ revoked_at: now })) > 0;
  }
}
