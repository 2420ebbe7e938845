import type { Knex } from 'knex';

// Templates per account, each a list of versions; sending uses the active one, older ones
// stay readable (and can be made active again).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('templates', (t) => {
    t.string('id', 40).primary();
    t.string('account_id', 40).notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.integer('active_version').notNullable();
    // Data for previews (JSON), e.g. a starter template's sample order.
    t.text('sample_data');
    // A starter template's key (`new_order`) when installed from one.
    t.string('starter', 64);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['account_id', 'name']);
  });
  await knex.schema.createTable('template_versions', (t) => {
    t.string('id', 40).primary();
    t.string('template_id', 40).notNullable().references('templates.id').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.text('subject').notNullable();
    t.text('html').notNullable();
    t.text('text');
    t.bigInteger('created_at').notNullable();
    t.unique(['template_id', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('template_versions');
  await knex.schema.dropTable('templates');
}
