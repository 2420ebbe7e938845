import type { Knex } from 'knex';
import { newId } from '../ids.ts';
import type { Keyring } from '../auth/keyring.ts';
import { createTtlCache } from './ttl-cache.ts';

export interface Domain {
  id: string;
  account_id: string;
  name: string;
  /** Label of the return-path subdomain (`rp` → `rp.<name>`); null for domains added before it existed. */
  return_path: string | null;
  /** Address for DMARC aggregate reports in the suggested record, if the owner gave one. */
  dmarc_rua: string | null;
  /** Last time a live check found DKIM and the return path correct. */
  verified_at: number | null;
  last_checked_at: number | null;
  /** JSON of the last check (domains/verify.ts). */
  check_result: string | null;
  /** The domain's own host for tracked links, if it chose one. */
  tracking_host: string | null;
  created_at: number;
}

export interface DkimKeyRecord {
  id: string;
  domain_id: string;
  selector: string;
  algorithm: 'rsa' | 'ed25519';
  public_key: string;
  active: boolean;
  /** Last time its DNS record was seen published with this public key. */
  verified_at: number | null;
  /** When another key of its algorithm took over signing. */
  retired_at: number | null;
  created_at: number;
}

/** A key ready for signing: the private key decrypted, only in memory. */
export interface SigningKey {
  domain: string;
  selector: string;
  algorithm: 'rsa' | 'ed25519';
  privateKeyPem: string;
}

export interface SendingState {
  /** Verified at least once: it may send (a later failing check is reported, not enforced). */
  verified: boolean;
  /** The return-path host while the last check passes, else null (keep the client's MAIL FROM). */
  returnPath: string | null;
  /** The domain's tracking host while the last check found its CNAME, else null (use RELAY_PUBLIC_URL). */
  trackingHost: string | null;
}

export type AddDomainResult = { ok: true; domain: Domain; created: boolean } | { ok: false; reason: 'taken' };

// Signing keys are read for every message; keeping them briefly saves a join and an AES
// decryption per message. Changes made by this process clear the cache at once; another
// instance's key change is seen within this time.
const SIGNING_KEY_CACHE_MS = 30_000;
// Ownership is checked for every message (From and envelope domain). Only "owns" is
// remembered: a refusal is rare and must see a domain added a moment ago. Domains are
// never moved between accounts; one removed from the database by hand is seen within this time.
const OWNERSHIP_CACHE_MS = 30_000;

export class DomainRepository {
  private readonly knex: Knex;
  private readonly keyring: Keyring;
  private readonly signingKeyCache = new Map<string, { keys: SigningKey[]; expiresAt: number }>();
  private readonly owned = createTtlCache<true>(OWNERSHIP_CACHE_MS, 10_000);
  private readonly sendingStates = createTtlCache<SendingState>(OWNERSHIP_CACHE_MS, 10_000);
  constructor(knex: Knex, keyring: Keyring) {
    this.knex = knex;
    this.keyring = keyring;
  }

  /**
   * Adds a domain to an account. A domain owned by another account is refused with the
   * same answer whoever owns it, so the reply leaks nothing about other tenants.
   */
  async add(accountId: string, name: string, now = Date.now(), options: { returnPath?: string; dmarcRua?: string | null } = {}): Promise<AddDomainResult> {
    const existing: Domain | undefined = await this.knex('domains').where({ name }).first();
    if (existing) return existing.account_id === accountId ? { ok: true, domain: existing, created: false } : { ok: false, reason: 'taken' };
    const domain: Domain = {
      id: newId('dom', now), account_id: accountId, name, return_path: options.returnPath ?? null, dmarc_rua: options.dmarcRua ?? null,
      verified_at: null, last_checked_at: null, check_result: null, tracking_host: null, created_at: now,
    };
    try {
      await this.knex('domains').insert(domain);
    } catch (err) {
      // Lost a race with another request adding the same name.
      const winner: Domain | undefined = await this.knex('domains').where({ name }).first();
      if (winner?.account_id === accountId) return { ok: true, domain: winner, created: false };
      if (winner) return { ok: false, reason: 'taken' };
      throw err;
    }
    return { ok: true, domain, created: true };
  }

  async listForAccount(accountId: string): Promise<Domain[]> {
    return this.knex('domains').where({ account_id: accountId }).orderBy('name');
  }

  async findForAccount(accountId: string, name: string): Promise<Domain | undefined> {
    return this.knex('domains').where({ account_id: accountId, name }).first();
  }

  /** A domain by id, only if it is this account's (another account's id is simply not found). */
  async getForAccount(accountId: string, id: string): Promise<Domain | undefined> {
    return this.knex('domains').where({ account_id: accountId, id }).first();
  }

