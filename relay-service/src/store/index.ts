import type { Database } from './db.ts';
import type { Keyring } from '../auth/keyring.ts';
import { AccountRepository } from './accounts.ts';
import { ApiTokenRepository } from './api-tokens.ts';
import { SmtpUserRepository } from './smtp-users.ts';
import { DomainRepository } from './domains.ts';
import { MessageRepository } from './messages.ts';
import { QueueRepository } from './queue.ts';
import { TrustedNetworkRepository } from './trusted-networks.ts';
import { SuppressionRepository } from './suppressions.ts';
import { BounceRepository } from './bounces.ts';
import { WebhookRepository } from './webhooks.ts';
import { RetentionRepository } from './retention.ts';
import { AnalyticsRepository } from './analytics.ts';
import { TrackingRepository } from './tracking.ts';
import { TemplateRepository } from './templates.ts';
import { QueueAdminRepository } from './queue-admin.ts';
import { UnsubscribeRepository } from './unsubscribes.ts';
import { createWriteBatcher, type WriteBatcher } from './write-batcher.ts';
import { createHotWrites, type HotWrites } from './hot-writes/index.ts';

/** Every repository over one database: the only way the rest of the relay reaches knex. */
export interface Store {
  db: Database;
  accounts: AccountRepository;
  apiTokens: ApiTokenRepository;
  smtpUsers: SmtpUserRepository;
  domains: DomainRepository;
  messages: MessageRepository;
  queue: QueueRepository;
  trustedNetworks: TrustedNetworkRepository;
  suppressions: SuppressionRepository;
  bounces: BounceRepository;
  webhooks: WebhookRepository;
  retention: RetentionRepository;
  analytics: AnalyticsRepository;
  tracking: TrackingRepository;
  templates: TemplateRepository;
  queueAdmin: QueueAdminRepository;
  unsubscribes: UnsubscribeRepository;
  /** Group commit for writes that must share transactions and the WAL fsync. */
  writes: WriteBatcher;
  /** The per-message writes (accept, claim, attempt), on the group commit. */
  hotWrites: HotWrites;
}

export function createStore(db: Database, keyring: Keyring): Store {
  const writes = createWriteBatcher(db.knex, { sync: () => db.sync() });
  const hotWrites = createHotWrites(db.dialect, writes);
  const suppressions = new SuppressionRepository(db.knex);
  return {
    writes,
    hotWrites,
    db,
    accounts: new AccountRepository(db.knex),
    apiTokens: new ApiTokenRepository(db.knex),
    smtpUsers: new SmtpUserRepository(db.knex),
    domains: new DomainRepository(db.knex, keyring),
    messages: new MessageRepository(db.knex),
    queue: new QueueRepository(db.knex, db.dialect, hotWrites),
    trustedNetworks: new TrustedNetworkRepository(db.knex),
    suppressions,
    bounces: new BounceRepository(db.knex, suppressions),
    webhooks: new WebhookRepository(db.knex, keyring, db.dialect),
    retention: new RetentionRepository(db.knex),
    analytics: new AnalyticsRepository(db.knex, db.dialect),
    tracking: new TrackingRepository(db.knex),
    templates: new TemplateRepository(db.knex),
    queueAdmin: new QueueAdminRepository(db.knex),
    unsubscribes: new UnsubscribeRepository(db.knex, suppressions),
  };
}
