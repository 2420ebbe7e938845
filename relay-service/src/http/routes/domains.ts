import { Router, type Request, type Response } from 'express';
import type { DomainService } from '../../domains/service.ts';
import { RelayError } from '../../errors.ts';
import { route } from '../async-route.ts';

function createBody(body: unknown): { domain: string; returnPath?: string; dmarcReportAddress?: string } {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.domain !== 'string') throw new RelayError('validation_failed', 'domain is required', 'domain');
  for (const field of ['return_path', 'dmarc_report_address']) {
    if (b[field] !== undefined && typeof b[field] !== 'string') throw new RelayError('validation_failed', `${field} must be a string`, field);
  }
  return {
    domain: b.domain,
    ...(typeof b.return_path === 'string' ? { returnPath: b.return_path } : {}),
    ...(typeof b.dmarc_report_address === 'string' ? { dmarcReportAddress: b.dmarc_report_address } : {}),
  };
}

/** Where the domain routes hang and whose domains they serve. */
export interface DomainRoutesMount {
  /** `/v1/domains` (the account of the API token) or `/admin/accounts/:accountId/domains`. */
  base: string;
  /** The account the request acts for; throws (e.g. not_found) when there is none. */
  accountOf(req: Request, res: Response): Promise<string>;
}

/** The account API's mount: the account of the bearer token (http/auth.ts). */
export const ACCOUNT_MOUNT: DomainRoutesMount = {
  base: '/v1/domains',
  accountOf: async (_req, res) => res.locals.accountId as string,
};

/**
 * Domains (add, list, show with the records to publish and their live status, verify,
 * preflight, delete, rotate DKIM keys), mounted once for the account API and once for the
 * admin API, so the two never drift apart. Another account's domain id is simply not found.
 */
export function domainsRouter(domains: DomainService, mount: DomainRoutesMount = ACCOUNT_MOUNT): Router {
  const router = Router({ mergeParams: true });
  const base = mount.base;
  const accountOf = mount.accountOf;
  const ids = (req: Request) => String(req.params.domainId);

  router.post(base, route(async (req, res) => {
    const created = await domains.create(await accountOf(req, res), createBody(req.body));
    res.status(created.created ? 201 : 200).json(created.domain);
  }));

  router.get(base, route(async (req, res) => {
    res.json({ data: await domains.list(await accountOf(req, res)) });
  }));

  router.get(`${base}/:domainId`, route(async (req, res) => {
    res.json(await domains.get(await accountOf(req, res), ids(req)));
  }));

  router.delete(`${base}/:domainId`, route(async (req, res) => {
    await domains.delete(await accountOf(req, res), ids(req), { force: req.query.force === 'true' });
    res.status(204).end();
  }));

  router.patch(`${base}/:domainId`, route(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!('tracking_host' in body)) throw new RelayError('validation_failed', 'Give tracking_host (a host name under the domain, or null)', 'tracking_host');
    res.json(await domains.setTrackingHost(await accountOf(req, res), ids(req), body.tracking_host));
  }));

  router.post(`${base}/:domainId/preflight`, route(async (req, res) => {
    res.json(await domains.preflight(await accountOf(req, res), ids(req)));
  }));

  router.post(`${base}/:domainId/verify`, route(async (req, res) => {
    res.json(await domains.verify(await accountOf(req, res), ids(req)));
  }));

  router.post(`${base}/:domainId/dkim-keys`, route(async (req, res) => {
    const algorithm = (req.body ?? {}).algorithm;
    if (algorithm !== 'rsa' && algorithm !== 'ed25519') throw new RelayError('validation_failed', 'algorithm must be "rsa" or "ed25519"', 'algorithm');
    res.status(201).json(await domains.addKey(await accountOf(req, res), ids(req), algorithm));
  }));

  router.post(`${base}/:domainId/dkim-keys/:selector/activate`, route(async (req, res) => {
    res.json(await domains.activateKey(await accountOf(req, res), ids(req), String(req.params.selector)));
  }));

  router.delete(`${base}/:domainId/dkim-keys/:selector`, route(async (req, res) => {
    res.json(await domains.deleteKey(await accountOf(req, res), ids(req), String(req.params.selector)));
  }));

  return router;
}
