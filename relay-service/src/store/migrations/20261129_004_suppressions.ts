import type { Knex } from 'knex';

// Addresses (or `*@domain` patterns) an account must not send to, and why. Checked when a
// message is accepted: a suppressed recipient is recorded, never delivered.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('suppressions', (t) => {
    t.string('id', 40).primary();
    t.string('account_id', 40).notNullable().references('accounts.id').onDelete('CASCADE');
    // Lower case: `buyer@example.com` or `*@example.com`.
    t.string('pattern', 320).notNullable();
    t.string('reason', 16).notNullable();
    t.string('note', 500);
    t.bigInteger('created_at').notNullable();
    t.unique(['account_id', 'pattern']);
    t.index(['account_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('suppressions');
}
