import type { Knex } from 'knex';

// Per-account tracking defaults: a send that does not say otherwise tracks opens and/or clicks.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.boolean('track_opens').notNullable().defaultTo(false);
    t.boolean('track_clicks').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('track_opens');
    t.dropColumn('track_clicks');
  });
}
