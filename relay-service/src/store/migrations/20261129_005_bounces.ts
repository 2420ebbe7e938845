import type { Knex } from 'knex';

// Soft bounces per recipient address, to suppress an address that keeps failing
// temporarily (RELAY_SOFT_BOUNCE_LIMIT within RELAY_SOFT_BOUNCE_WINDOW). Rows older than
// the window are deleted when the address bounces again.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('soft_bounces', (t) => {
    t.string('id', 40).primary();
    t.string('account_id', 40).notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('email', 320).notNullable();
    t.string('message_id', 40).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['account_id', 'email', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('soft_bounces');
}
