import type { Knex } from 'knex';

// One-click unsubscribe (RFC 8058). A message that asks for it is stored unsigned and shared;
// what differs per recipient (its List-Unsubscribe URL and the DKIM signature over it) is a
// short header prefix on the recipient row, put in front of the shared bytes at delivery.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    // JSON array of tag names whose messages carry unsubscribe headers unless a send says otherwise.
    t.text('non_transactional_tags');
  });
  await knex.schema.alterTable('recipients', (t) => {
    t.text('header_prefix');
    // Set by the first unsubscribe through this recipient's link: later ones change nothing.
    t.bigInteger('unsubscribed_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recipients', (t) => {
    t.dropColumn('header_prefix');
    t.dropColumn('unsubscribed_at');
  });
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('non_transactional_tags');
  });
}
