import type { Knex } from 'knex';
import { newSecret } from '../ids.ts';
import { getSetting, setSettingIfAbsent, setSetting } from '../store/settings.ts';
import { hashToken, safeEqual } from './secrets.ts';

const SETTING = 'admin_token_sha256';

export interface AdminTokenCheck {
  verify(token: string): boolean;
  /** Set only on the start that generated the token: the one time it can be shown. */
  generated?: string;
}

/**
 * The operator's admin token: RELAY_ADMIN_TOKEN when set; otherwise one generated on first
 * start, stored only as a hash in the database (so every instance sharing the database
 * accepts it) and printed once.
 */
export async function resolveAdminToken(knex: Knex, configured: string | undefined): Promise<AdminTokenCheck> {
  if (configured) return { verify: (token) => safeEqual(token, configured) };
  let stored = await getSetting(knex, SETTING);
  let generated: string | undefined;
  if (!stored) {
    const candidate = `rpa_${newSecret(32)}`;
    if (await setSettingIfAbsent(knex, SETTING, hashToken(candidate))) generated = candidate;
    stored = (await getSetting(knex, SETTING))!;
  }
  const hash = stored;
  return { verify: (token) => safeEqual(hashToken(token), hash), ...(generated ? { generated } : {}) };
}

/** Replaces the stored admin token (CLI `admin-token rotate`); returns the new clear token. */
export async function rotateAdminToken(knex: Knex): Promise<string> {
  const token = `rpa_${newSecret(32)}`;
  await setSetting(knex, SETTING, hashToken(token));
  return token;
}
