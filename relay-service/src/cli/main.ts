import { parseArgs } from 'node:util';
import { Tags, formatZodError } from '@relaypress/shared-types';
import { loadConfig, configurationTable, type RelayConfig } from '../config/load.ts';
import { domainServiceFromConfig } from '../domains/service.ts';
import { RelayError } from '../errors.ts';
import { openDatabase, migrateToLatest } from '../store/db.ts';
import { createStore, type Store } from '../store/index.ts';
import { createKeyring, loadOrCreateSecretKey } from '../auth/keyring.ts';
import { rotateAdminToken } from '../auth/admin-token.ts';
import { normalizeDomainName } from '../domains/names.ts';
import { defaultSelector, generateDkimKeyPair, dkimDnsRecord } from '../dkim/keys.ts';
import { QUEUE_USAGE, QueueUsageError, queueCommand } from './queue-commands.ts';
import { parseAllowlist } from '../net/allowlist.ts';
import { bootstrap } from './bootstrap.ts';

const USAGE = `Usage: relaypress-relay [command] [options]

Commands:
  start                                   Run the relay (default)
  migrate                                 Bring the database schema up to date
  config                                  Print every setting (environment variables)
  account create --name NAME [--sandbox]  Create an account (tenant); a sandbox may send from unverified domains
  account list
  account update --account ID --non-transactional-tags TAG,TAG
                                          Messages with any of these tags get one-click unsubscribe
                                          headers unless the send says otherwise ('' clears the list)
  token create --account ID [--name N] [--allow-from NET,NET]
                                          Create an API token (shown once), usable only from NET if given
  token list --account ID
  token revoke --account ID --id TOKEN_ID
  smtp-user create --account ID [--username U] [--allow-from NET,NET]
                                          Create SMTP credentials (password shown once), usable only from NET if given
  smtp-user list --account ID
  smtp-user revoke --account ID --id USER_ID
  trusted-network add --account ID --cidr NET [--note TEXT]
                                          SMTP clients in NET are this account without AUTH
  trusted-network list --account ID
  trusted-network remove --account ID --id NETWORK_ID
  domain add --account ID --domain NAME [--return-path LABEL]
                                          Add a sending domain with pending DKIM keys; prints its DNS records
  domain list --account ID
  domain verify --account ID --id DOMAIN_ID
                                          Check the domain's records live (RELAY_DNS_SERVERS)
  dkim generate --account ID --domain NAME [--selector S] [--algorithm rsa|ed25519]
                                          Generate and activate a DKIM key; prints the DNS record
  admin-token rotate                      Replace the admin API token (shown once)
  bootstrap --name NAME --domain D --token-file PATH [--sandbox]
                                          First account, domain and API token of a fresh install; the
                                          token goes to PATH (does nothing when PATH holds one already)
${QUEUE_USAGE}

Settings come from environment variables (and a .env file); see 'relaypress-relay config'.`;

class UsageError extends Error {}

// Commands that take options straight away (`bootstrap --name …`), not a subcommand first.
const COMMANDS_WITHOUT_SUB = ['start', 'migrate', 'config', 'bootstrap'];

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

async function withStore<T>(fn: (store: Store, config: RelayConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    const { key } = loadOrCreateSecretKey(config.secretKey, config.dataDir);
    return await fn(createStore(db, createKeyring(key)), config);
  } finally {
    await db.close();
  }
}

/** A refusal of the domain service, told the way the CLI tells mistakes. */
async function asUsage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof RelayError) throw new UsageError(err.message);
    throw err;
  }
}

/** `--allow-from NET,NET`: the networks a new credential may be used from. */
function allowFrom(v: Record<string, string | boolean | undefined>): string[] | null {
  if (typeof v['allow-from'] !== 'string') return null;
  const parsed = parseAllowlist(v['allow-from'].split(',').map((n) => n.trim()).filter(Boolean));
  if (!parsed.ok) throw new UsageError(`--allow-from: ${parsed.message}`);
  return parsed.networks;
}

