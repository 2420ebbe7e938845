import { Router, type Request } from 'express';
import type { z } from 'zod';
import {
  CreateAccountRequest, UpdateAccountRequest, CreateSmtpUserRequest, CreateTokenRequest, CreateTrustedNetworkRequest, SetDkimKeyRequest, UpdateCredentialRequest, formatZodError,
} from '@relaypress/shared-types';
import { parseAllowlist } from '../../net/allowlist.ts';
import type { Store } from '../../store/index.ts';
import { RelayError } from '../../errors.ts';
import { normalizeDomainName } from '../../domains/names.ts';
import { dkimDnsRecord, generateDkimKeyPair, importDkimPrivateKey } from '../../dkim/keys.ts';
import { route } from '../async-route.ts';
import { sendError } from '../errors.ts';
import type { DomainService } from '../../domains/service.ts';
import { domainsRouter } from './domains.ts';

import { isoTime as iso } from '../../iso-time.ts';

/** Canonical networks for a credential, or null (anywhere); a bad network is a 400 naming it. */
function allowlist(input: string[] | null | undefined): string[] | null {
  if (input === undefined || input === null) return null;
  const parsed = parseAllowlist(input);
  if (!parsed.ok) throw new RelayError('validation_failed', parsed.message, 'allowed_networks');
  return parsed.networks;
}

function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const parsed = schema.safeParse(req.body ?? {});
  if (!parsed.success) {
    const f = formatZodError(parsed.error);
    throw new RelayError(f.code, f.message, f.field);
  }
  return parsed.data;
}

/**
 * The operator's API (admin token): accounts, their API tokens, SMTP users, trusted client
 * networks, domains and DKIM keys. Secrets (tokens, passwords) appear in a response exactly once, at creation.
 */
