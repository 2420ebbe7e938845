import type { Knex } from 'knex';

// A domain's own host for tracked links (`track.shop.example`, a CNAME of the relay's
// public host): links in its mail then name the sender's domain, not the relay's.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('domains', (t) => {
    t.string('tracking_host', 253).unique();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('domains', (t) => {
    t.dropColumn('tracking_host');
  });
}
