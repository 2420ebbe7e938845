import type { Knex } from 'knex';

// When a message's body was purged (retention or an erasure request): the row stays, its
// `raw` is emptied, and delivery never needs it again because all its recipients are final.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('messages', (t) => {
    t.bigInteger('raw_purged_at');
    // An erasure request found the body still needed (other recipients pending): purged once they are final.
    t.boolean('purge_pending').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('messages', (t) => {
    t.dropColumn('raw_purged_at');
    t.dropColumn('purge_pending');
  });
}
