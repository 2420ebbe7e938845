import type { Knex } from 'knex';

// Timestamps are integer milliseconds since the epoch (bigint): identical on SQLite and
// PostgreSQL, sortable, and free of time-zone conversions in either driver.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (t) => {
    t.string('id', 40).primary();
    t.string('name', 200).notNullable();
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('api_tokens', (t) => {
    t.string('id', 40).primary();
    t.string('account_id', 40).notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    // sha256 of the token: tokens are 256-bit random, so a fast hash is enough (no KDF needed).
    t.string('token_hash', 64).notNullable().unique();
    t.string('prefix', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at');
    t.bigInteger('revoked_at');
    t.index(['account_id']);
  });

  await knex.schema.createTable('smtp_users', (t) => {
    t.string('id', 40).primary();
    t.string('account_id', 40).notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('username', 200).notNullable().unique();
    t.string('password_hash', 300).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('revoked_at');
    t.index(['account_id']);
  });

  await knex.schema.createTable('domains', (t) => {
    t.string('id', 40).primary();
    t.string('account_id', 40).notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('name', 253).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.index(['account_id']);
  });

  await knex.schema.createTable('dkim_keys', (t) => {
    t.string('id', 40).primary();
    t.string('domain_id', 40).notNullable().references('domains.id').onDelete('CASCADE');
    t.string('selector', 63).notNullable();
    t.string('algorithm', 16).notNullable();
    t.text('private_key').notNullable();
    t.text('public_key').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.bigInteger('created_at').notNullable();
    t.unique(['domain_id', 'selector']);
  });

  await knex.schema.createTable('messages', (t) => {
    t.string('id', 40).primary();
    t.string('account_id', 40).notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('source', 8).notNullable();
    t.string('mail_from', 320).notNullable();
    t.text('from_header');
    t.text('subject');
    t.text('message_id_header');
    t.integer('size').notNullable();
    t.binary('raw').notNullable();
    t.text('tags');
    t.text('metadata');
    t.bigInteger('created_at').notNullable();
    t.index(['account_id', 'id']);
  });

  // One row per envelope recipient: the delivery queue and the recipient's final state.
  await knex.schema.createTable('recipients', (t) => {
    t.string('id', 40).primary();
    t.string('message_id', 40).notNullable().references('messages.id').onDelete('CASCADE');
    t.string('account_id', 40).notNullable();
    t.string('email', 320).notNullable();
    t.string('domain', 253).notNullable();
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.string('lease_owner', 64);
    t.bigInteger('lease_expires_at');
    t.text('last_response');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['message_id']);
    t.index(['account_id', 'email']);
  });

  await knex.schema.createTable('attempts', (t) => {
    t.string('id', 40).primary();
    t.string('recipient_id', 40).notNullable().references('recipients.id').onDelete('CASCADE');
    t.string('message_id', 40).notNullable();
    t.string('outcome', 16).notNullable();
    t.string('category', 64);
    t.text('response');
    t.integer('response_code');
    t.string('enhanced_status', 16);
    t.string('mx_host', 253);
    t.string('mx_ip', 64);
    t.boolean('tls').notNullable().defaultTo(false);
    t.integer('duration_ms').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.index(['recipient_id']);
    t.index(['message_id']);
  });

  await knex.schema.createTable('events', (t) => {
    t.string('id', 40).primary();
    t.string('account_id', 40).notNullable();
    t.string('message_id', 40).notNullable();
    t.string('recipient_id', 40);
    t.string('recipient', 320);
    t.string('type', 32).notNullable();
    t.text('data');
    t.bigInteger('created_at').notNullable();
    t.index(['message_id']);
    t.index(['account_id', 'id']);
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.string('account_id', 40).notNullable();
    t.string('key', 255).notNullable();
    t.string('request_hash', 64).notNullable();
    t.string('message_id', 40).notNullable();
    t.text('response').notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['account_id', 'key']);
  });

  await knex.schema.createTable('relay_settings', (t) => {
    t.string('key', 100).primary();
    t.text('value').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['relay_settings', 'idempotency_keys', 'events', 'attempts', 'recipients', 'messages', 'dkim_keys', 'domains', 'smtp_users', 'api_tokens', 'accounts']) {
    await knex.schema.dropTableIfExists(table);
  }
}
