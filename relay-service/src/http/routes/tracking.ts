import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Store } from '../../store/index.ts';
import type { TrackingTokens, TrackingToken } from '../../tracking/token.ts';
import { agentClass, isMachine, truncateIp } from '../../tracking/agent.ts';
import { route } from '../async-route.ts';

// A transparent 1×1 GIF (42 bytes).
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export interface TrackingRouteDeps {
  store: Store;
  tokens: TrackingTokens;
  /** Tokens older than this are refused (410): the events they would record are past retention. */
  maxAgeMs: number;
  /** RELAY_TRACKING_STORE_IP: keep the client's network (/24, /48) on the event. */
  storeIp: boolean;
  logger: Logger;
  now?: () => number;
}

/**
 * The open pixel (`/t/o/:token`) and tracked links (`/t/c/:token`), outside the API's
 * authentication: the signed token is the credential. A token whose MAC does not check is
 * 404 and writes nothing; one past retention, or whose message is gone, is 410. A click
 * redirects only to the URL inside its token, i.e. a link the message itself contained.
 * Each request records one event; likely machine ones (privacy proxies prefetching, link
 * scanners, HEAD requests, within seconds of delivery) are flagged `machine`.
 */
export function trackingRouter(deps: TrackingRouteDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;

  const notFound = (res: Response) => res.status(404).type('text/plain').set('Cache-Control', 'no-store').send('This link is not valid.\n');
  const gone = (res: Response) => res.status(410).type('text/plain').set('Cache-Control', 'no-store').send('This link has expired.\n');

  async function track(req: Request, res: Response, kind: TrackingToken['kind']): Promise<TrackingToken | null> {
    const token = deps.tokens.parse(String(req.params.token).replace(/\.gif$/, ''));
    if (!token || token.kind !== kind) {
      notFound(res);
      return null;
    }
    const at = now();
    if (at - token.issuedAt > deps.maxAgeMs) {
      gone(res);
      return null;
    }
    const message = await deps.store.tracking.message(token.messageId);
    if (!message) {
      gone(res);
      return null;
    }
    // On a domain's own tracking host only that account's tokens are valid.
    const hostOwner = await deps.store.domains.trackingHostOwner(req.hostname);
    if (hostOwner !== undefined && hostOwner !== message.accountId) {
      notFound(res);
      return null;
    }
    const userAgent = req.get('user-agent');
    const agent = agentClass(userAgent);
    const deliveredAt = message.recipient?.deliveredAt ?? null;
    const machine = isMachine({ kind, agent, method: req.method, msSinceDelivery: deliveredAt === null ? null : at - deliveredAt });
    const ip = deps.storeIp && req.socket.remoteAddress ? truncateIp(req.socket.remoteAddress) : null;
    await deps.store.tracking.record(message, kind === 'open' ? 'opened' : 'clicked', {
      ...(token.kind === 'click' ? { url: token.url } : {}), user_agent_class: agent, machine, ...(ip ? { ip } : {}),
    }, at);
    return token;
  }

  for (const method of ['get', 'head'] as const) {
    router[method]('/t/o/:token', route(async (req, res) => {
      if (!(await track(req, res, 'open'))) return;
      res.status(200).set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, private, max-age=0', 'Content-Length': String(PIXEL.length) }).end(req.method === 'HEAD' ? undefined : PIXEL);
    }));
    router[method]('/t/c/:token', route(async (req, res) => {
      const token = await track(req, res, 'click');
      if (!token || token.kind !== 'click') return;
      res.status(302).set({ Location: token.url, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).end();
    }));
  }
  return router;
}
