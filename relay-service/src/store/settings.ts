import type { Knex } from 'knex';

/** Small key/value facts the relay keeps about itself (e.g. the admin token hash). */
export async function getSetting(knex: Knex, key: string): Promise<string | undefined> {
  const row = await knex('relay_settings').where({ key }).first('value');
  return row?.value;
}

export async function setSetting(knex: Knex, key: string, value: string): Promise<void> {
  await knex('relay_settings').insert({ key, value }).onConflict('key').merge();
}

/** Inserts only when absent; true if this call wrote it (first instance wins). */
export async function setSettingIfAbsent(knex: Knex, key: string, value: string): Promise<boolean> {
  const rows = await knex('relay_settings').insert({ key, value }).onConflict('key').ignore().returning('key');
  return rows.length > 0;
}
