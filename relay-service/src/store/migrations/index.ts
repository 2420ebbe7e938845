import type { Knex } from 'knex';
import * as core from './20261129_001_core.ts';
import * as trustedNetworks from './20261129_002_trusted_networks.ts';
import * as domainAuthentication from './20261129_003_domain_authentication.ts';
import * as suppressions from './20261129_004_suppressions.ts';
import * as bounces from './20261129_005_bounces.ts';
import * as unsubscribe from './20261129_006_unsubscribe.ts';
import * as webhooks from './20261129_007_webhooks.ts';
import * as retention from './20261129_008_retention.ts';
import * as tracking from './20261129_009_tracking.ts';
import * as trackingHost from './20261129_010_tracking_host.ts';
import * as templates from './20261129_011_templates.ts';
import * as sendingLimits from './20261129_012_sending_limits.ts';
import * as credentialNetworks from './20261129_013_credential_networks.ts';
import * as bindAddress from './20261129_014_bind_address.ts';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// Listed in code rather than read from a folder, so migrations work the same from source,
// from a bundle and from any working directory. Append new ones; never edit an old one.
const MIGRATIONS: Record<string, Migration> = {
  '20261129_001_core': core,
  '20261129_002_trusted_networks': trustedNetworks,
  '20261129_003_domain_authentication': domainAuthentication,
  '20261129_004_suppressions': suppressions,
  '20261129_005_bounces': bounces,
  '20261129_006_unsubscribe': unsubscribe,
  '20261129_007_webhooks': webhooks,
  '20261129_008_retention': retention,
  '20261129_009_tracking': tracking,
  '20261129_010_tracking_host': trackingHost,
  '20261129_011_templates': templates,
  '20261129_012_sending_limits': sendingLimits,
  '20261129_013_credential_networks': credentialNetworks,
  '20261129_014_bind_address': bindAddress,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name]!,
};