async function requireAccount(store: Store, id: string): Promise<void> {
  if (!(await store.accounts.get(id))) throw new UsageError(`no account ${id}`);
}

export async function main(argv: string[]): Promise<number> {
  const [command = 'start', sub, ...rest] = argv;
  const parsed = parseArgs({
    args: COMMANDS_WITHOUT_SUB.includes(command) ? argv.slice(1) : rest,
    options: {
      name: { type: 'string' }, account: { type: 'string' }, id: { type: 'string' }, username: { type: 'string' },
      domain: { type: 'string' }, selector: { type: 'string' }, cidr: { type: 'string' }, note: { type: 'string' }, 'return-path': { type: 'string' }, algorithm: { type: 'string' }, help: { type: 'boolean', short: 'h' }, sandbox: { type: 'boolean' },
      'non-transactional-tags': { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, all: { type: 'boolean' }, 'allow-from': { type: 'string' }, 'token-file': { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  });
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (command === 'help' || command === '--help' || command === '-h' || v.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    return await dispatch(command, sub, v);
  } catch (err) {
    if (err instanceof UsageError || err instanceof QueueUsageError) {
      console.error(`relaypress-relay: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

async function dispatch(command: string, sub: string | undefined, v: Record<string, string | boolean | undefined>): Promise<number> {
  {
    switch (`${command}${COMMANDS_WITHOUT_SUB.includes(command) ? '' : ` ${sub ?? ''}`}`) {
      case 'start': {
        // Loaded only here: the provisioning commands need none of the servers.
        const { startRelay } = await import('../relay.ts');
        const relay = await startRelay(loadConfig());
        const stop = (signal: string) => {
          relay.logger.info({ event: 'relay.signal', signal }, 'shutting down');
          relay.stop().then(() => process.exit(0), () => process.exit(1));
        };
        // A renewed certificate is picked up without dropping a connection (as nginx or Postfix reload).
        process.on('SIGHUP', () => {
          relay.logger.info({ event: 'relay.signal', signal: 'SIGHUP' }, 'reloading the TLS certificate');
          void relay.reloadTls();
        });
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
        return await new Promise<number>(() => {});
      }
      case 'migrate':
        await withStore(async () => undefined);
        console.log('database schema is up to date');
        return 0;
      case 'config':
        console.log(configurationTable());
        return 0;
      case 'account create':
        return withStore(async (s) => (print(await s.accounts.create(required(v, 'name'), Date.now(), { sandbox: v.sandbox === true })), 0));
      case 'account list':
        return withStore(async (s) => (print(await s.accounts.list()), 0));
      case 'account update':
        return withStore(async (s) => {
          const account = required(v, 'account');
          const given = v['non-transactional-tags'];
          if (typeof given !== 'string') throw new UsageError('--non-transactional-tags is required');
          const tags = Tags.safeParse(given.split(',').map((t) => t.trim()).filter(Boolean));
          if (!tags.success) throw new UsageError(`--non-transactional-tags ${formatZodError(tags.error).message}`);
          if (!(await s.accounts.setNonTransactionalTags(account, tags.data))) throw new UsageError(`no account ${account}`);
          print(await s.accounts.get(account));
          return 0;
        });
      case 'token create':
        return withStore(async (s) => {
          const account = required(v, 'account');
          await requireAccount(s, account);
          print(await s.apiTokens.create(account, (v.name as string | undefined) ?? 'cli', Date.now(), allowFrom(v)));
          return 0;
        });
      case 'token list':
        return withStore(async (s) => (print(await s.apiTokens.list(required(v, 'account'))), 0));
      case 'token revoke':
        return withStore(async (s) => {
          const ok = await s.apiTokens.revoke(required(v, 'account'), required(v, 'id'));
          if (!ok) throw new UsageError('no such live token for this account');
          print({ revoked: true });
          return 0;
        });
      case 'smtp-user create':
        return withStore(async (s) => {
          const account = required(v, 'account');
          await requireAccount(s, account);
          const username = v.username as string | undefined;
          if (username !== undefined && (await s.smtpUsers.usernameTaken(username))) throw new UsageError(`username ${username} is taken`);
          print(await s.smtpUsers.create(account, username, Date.now(), allowFrom(v)));
          return 0;
        });
      case 'smtp-user list':
        return withStore(async (s) => (print(await s.smtpUsers.list(required(v, 'account'))), 0));
      case 'smtp-user revoke':
        return withStore(async (s) => {
          if (!(await s.smtpUsers.revoke(required(v, 'account'), required(v, 'id')))) throw new UsageError('no such live SMTP user for this account');
          print({ revoked: true });
          return 0;
        });
      case 'trusted-network add':
        return withStore(async (s) => {
          const account = required(v, 'account');
          await requireAccount(s, account);
          const result = await s.trustedNetworks.add(account, required(v, 'cidr'), (v.note as string | undefined) ?? null);
          if (!result.ok) throw new UsageError(result.message);
          print(result.network);
          return 0;
        });
      case 'trusted-network list':
        return withStore(async (s) => (print(await s.trustedNetworks.list(required(v, 'account'))), 0));
      case 'trusted-network remove':
        return withStore(async (s) => {
          if (!(await s.trustedNetworks.remove(required(v, 'account'), required(v, 'id')))) throw new UsageError('no such trusted network for this account');
          print({ removed: true });
          return 0;
        });
      case 'domain add':
        return withStore(async (s, config) => {
          const account = required(v, 'account');
          await requireAccount(s, account);
          const created = await asUsage(domainServiceFromConfig(s, config).create(account, { domain: required(v, 'domain'), returnPath: v['return-path'] as string | undefined }));
          print(created.domain);
          return 0;
        });
      case 'domain list':
        return withStore(async (s, config) => (print(await domainServiceFromConfig(s, config).list(required(v, 'account'))), 0));
      case 'domain verify':
        return withStore(async (s, config) => {
          print(await asUsage(domainServiceFromConfig(s, config).verify(required(v, 'account'), required(v, 'id'))));
          return 0;
        });
      case 'dkim generate':
        return withStore(async (s) => {
          const account = required(v, 'account');
          const name = normalizeDomainName(required(v, 'domain'));
          if (!name.ok) throw new UsageError(name.message);
          const domain = await s.domains.findForAccount(account, name.value);
          if (!domain) throw new UsageError(`domain ${name.value} is not on this account (add it first)`);
          const algorithm = ((v.algorithm as string | undefined) ?? 'rsa') as 'rsa' | 'ed25519';
          if (algorithm !== 'rsa' && algorithm !== 'ed25519') throw new UsageError('--algorithm must be rsa or ed25519');
          const key = generateDkimKeyPair(algorithm);
          const selector = (v.selector as string | undefined) ?? defaultSelector(algorithm);
          await s.domains.setDkimKey(domain.id, { selector, algorithm, privateKeyPem: key.privateKeyPem, publicKey: key.publicKey });
          print({ domain: domain.name, selector, algorithm, dns_record: dkimDnsRecord(domain.name, selector, algorithm, key.publicKey) });
          return 0;
        });
      case 'admin-token rotate':
        return withStore(async (s) => {
          console.log(await rotateAdminToken(s.db.knex));
          return 0;
        });
      case 'bootstrap':
        return withStore(async (s, config) => {
          print(await asUsage(bootstrap(s, config, { name: required(v, 'name'), domain: required(v, 'domain'), tokenFile: required(v, 'token-file'), sandbox: v.sandbox === true })));
          return 0;
        });
      case 'queue list':
      case 'queue show':
      case 'queue retry':
      case 'queue delete':
        return withStore((s) => queueCommand(s, sub!, v, print));
      default:
        throw new UsageError(`unknown command "${[command, sub].filter(Boolean).join(' ')}"`);
    }
  }
}
