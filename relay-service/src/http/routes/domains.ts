import { Router } from 'express';
import type { DomainService } from '../../domains/service.ts';
import { RelayError } from '../../errors.ts';
import { route } from '../async-route.ts';

function createBody(body: unknown): { domain: string; returnPath?: string } {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.domain !== 'string') throw new RelayError('validation_failed', 'domain is required', 'domain');
  if (b.return_path !== undefined && typeof b.return_path !== 'string') throw new RelayError('validation_failed', 'return_path must be a string', 'return_path');
  return { domain: b.domain, ...(typeof b.return_path === 'string' ? { returnPath: b.return_path } : {}) };
}

/**
 * The account's own domains (`/v1/domains`, API token): add, list, show with the records to
 * publish and their live status, verify, rotate DKIM keys (add, activate, delete). Another
 * account's domain id is simply not found.
 */
export function domainsRouter(domains: DomainService): Router {
  const router = Router();
  const accountOf = (locals: Record<string, unknown>) => locals.accountId as string;

  router.post('/v1/domains', route(async (req, res) => {
    const created = await domains.create(accountOf(res.locals), createBody(req.body));
    res.status(created.created ? 201 : 200).json(created.domain);
  }));

  router.get('/v1/domains', route(async (_req, res) => {
    res.json({ data: await domains.list(accountOf(res.locals)) });
  }));

  router.get('/v1/domains/:domainId', route(async (req, res) => {
    res.json(await domains.get(accountOf(res.locals), String(req.params.domainId)));
  }));

  router.delete('/v1/domains/:domainId', route(async (req, res) => {
    await domains.delete(accountOf(res.locals), String(req.params.domainId), { force: req.query.force === 'true' });
    res.status(204).end();
  }));

  router.post('/v1/domains/:domainId/preflight', route(async (req, res) => {
    res.json(await domains.preflight(accountOf(res.locals), String(req.params.domainId)));
  }));

  router.post('/v1/domains/:domainId/verify', route(async (req, res) => {
    res.json(await domains.verify(accountOf(res.locals), String(req.params.domainId)));
  }));

  router.post('/v1/domains/:domainId/dkim-keys', route(async (req, res) => {
    const algorithm = (req.body ?? {}).algorithm;
    if (algorithm !== 'rsa' && algorithm !== 'ed25519') throw new RelayError('validation_failed', 'algorithm must be "rsa" or "ed25519"', 'algorithm');
    res.status(201).json(await domains.addKey(accountOf(res.locals), String(req.params.domainId), algorithm));
  }));

  router.post('/v1/domains/:domainId/dkim-keys/:selector/activate', route(async (req, res) => {
    res.json(await domains.activateKey(accountOf(res.locals), String(req.params.domainId), String(req.params.selector)));
  }));

  router.delete('/v1/domains/:domainId/dkim-keys/:selector', route(async (req, res) => {
    res.json(await domains.deleteKey(accountOf(res.locals), String(req.params.domainId), String(req.params.selector)));
  }));

  return router;
}

export { createBody as parseCreateDomainBody };
