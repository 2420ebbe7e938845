import type { Knex } from 'knex';

// What domain verification needs: the return-path label chosen for the domain, the result
// of the last live DNS check, and per DKIM key when its record was last seen published.
// A key generated with the domain starts inactive (active = false) and signs only once its
// record has been seen, so the relay never signs with a key receivers cannot find.
export async function up(knex: Knex): Promise<void> {
  // Sandbox accounts may send from domains that are not verified yet (development); every
  // answer to their sends says so.
  await knex.schema.alterTable('accounts', (t) => {
    t.boolean('sandbox').notNullable().defaultTo(false);
  });
  await knex.schema.alterTable('domains', (t) => {
    t.string('return_path', 63);
    // Optional address for DMARC aggregate reports, put in the suggested DMARC record.
    t.string('dmarc_rua', 320);
    t.bigInteger('verified_at');
    t.bigInteger('last_checked_at');
    t.text('check_result');
  });
  // The envelope sender the relay delivers with: a VERP address on the From domain's return
  // path (domains/verp.ts) once that domain is verified; null = the client's MAIL FROM.
  await knex.schema.alterTable('messages', (t) => {
    t.string('envelope_from', 320);
    // The From domain (A-label), so a domain's queued mail can be found when it is deleted.
    t.string('from_domain', 253);
    t.index(['account_id', 'from_domain']);
  });
  await knex.schema.alterTable('dkim_keys', (t) => {
    t.bigInteger('verified_at');
    // Set when another key took over signing (rotation); its DNS record stays published for
    // the retirement grace period, for messages signed with it that are still in transit.
    t.bigInteger('retired_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('sandbox');
  });
  await knex.schema.alterTable('messages', (t) => {
    t.dropIndex(['account_id', 'from_domain']);
    t.dropColumn('from_domain');
    t.dropColumn('envelope_from');
  });
  await knex.schema.alterTable('dkim_keys', (t) => {
    t.dropColumn('retired_at');
    t.dropColumn('verified_at');
  });
  await knex.schema.alterTable('domains', (t) => {
    t.dropColumn('check_result');
    t.dropColumn('last_checked_at');
    t.dropColumn('verified_at');
    t.dropColumn('dmarc_rua');
    t.dropColumn('return_path');
  });
}
