import type { Knex } from 'knex';

// Webhook endpoints per account, one delivery row per (endpoint, event) and the history of
// every attempt. Deliveries are created off the hot path: a dispatcher walks each
// endpoint's events after its cursor (the last event id it has fanned out).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.string('id', 40).primary();
    t.string('account_id', 40).notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('url', 2000).notNullable();
    // JSON array of public event types, or null for all.
    t.text('event_types');
    // Encrypted with the keyring: it must be read back to sign.
    t.text('secret').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.string('disabled_reason', 500);
    t.bigInteger('disabled_at');
    t.string('cursor', 40).notNullable();
    t.bigInteger('last_success_at');
    t.bigInteger('failing_since');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['account_id']);
  });

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.string('id', 40).primary();
    t.string('endpoint_id', 40).notNullable().references('webhook_endpoints.id').onDelete('CASCADE');
    t.string('event_id', 40).notNullable();
    t.string('event_type', 32).notNullable();
    // pending | sending | succeeded | failed
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.string('lease_owner', 64);
    t.bigInteger('lease_expires_at');
    t.integer('last_status_code');
    t.string('last_error', 500);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['endpoint_id', 'event_id']);
    t.index(['status', 'next_attempt_at']);
  });

  await knex.schema.createTable('webhook_attempts', (t) => {
    t.string('id', 40).primary();
    t.string('delivery_id', 40).notNullable().references('webhook_deliveries.id').onDelete('CASCADE');
    t.string('endpoint_id', 40).notNullable();
    t.boolean('ok').notNullable();
    t.integer('status_code');
    t.string('error', 500);
    t.string('response_excerpt', 1024);
    t.integer('duration_ms').notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['endpoint_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_attempts');
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.dropTable('webhook_endpoints');
}