export function adminRouter(store: Store, domains: DomainService, bindAddresses: ReadonlyMap<string, string> = new Map()): Router {
  const router = Router();

  async function account(req: Request) {
    const found = await store.accounts.get(String(req.params.accountId));
    if (!found) throw new RelayError('not_found', 'No such account');
    return found;
  }

  router.post('/admin/accounts', route(async (req, res) => {
    const body = parseBody(CreateAccountRequest, req);
    const created = await store.accounts.create(body.name, Date.now(), { sandbox: body.sandbox ?? false });
    res.status(201).json({ ...created, created_at: iso(created.created_at) });
  }));

  router.get('/admin/accounts', route(async (_req, res) => {
    res.json({ data: (await store.accounts.list()).map((a) => ({ ...a, created_at: iso(a.created_at) })) });
  }));

  router.patch('/admin/accounts/:accountId', route(async (req, res) => {
    const a = await account(req);
    const body = parseBody(UpdateAccountRequest, req);
    if (body.sandbox !== undefined) await store.accounts.setSandbox(a.id, body.sandbox);
    if (body.non_transactional_tags !== undefined) await store.accounts.setNonTransactionalTags(a.id, body.non_transactional_tags);
    if (body.track_opens !== undefined || body.track_clicks !== undefined) await store.accounts.setTracking(a.id, { opens: body.track_opens, clicks: body.track_clicks });
    if (body.rate_per_minute !== undefined || body.daily_quota !== undefined) await store.accounts.setSendingLimits(a.id, { ratePerMinute: body.rate_per_minute, dailyQuota: body.daily_quota });
    if (body.bind_address !== undefined) {
      if (body.bind_address !== null && !bindAddresses.has(body.bind_address)) {
        const known = [...bindAddresses.keys()];
        throw new RelayError('validation_failed', known.length ? `bind_address must be one of ${known.join(', ')} (RELAY_BIND_ADDRESSES)` : 'This relay has no RELAY_BIND_ADDRESSES to choose from', 'bind_address');
      }
      await store.accounts.setBindAddress(a.id, body.bind_address);
    }
    const updated = (await store.accounts.get(a.id))!;
    res.json({ ...updated, created_at: iso(updated.created_at) });
  }));

  router.get('/admin/accounts/:accountId', route(async (req, res) => {
    const a = await account(req);
    res.json({ ...a, created_at: iso(a.created_at) });
  }));

  router.post('/admin/accounts/:accountId/tokens', route(async (req, res) => {
    const a = await account(req);
    const body = parseBody(CreateTokenRequest, req);
    const networks = allowlist(body.allowed_networks);
    const created = await store.apiTokens.create(a.id, body.name, Date.now(), networks);
    res.status(201).json({ id: created.id, token: created.token, prefix: created.prefix, name: created.name, allowed_networks: networks, created_at: iso(created.created_at) });
  }));

  router.get('/admin/accounts/:accountId/tokens', route(async (req, res) => {
    const a = await account(req);
    const tokens = await store.apiTokens.list(a.id);
    res.json({ data: tokens.map((t) => ({ ...t, allowed_networks: t.allowed_networks ? JSON.parse(t.allowed_networks) : null, created_at: iso(t.created_at), last_used_at: iso(t.last_used_at), revoked_at: iso(t.revoked_at) })) });
  }));

  router.patch('/admin/accounts/:accountId/tokens/:tokenId', route(async (req, res) => {
    const a = await account(req);
    const networks = allowlist(parseBody(UpdateCredentialRequest, req).allowed_networks);
    if (!(await store.apiTokens.setAllowedNetworks(a.id, String(req.params.tokenId), networks))) return sendError(res, 'not_found', 'No such live token');
    res.json({ id: String(req.params.tokenId), allowed_networks: networks });
  }));

  router.delete('/admin/accounts/:accountId/tokens/:tokenId', route(async (req, res) => {
    const a = await account(req);
    if (!(await store.apiTokens.revoke(a.id, String(req.params.tokenId)))) return sendError(res, 'not_found', 'No such live token');
    res.status(204).end();
  }));

  router.post('/admin/accounts/:accountId/smtp-users', route(async (req, res) => {
    const a = await account(req);
    const body = parseBody(CreateSmtpUserRequest, req);
    if (body.username !== undefined && (await store.smtpUsers.usernameTaken(body.username))) {
      return sendError(res, 'conflict', 'That username is taken', 'username');
    }
    const networks = allowlist(body.allowed_networks);
    const created = await store.smtpUsers.create(a.id, body.username, Date.now(), networks);
    res.status(201).json({ id: created.id, username: created.username, password: created.password, allowed_networks: networks, created_at: iso(created.created_at) });
  }));

  router.get('/admin/accounts/:accountId/smtp-users', route(async (req, res) => {
    const a = await account(req);
    const users = await store.smtpUsers.list(a.id);
    res.json({ data: users.map((u) => ({ ...u, allowed_networks: u.allowed_networks ? JSON.parse(u.allowed_networks) : null, created_at: iso(u.created_at), revoked_at: iso(u.revoked_at) })) });
  }));

  router.patch('/admin/accounts/:accountId/smtp-users/:userId', route(async (req, res) => {
    const a = await account(req);
    const networks = allowlist(parseBody(UpdateCredentialRequest, req).allowed_networks);
    if (!(await store.smtpUsers.setAllowedNetworks(a.id, String(req.params.userId), networks))) return sendError(res, 'not_found', 'No such live SMTP user');
    res.json({ id: String(req.params.userId), allowed_networks: networks });
  }));

  router.delete('/admin/accounts/:accountId/smtp-users/:userId', route(async (req, res) => {
    const a = await account(req);
    if (!(await store.smtpUsers.revoke(a.id, String(req.params.userId)))) return sendError(res, 'not_found', 'No such live SMTP user');
    res.status(204).end();
  }));

  router.post('/admin/accounts/:accountId/trusted-networks', route(async (req, res) => {
    const a = await account(req);
    const body = parseBody(CreateTrustedNetworkRequest, req);
    const result = await store.trustedNetworks.add(a.id, body.cidr, body.note ?? null);
    if (!result.ok) return sendError(res, result.reason === 'invalid' ? 'validation_failed' : 'conflict', result.message, 'cidr');
    const n = result.network;
    res.status(result.created ? 201 : 200).json({ id: n.id, cidr: n.cidr, note: n.note, created_at: iso(n.created_at) });
  }));

  router.get('/admin/accounts/:accountId/trusted-networks', route(async (req, res) => {
    const a = await account(req);
    const networks = await store.trustedNetworks.list(a.id);
    res.json({ data: networks.map((n) => ({ id: n.id, cidr: n.cidr, note: n.note, created_at: iso(n.created_at) })) });
  }));

  router.delete('/admin/accounts/:accountId/trusted-networks/:networkId', route(async (req, res) => {
    const a = await account(req);
    if (!(await store.trustedNetworks.remove(a.id, String(req.params.networkId)))) return sendError(res, 'not_found', 'No such trusted network');
    res.status(204).end();
  }));

  router.use(domainsRouter(domains, {
    base: '/admin/accounts/:accountId/domains',
    accountOf: async (req) => (await account(req)).id,
  }));

  /** Imports (or generates) a key and makes it sign at once: for operators who publish the record themselves. */
  router.put('/admin/accounts/:accountId/dkim', route(async (req, res) => {
    const a = await account(req);
    const body = parseBody(SetDkimKeyRequest, req);
    const name = normalizeDomainName(body.domain);
    if (!name.ok) return sendError(res, 'validation_failed', name.message, 'domain');
    const domain = await store.domains.findForAccount(a.id, name.value);
    if (!domain) return sendError(res, 'not_found', 'The domain is not on this account; add it first', 'domain');
    let pair;
    try {
      pair = body.private_key_pem ? importDkimPrivateKey(body.private_key_pem, body.algorithm) : generateDkimKeyPair(body.algorithm);
    } catch (err) {
      return sendError(res, 'validation_failed', (err as Error).message, 'private_key_pem');
    }
    await store.domains.setDkimKey(domain.id, { selector: body.selector, algorithm: body.algorithm, privateKeyPem: pair.privateKeyPem, publicKey: pair.publicKey });
    res.json({ domain: domain.name, selector: body.selector, algorithm: body.algorithm, dns_record: dkimDnsRecord(domain.name, body.selector, body.algorithm, pair.publicKey) });
  }));

  return router;
}
