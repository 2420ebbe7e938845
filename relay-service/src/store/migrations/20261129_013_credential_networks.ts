import type { Knex } from 'knex';

// Where a credential may be used from: a JSON list of CIDRs, or null for anywhere. A stolen
// token or SMTP password is then useless outside the site's own servers.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_tokens', (t) => {
    t.text('allowed_networks');
  });
  await knex.schema.alterTable('smtp_users', (t) => {
    t.text('allowed_networks');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_tokens', (t) => {
    t.dropColumn('allowed_networks');
  });
  await knex.schema.alterTable('smtp_users', (t) => {
    t.dropColumn('allowed_networks');
  });
}
