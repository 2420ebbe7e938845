import type { Knex } from 'knex';

// Client networks whose SMTP connections are that account's without AUTH (Postfix's
// mynetworks, per tenant). A network belongs to one account; overlaps across accounts are
// refused when adding, so one client address never maps to two accounts.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('trusted_networks', (t) => {
    t.string('id', 40).primary();
    t.string('account_id', 40).notNullable().references('accounts.id').onDelete('CASCADE');
    // Canonical CIDR text (net/cidr.ts), so the same network is always spelled the same.
    t.string('cidr', 64).notNullable().unique();
    t.string('note', 200);
    t.bigInteger('created_at').notNullable();
    t.index(['account_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('trusted_networks');
}