  /**
   * What sending from an account's domain needs to know, read for every message and cached
   * like ownership: whether the domain was ever verified (the sending policy), and the
   * return-path host (`rp.shop.example`) when its last check passed, since only then do its
   * MX and SPF serve bounces and receivers' SPF checks.
   */
  async sendingState(accountId: string, name: string, now = Date.now()): Promise<SendingState> {
    const cacheKey = `${accountId}\u0000${name}`;
    const cached = this.sendingStates.get(cacheKey, now);
    if (cached) return cached;
    const domain = await this.findForAccount(accountId, name);
    const check = domain?.check_result ? (JSON.parse(domain.check_result) as { verified?: boolean; records?: { purpose: string; name: string; status: string }[] }) : null;
    const passing = Boolean(domain?.return_path && check?.verified);
    const cname = domain?.tracking_host ? check?.records?.find((r) => r.purpose === 'tracking_cname' && r.name === domain.tracking_host) : undefined;
    const state: SendingState = {
      verified: Boolean(domain?.verified_at),
      returnPath: passing ? `${domain!.return_path}.${domain!.name}` : null,
      trackingHost: cname?.status === 'ok' ? domain!.tracking_host : null,
    };
    this.sendingStates.set(cacheKey, state, now);
    return state;
  }

  /** Stores a key that does not sign until its DNS record has been seen (see recordCheck). */
  async addPendingDkimKey(domainId: string, key: { selector: string; algorithm: 'rsa' | 'ed25519'; privateKeyPem: string; publicKey: string }, now = Date.now()): Promise<void> {
    await this.knex('dkim_keys').insert({
      id: newId('dkim', now), domain_id: domainId, selector: key.selector, algorithm: key.algorithm,
      private_key: this.keyring.encrypt(key.privateKeyPem), public_key: key.publicKey, active: false, created_at: now,
    });
  }

  /**
   * Rotation: `selector` takes over signing for its algorithm; the key that signed until now
   * is retired (its record must stay published for the grace period). One transaction, so
   * there is never a moment with no signing key or with two of one algorithm.
   */
  async switchSigning(domainId: string, selector: string, now = Date.now()): Promise<void> {
    this.signingKeyCache.clear();
    await this.knex.transaction(async (trx) => {
      const key = await trx('dkim_keys').where({ domain_id: domainId, selector }).first('id', 'algorithm');
      await trx('dkim_keys').where({ domain_id: domainId, algorithm: key.algorithm, active: true }).update({ active: false, retired_at: now });
      await trx('dkim_keys').where({ id: key.id }).update({ active: true, retired_at: null });
    });
  }

