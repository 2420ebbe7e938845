import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/load.ts';
import { startRelay, type RunningRelay } from '../../src/relay.ts';

export const ADMIN_TOKEN = 'rpa_test-admin-token-with-enough-entropy-0123456789';

export interface TestRelay {
  relay: RunningRelay;
  baseUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The whole relay in this process on loopback with every port chosen by the OS: SQLite in a
 * temp folder unless RELAY_DATABASE_URL is given. `env` overrides any setting, e.g. routes to
 * a sink or DNS servers of a test DNS server.
 */
export async function startTestRelay(env: Record<string, string> = {}): Promise<TestRelay> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relaypress-relay-'));
  const config = loadConfig({
    RELAY_DATA_DIR: dataDir,
    RELAY_HTTP_HOST: '127.0.0.1',
    RELAY_HTTP_PORT: '0',
    RELAY_SMTP_HOST: '127.0.0.1',
    RELAY_SUBMISSION_PORT: '0',
    RELAY_SMTPS_PORT: '0',
    RELAY_INBOUND_PORT: '',
    RELAY_HOSTNAME: 'relay.test',
    RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
    RELAY_LOG_LEVEL: 'silent',
    // Never the machine's resolvers: a test that forgets a route fails instead of leaving loopback.
    RELAY_DNS_SERVERS: '127.0.0.1:1',
    ...env,
  }, { readDotEnv: false });
  const relay = await startRelay(config, { logger: pino({ level: process.env.RELAY_TEST_LOG_LEVEL ?? 'silent' }) });
  return {
    relay,
    baseUrl: `http://127.0.0.1:${relay.ports.http}`,
    dataDir,
    async close() {
      await relay.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(baseUrl: string, method: string, pathname: string, options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(baseUrl + pathname, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch { /* not JSON: keep the text */ }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export interface ProvisionedAccount {
  accountId: string;
  token: string;
  smtpUser: { username: string; password: string };
  dkim: { selector: string; algorithm: string; dns_record: { name: string; type: string; value: string } }[];
}

/**
 * An account with an API token, SMTP credentials, a sending domain and its DKIM keys; with
 * `domain` null, no domain (and no keys): the test adds one through the API, as a user would.
 */
export async function provisionAccount(baseUrl: string, domain: string | null, options: { dkim?: ('rsa' | 'ed25519')[]; sandbox?: boolean } = {}): Promise<ProvisionedAccount> {
  const admin = { token: ADMIN_TOKEN };
  const must = <T>(r: ApiResponse<T>, status: number, what: string): T => {
    if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  // A sandbox account: its domain is never verified against real DNS in these tests.
  const account = must(await api(baseUrl, 'POST', '/admin/accounts', { ...admin, body: { name: `Account for ${domain ?? 'a domain added later'}`, sandbox: options.sandbox ?? true } }), 201, 'create account');
  const token = must(await api(baseUrl, 'POST', `/admin/accounts/${account.id}/tokens`, { ...admin, body: { name: 'test' } }), 201, 'create token');
  const smtp = must(await api(baseUrl, 'POST', `/admin/accounts/${account.id}/smtp-users`, { ...admin, body: {} }), 201, 'create smtp user');
  const dkim: ProvisionedAccount['dkim'] = [];
  if (domain === null) return { accountId: account.id, token: token.token, smtpUser: { username: smtp.username, password: smtp.password }, dkim };
  must(await api(baseUrl, 'POST', `/admin/accounts/${account.id}/domains`, { ...admin, body: { domain } }), 201, 'add domain');
  for (const algorithm of options.dkim ?? ['rsa']) {
    const selector = algorithm === 'rsa' ? 'rsa1' : 'ed1';
    dkim.push(must(await api(baseUrl, 'PUT', `/admin/accounts/${account.id}/dkim`, { ...admin, body: { domain, selector, algorithm } }), 200, 'set dkim'));
  }
  return { accountId: account.id, token: token.token, smtpUser: { username: smtp.username, password: smtp.password }, dkim };
}
