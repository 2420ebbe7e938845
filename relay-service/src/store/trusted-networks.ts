import type { Knex } from 'knex';
import { newId } from '../ids.ts';
import { cidrContains, cidrsOverlap, parseCidr, type Cidr } from '../net/cidr.ts';

export interface TrustedNetwork {
  id: string;
  account_id: string;
  cidr: string;
  note: string | null;
  created_at: number;
}

export type AddTrustedNetworkResult =
  | { ok: true; created: boolean; network: TrustedNetwork }
  | { ok: false; reason: 'invalid' | 'overlap'; message: string };

export interface TrustedMatch {
  accountId: string;
  cidr: string;
}

interface Snapshot {
  loadedAt: number;
  // Longest prefix first, so the first match is the most specific network.
  entries: { cidr: Cidr; accountId: string }[];
}

/**
 * Trusted client networks: an SMTP client connecting from one of an account's networks is
 * that account without AUTH (a WordPress on the same host or LAN, or a load generator),
 * exactly as Postfix's mynetworks relays for its own. Everything else about the message
 * is checked as usual: the From domain must still be the account's own.
 *
 * Lookups run on every SMTP connection, so they read an in-memory snapshot of all
 * networks; changes made here apply at once, changes by another instance within
 * `refreshMs`.
 */
export class TrustedNetworkRepository {
  private readonly knex: Knex;
  private readonly refreshMs: number;
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;

  constructor(knex: Knex, options: { refreshMs?: number } = {}) {
    this.knex = knex;
    this.refreshMs = options.refreshMs ?? 10_000;
  }

  async add(accountId: string, input: string, note: string | null = null, now = Date.now()): Promise<AddTrustedNetworkResult> {
    const parsed = parseCidr(input);
    if (!parsed.ok) return { ok: false, reason: 'invalid', message: parsed.message };
    const cidr = parsed.cidr;
    const result = await this.knex.transaction(async (trx): Promise<AddTrustedNetworkResult> => {
      const rows: TrustedNetwork[] = await trx('trusted_networks').select('*');
      const same = rows.find((r) => r.cidr === cidr.text);
      if (same && same.account_id === accountId) return { ok: true, created: false, network: same };
      const clash = rows.find((r) => r.account_id !== accountId && overlaps(r.cidr, cidr));
      if (clash || same) {
        // Operators only (admin API, CLI): naming the other network helps them fix it.
        return { ok: false, reason: 'overlap', message: `${cidr.text} overlaps ${(clash ?? same)!.cidr}, which another account trusts` };
      }
      const network: TrustedNetwork = { id: newId('net', now), account_id: accountId, cidr: cidr.text, note, created_at: now };
      await trx('trusted_networks').insert(network);
      return { ok: true, created: true, network };
    });
    if (result.ok && result.created) this.snapshot = undefined;
    return result;
  }

  async list(accountId: string): Promise<TrustedNetwork[]> {
    return this.knex('trusted_networks').where({ account_id: accountId }).orderBy('cidr');
  }

  async remove(accountId: string, id: string): Promise<boolean> {
    const removed = await this.knex('trusted_networks').where({ account_id: accountId, id }).delete();
    this.snapshot = undefined;
    return removed > 0;
  }

  /** The account whose network holds `address` (the most specific one), or null. */
  async accountFor(address: string, now = Date.now()): Promise<TrustedMatch | null> {
    const snapshot = await this.current(now);
    for (const entry of snapshot.entries) {
      if (cidrContains(entry.cidr, address)) return { accountId: entry.accountId, cidr: entry.cidr.text };
    }
    return null;
  }

  private async current(now: number): Promise<Snapshot> {
    if (this.snapshot && now - this.snapshot.loadedAt < this.refreshMs) return this.snapshot;
    // One query however many connections arrive while it runs.
    this.loading ??= this.load(now).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(now: number): Promise<Snapshot> {
    const rows: TrustedNetwork[] = await this.knex('trusted_networks').select('account_id', 'cidr');
    const entries = rows.flatMap((row) => {
      const parsed = parseCidr(row.cidr);
      return parsed.ok ? [{ cidr: parsed.cidr, accountId: row.account_id }] : [];
    });
    entries.sort((a, b) => b.cidr.prefix - a.cidr.prefix);
    this.snapshot = { loadedAt: now, entries };
    return this.snapshot;
  }
}

function overlaps(stored: string, cidr: Cidr): boolean {
  const parsed = parseCidr(stored);
  return parsed.ok && cidrsOverlap(parsed.cidr, cidr);
}