  /** Recipients still to be delivered of the account's messages From this domain. */
  async queuedCount(accountId: string, name: string): Promise<number> {
    const row = await this.knex('recipients as r')
      .join('messages as m', 'm.id', 'r.message_id')
      .where({ 'm.account_id': accountId, 'm.from_domain': name })
      .whereIn('r.status', ['queued', 'deferred', 'sending'])
      .count({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  }

  /** Deletes the domain and its keys; its mail stops being accepted (ownership cache cleared). */
  async delete(domainId: string): Promise<void> {
    this.signingKeyCache.clear();
    this.owned.clear();
    this.sendingStates.clear();
    await this.knex.transaction(async (trx) => {
      await trx('dkim_keys').where({ domain_id: domainId }).delete();
      await trx('domains').where({ id: domainId }).delete();
    });
  }

  /** Removes a key that does not sign; false when there is no such key or it signs. */
  async deleteKey(domainId: string, selector: string): Promise<boolean> {
    this.signingKeyCache.clear();
    return (await this.knex('dkim_keys').where({ domain_id: domainId, selector, active: false }).delete()) > 0;
  }

  /**
   * Records a live check: the result, the domain's verified time when it passed, the keys
   * whose records were seen, and makes a seen key the signing key of its algorithm when
   * that algorithm has none yet.
   */
  async recordCheck(domainId: string, check: { verified: boolean; result: unknown; verifiedKeyIds: string[] }, now = Date.now()): Promise<void> {
    this.signingKeyCache.clear();
    this.sendingStates.clear();
    await this.knex.transaction(async (trx) => {
      const update: Record<string, unknown> = { last_checked_at: now, check_result: JSON.stringify(check.result) };
      if (check.verified) update.verified_at = now;
      await trx('domains').where({ id: domainId }).update(update);
      if (check.verifiedKeyIds.length === 0) return;
      await trx('dkim_keys').whereIn('id', check.verifiedKeyIds).update({ verified_at: now });
      const keys: { id: string; algorithm: string; active: number | boolean; retired_at: number | null }[] = await trx('dkim_keys').where({ domain_id: domainId }).select('id', 'algorithm', 'active', 'retired_at');
      for (const algorithm of ['rsa', 'ed25519']) {
        if (keys.some((k) => k.algorithm === algorithm && Boolean(k.active))) continue;
        // A retired key never comes back by itself: rotation away from it was deliberate.
        const seen = keys.find((k) => k.algorithm === algorithm && k.retired_at === null && check.verifiedKeyIds.includes(k.id));
        if (seen) await trx('dkim_keys').where({ id: seen.id }).update({ active: true });
      }
    });
  }

  async accountOwns(accountId: string, name: string, now = Date.now()): Promise<boolean> {
    const cacheKey = `${accountId}\u0000${name}`;
    if (this.owned.get(cacheKey, now)) return true;
    if (!(await this.findForAccount(accountId, name))) return false;
    this.owned.set(cacheKey, true, now);
    return true;
  }

  /** Sets (or with null, removes) the domain's tracking host; false when another domain has it. */
  async setTrackingHost(domainId: string, host: string | null): Promise<boolean> {
    if (host !== null) {
      const taken = await this.knex('domains').where({ tracking_host: host }).whereNot({ id: domainId }).first('id');
      if (taken) return false;
    }
    await this.knex('domains').where({ id: domainId }).update({ tracking_host: host });
    this.sendingStates.clear();
    return true;
  }

  /** The account whose domain uses `host` for tracked links, if any. */
  async trackingHostOwner(host: string): Promise<string | undefined> {
    const row: { account_id: string } | undefined = await this.knex('domains').where({ tracking_host: host.toLowerCase() }).first('account_id');
    return row?.account_id;
  }

  /** The account whose domain has `host` as its return-path host (`rp.shop.example`), if any. */
  async returnPathOwner(host: string): Promise<string | undefined> {
    const dot = host.indexOf('.');
    if (dot <= 0) return undefined;
    const row: { account_id: string } | undefined = await this.knex('domains').where({ name: host.slice(dot + 1).toLowerCase(), return_path: host.slice(0, dot).toLowerCase() }).first('account_id');
    return row?.account_id;
  }

  /** Stores a key (encrypted) and makes it the active one for its algorithm. */
  async setDkimKey(domainId: string, key: { selector: string; algorithm: 'rsa' | 'ed25519'; privateKeyPem: string; publicKey: string }, now = Date.now()): Promise<DkimKeyRecord> {
    this.signingKeyCache.clear();
    return this.knex.transaction(async (trx) => {
      await trx('dkim_keys').where({ domain_id: domainId, algorithm: key.algorithm }).update({ active: false });
      await trx('dkim_keys').where({ domain_id: domainId, selector: key.selector }).delete();
      const row = {
        id: newId('dkim', now),
        domain_id: domainId,
        selector: key.selector,
        algorithm: key.algorithm,
        private_key: this.keyring.encrypt(key.privateKeyPem),
        public_key: key.publicKey,
        active: true,
        verified_at: null,
        retired_at: null,
        created_at: now,
      };
      await trx('dkim_keys').insert(row);
      const { private_key: _omit, ...record } = row;
      return record;
    });
  }

  async listDkimKeys(domainId: string): Promise<DkimKeyRecord[]> {
    const rows = await this.knex('dkim_keys').where({ domain_id: domainId }).orderBy('id').select('id', 'domain_id', 'selector', 'algorithm', 'public_key', 'active', 'verified_at', 'retired_at', 'created_at');
    // Oldest first, RSA before Ed25519 among keys made together: the order records are shown in.
    return rows
      .map((r: DkimKeyRecord) => ({ ...r, active: Boolean(r.active), verified_at: r.verified_at === null ? null : Number(r.verified_at), retired_at: r.retired_at === null ? null : Number(r.retired_at), created_at: Number(r.created_at) }))
      .sort((a: DkimKeyRecord, b: DkimKeyRecord) => a.created_at - b.created_at || (a.algorithm === b.algorithm ? 0 : a.algorithm === 'rsa' ? -1 : 1));
  }

  /** Active signing keys of an account's domain (RSA first), decrypted for the signer. */
  async signingKeys(accountId: string, domainName: string, now = Date.now()): Promise<SigningKey[]> {
    const cacheKey = `${accountId}\u0000${domainName}`;
    const cached = this.signingKeyCache.get(cacheKey);
    if (cached && cached.expiresAt > now) return cached.keys;
    const keys = await this.loadSigningKeys(accountId, domainName);
    if (this.signingKeyCache.size >= 10_000) this.signingKeyCache.clear();
    this.signingKeyCache.set(cacheKey, { keys, expiresAt: now + SIGNING_KEY_CACHE_MS });
    return keys;
  }

  private async loadSigningKeys(accountId: string, domainName: string): Promise<SigningKey[]> {
    const rows = await this.knex('dkim_keys as k')
      .join('domains as d', 'd.id', 'k.domain_id')
      .where({ 'd.account_id': accountId, 'd.name': domainName, 'k.active': true })
      .select('k.selector', 'k.algorithm', 'k.private_key');
    return rows
      .map((r: { selector: string; algorithm: 'rsa' | 'ed25519'; private_key: string }) => ({
        domain: domainName,
        selector: r.selector,
        algorithm: r.algorithm,
        privateKeyPem: this.keyring.decrypt(r.private_key),
      }))
      .sort((a: SigningKey, b: SigningKey) => (a.algorithm === b.algorithm ? 0 : a.algorithm === 'rsa' ? -1 : 1));
  }
}
