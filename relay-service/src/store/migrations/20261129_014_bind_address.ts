import type { Knex } from 'knex';

// The source address an account's mail leaves from, on hosts with several (one of
// RELAY_BIND_ADDRESSES); null: the operating system's default route.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.string('bind_address', 64);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('bind_address');
  });
}
