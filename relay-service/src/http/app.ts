import express from 'express';
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { AcceptPipeline } from '../accept/pipeline.ts';
import { requireAccountToken, requireAdminToken } from './auth.ts';
import { errorHandler, sendError } from './errors.ts';
import { healthRouter } from './routes/health.ts';
import { emailsRouter } from './routes/emails.ts';
import { messagesRouter } from './routes/messages.ts';
import { adminRouter } from './routes/admin.ts';
import { domainsRouter } from './routes/domains.ts';
import { suppressionsRouter } from './routes/suppressions.ts';
import { webhooksRouter } from './routes/webhooks.ts';
import { privacyRouter } from './routes/privacy.ts';
import { reportsRouter } from './routes/reports.ts';
import { templatesRouter } from './routes/templates.ts';
import { createTemplateEngine } from '../templates/engine.ts';
import type { PostOptions } from '../webhooks/http-post.ts';
import type { Registry } from 'prom-client';
import { unsubscribeRouter } from './routes/unsubscribe.ts';
import { trackingRouter, type TrackingRouteDeps } from './routes/tracking.ts';
import type { DomainService } from '../domains/service.ts';
import type { UnsubscribeTokens } from '../unsubscribe/token.ts';

export interface HttpAppDeps {
  store: Store;
  accept: AcceptPipeline;
  domains: DomainService;
  hostname: string;
  /** JSON bodies carry base64 (4/3 of the message) plus the envelope. */
  maxMessageSize: number;
  verifyAdminToken: (token: string) => boolean;
  isDraining: () => boolean;
  onAccepted?: () => void;
  /** Outbound policy for webhook URLs (checked at registration and for test events). */
  webhookPost: PostOptions;
  /** RELAY_BIND_ADDRESSES: the source addresses accounts may choose. */
  bindAddresses?: ReadonlyMap<string, string>;
  /** Prometheus registry served at /metrics (admin token required). */
  metrics?: Registry;
  /** Checks the tokens of one-click unsubscribe links (the same keys the pipeline signs them with). */
  unsubscribeTokens: UnsubscribeTokens;
  /** Open pixel and tracked links (their tokens, retention and IP policy). */
  tracking: Omit<TrackingRouteDeps, 'store' | 'logger'>;
  logger: Logger;
}

export function createHttpApp(deps: HttpAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(healthRouter(deps.store, deps.isDraining));
  if (deps.metrics) {
    const registry = deps.metrics;
    app.get('/metrics', requireAdminToken(deps.verifyAdminToken), (_req, res, next) => {
      registry.metrics().then((text) => res.type(registry.contentType).send(text), next);
    });
  }
  // Before the API's authentication: the link's own token is its credential.
  app.use(unsubscribeRouter({ store: deps.store, tokens: deps.unsubscribeTokens, logger: deps.logger }));
  app.use(trackingRouter({ ...deps.tracking, store: deps.store, logger: deps.logger }));
  const json = express.json({ limit: Math.ceil(deps.maxMessageSize * 1.4) + 64 * 1024, strict: true });
  app.use('/v1', requireAccountToken(deps.store), json);
  const templates = createTemplateEngine();
  const onAccepted = deps.onAccepted ? { onAccepted: deps.onAccepted } : {};
  app.use(emailsRouter({ accept: deps.accept, hostname: deps.hostname, store: deps.store, templates, ...onAccepted }));
  app.use(templatesRouter({ store: deps.store, engine: templates, accept: deps.accept, hostname: deps.hostname, ...onAccepted }));
  app.use(messagesRouter(deps.store));
  app.use(domainsRouter(deps.domains));
  app.use(suppressionsRouter(deps.store));
  app.use(webhooksRouter(deps.store, deps.webhookPost));
  app.use(privacyRouter(deps.store));
  app.use(reportsRouter(deps.store));
  app.use('/admin', requireAdminToken(deps.verifyAdminToken), express.json({ limit: '100kb' }));
  app.use(adminRouter(deps.store, deps.domains, deps.bindAddresses));
  app.use((_req, res) => sendError(res, 'not_found', 'No such endpoint'));
  app.use(errorHandler(deps.logger));
  return app;
}
