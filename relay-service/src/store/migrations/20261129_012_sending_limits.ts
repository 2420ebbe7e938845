import type { Knex } from 'knex';

// Per-account sending limits: messages a minute and messages a UTC day (null: unlimited).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.integer('rate_per_minute');
    t.integer('daily_quota');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('rate_per_minute');
    t.dropColumn('daily_quota');
  });
}
