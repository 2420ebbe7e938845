import { existsSync } from 'node:fs';
import path from 'node:path';
import { SETTINGS, type SettingKey, type SettingSpec } from './schema.ts';
import { parseBool, parseDuration, parseInteger, parseList, parsePort, parseSize } from './parse.ts';
import { parseDomainRates } from '../delivery/domain-throttle.ts';
import { isIP } from 'node:net';

/** `ip=helo-name` pairs of RELAY_BIND_ADDRESSES. */
export function parseBindAddresses(entries: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    const [ip, name] = entry.split('=').map((p) => p.trim());
    if (!ip || !isIP(ip) || !name || !/^[a-z0-9.-]+$/i.test(name)) throw new Error(`"${entry}" is not ip=helo-name (e.g. 203.0.113.5=mail1.example.net)`);
    map.set(ip, name.toLowerCase());
  }
  return map;
}

export interface RelayConfig {
  dataDir: string;
  databaseUrl: string;
  httpHost: string;
  httpPort: number;
  smtpHost: string;
  submissionPort: number | null;
  smtpsPort: number | null;
  inboundPort: number | null;
  inboundMaxMessageSize: number;
  inboundRateLimit: number;
  inboundMaxConnectionsPerIp: number;
  feedbackAddress: string | undefined;
  softBounceLimit: number;
  softBounceWindow: number;
  hostname: string;
  inboundHost: string | undefined;
  returnPathSubdomain: string;
  dkimRetireGrace: number;
  domainRecheckInterval: number;
  sendingIps: string[];
  spfInclude: string | undefined;
  publicUrl: string;
  webhookAllowPrivateNetworks: boolean;
  webhookRetrySchedule: number[];
  webhookMaxAge: number;
  webhookTimeout: number;
  trackingStoreIp: boolean;
  bodyRetention: number;
  eventRetention: number;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  adminToken: string | undefined;
  secretKey: string | undefined;
  dnsServers: string[];
  mxPort: number;
  routes: string[];
  retrySchedule: number[];
  maxQueueAge: number;
  maxMessageSize: number;
  maxRecipients: number;
  deliveryConcurrency: number;
  maxConnectionsPerHost: number;
  bindAddresses: string[];
  domainRates: string[];
  domainRateDefault: number | undefined;
  leaseDuration: number;
  logLevel: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function convert(spec: SettingSpec, raw: string): unknown {
  switch (spec.type) {
    case 'string': return raw;
    case 'port': return parsePort(raw);
    case 'int': return parseInteger(raw);
    case 'bool': return parseBool(raw);
    case 'list': return parseList(raw);
    case 'duration': return parseDuration(raw);
    case 'duration-list': return parseList(raw).map(parseDuration);
    case 'size': return parseSize(raw);
  }
}

/** Links are built as `${publicUrl}/unsubscribe/…`: a base with a query or fragment would break them. */
function checkPublicUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${value}" must start with https:// (or http:// for development)`;
  if (url.search || url.hash || url.username || url.password) return `"${value}" must be a base URL without credentials, query or fragment`;
  return undefined;
}

/**
 * Reads every setting from `env` (process.env by default; a `.env` file in the working
 * folder is loaded first without overriding real variables) and validates it. All problems
 * are reported together, each naming its variable, so an operator fixes them in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { readDotEnv?: boolean } = {}): RelayConfig {
  if (options.readDotEnv !== false && env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as [SettingKey, SettingSpec][]) {
    const raw = env[spec.env] ?? spec.default;
    if (raw === undefined) {
      values[key] = spec.type === 'list' || spec.type === 'duration-list' ? [] : undefined;
      continue;
    }
    try {
      values[key] = convert(spec, raw);
    } catch (err) {
      problems.push(`${spec.env}: ${(err as Error).message}`);
    }
  }
  if (values.logLevel !== undefined && !LOG_LEVELS.includes(values.logLevel as string)) {
    problems.push(`${SETTINGS.logLevel.env}: "${values.logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  if ((values.retrySchedule as number[] | undefined)?.length === 0) problems.push(`${SETTINGS.retrySchedule.env}: needs at least one delay`);
  if (Boolean(values.tlsCertFile) !== Boolean(values.tlsKeyFile)) {
    problems.push(`${SETTINGS.tlsCertFile.env} and ${SETTINGS.tlsKeyFile.env} must be set together`);
  }
  const publicUrlProblem = checkPublicUrl(values.publicUrl as string | undefined);
  if (publicUrlProblem) problems.push(`${SETTINGS.publicUrl.env}: ${publicUrlProblem}`);
  if (values.httpPort === null) problems.push(`${SETTINGS.httpPort.env}: the HTTP API cannot be disabled`);
  try {
    parseBindAddresses((values.bindAddresses as string[] | undefined) ?? []);
  } catch (err) {
    problems.push(`${SETTINGS.bindAddresses.env}: ${(err as Error).message}`);
  }
  try {
    parseDomainRates((values.domainRates as string[] | undefined) ?? []);
  } catch (err) {
    problems.push(`${SETTINGS.domainRates.env}: ${(err as Error).message}`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);

  const dataDir = path.resolve(values.dataDir as string);
  const databaseUrl = (values.databaseUrl as string | undefined) ?? `sqlite://${path.join(dataDir, 'relay.db')}`;
  return { ...(values as unknown as RelayConfig), dataDir, databaseUrl };
}

/** Markdown table of every setting, for docs/configuration.md and the README. */
export function configurationTable(): string {
  const rows = Object.values(SETTINGS as Record<string, SettingSpec>).map(
    (s) => `| \`${s.env}\` | ${s.type} | ${s.default === undefined ? '—' : `\`${s.default}\``} | ${s.description} |`,
  );
  return ['| Variable | Type | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
