import { Router } from 'express';
import type { Store } from '../../store/index.ts';

/**
 * `/healthz`: the process is alive. `/readyz`: it can take mail right now (database
 * reachable and not shutting down), so a load balancer stops sending during a drain.
 */
export function healthRouter(store: Store, isDraining: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (isDraining()) return void res.status(503).json({ status: 'draining' });
    try {
      await store.db.knex.raw('select 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database_unavailable' });
    }
  });
  return router;
}
