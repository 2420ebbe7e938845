import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/index.ts';
import type { RelayConfig } from '../config/load.ts';
import { domainServiceFromConfig } from '../domains/service.ts';

/**
 * `relaypress-relay bootstrap`: the first account of a fresh install in one step, for a
 * compose stack or a provisioning script: an account, its sending domain (with the DNS
 * records to publish) and an API token written to a file that the WordPress side reads.
 * Idempotent: with the token file in place it does nothing, so it can run at every start.
 */
export interface BootstrapOptions {
  name: string;
  domain: string;
  tokenFile: string;
  sandbox: boolean;
}

export async function bootstrap(store: Store, config: RelayConfig, options: BootstrapOptions): Promise<{ created: boolean; accountId?: string; records?: unknown }> {
  if (existsSync(options.tokenFile) && readFileSync(options.tokenFile, 'utf8').trim() !== '') return { created: false };
  const account = (await store.accounts.list()).find((a) => a.name === options.name) ?? (await store.accounts.create(options.name, Date.now(), { sandbox: options.sandbox }));
  const domains = domainServiceFromConfig(store, config);
  const domain = (await domains.create(account.id, { domain: options.domain })).domain;
  const token = await store.apiTokens.create(account.id, 'bootstrap');
  mkdirSync(path.dirname(options.tokenFile), { recursive: true });
  // Readable by the WordPress container's user: the volume is shared by these two only.
  writeFileSync(options.tokenFile, `${token.token}\n`, { mode: 0o644 });
  return { created: true, accountId: account.id, records: domain.records };
}
