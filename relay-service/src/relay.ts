import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBindAddresses, type RelayConfig } from './config/load.ts';
import { SETTINGS } from './config/schema.ts';
import { createLogger, type Logger } from './log.ts';
import { openDatabase, migrateToLatest } from './store/db.ts';
import { createStore, type Store } from './store/index.ts';
import { createKeyring, loadOrCreateSecretKey } from './auth/keyring.ts';
import { resolveAdminToken } from './auth/admin-token.ts';
import { loadTlsMaterial } from './tls.ts';
import { createAcceptPipeline } from './accept/pipeline.ts';
import { signMessage } from './dkim/sign.ts';
import { createHttpApp } from './http/app.ts';
import { createDnsResolver } from './dns/resolver.ts';
import { createMxCache, parseRoutes } from './delivery/mx.ts';
import { createSender } from './delivery/sender.ts';
import { createDeliverFn } from './delivery/deliver.ts';
import { createProcessor } from './delivery/processor.ts';
import { createDeliveryWorker } from './delivery/worker.ts';
import { DEFAULT_RETRY_POLICY, nextAttemptAt, type RetryPolicy } from './delivery/retry.ts';
import { createSubmissionServer, type SubmissionServer } from './smtp/submission-server.ts';
import { domainServiceFromConfig } from './domains/service.ts';
import { createVerp } from './domains/verp.ts';
import { startDomainRechecker } from './domains/recheck.ts';
import { createInboundProcessor } from './bounces/inbound.ts';
import { createDeliveryBounceHandler } from './bounces/delivery-bounce.ts';
import { createInboundServer, type InboundServer } from './smtp/inbound-server.ts';
import { startWebhookDispatcher } from './webhooks/dispatcher.ts';
import { startRetentionPurger } from './retention/purger.ts';
import { createMetrics } from './metrics/metrics.ts';
import { createSendingLimits } from './accept/sending-limits.ts';
import { DomainThrottle, parseDomainRates } from './delivery/domain-throttle.ts';
import { createUnsubscribeTokens } from './unsubscribe/token.ts';
import { createTrackingTokens } from './tracking/token.ts';

export interface RunningRelay {
  logger: Logger;
  store: Store;
  /** The ports actually bound (useful when configured as 0). */
  ports: { http: number; submission: number | null; smtps: number | null; inbound: number | null };
  /** Wakes the delivery worker (new mail was committed). */
  wakeWorker(): void;
  /** Reads RELAY_TLS_CERT_FILE/RELAY_TLS_KEY_FILE again (SIGHUP after a renewal); false when they do not load (the old pair stays). */
  reloadTls(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Binds a listener or fails with the setting to change, instead of a bare EADDRINUSE. */
async function bindOrExplain<T>(what: keyof typeof SETTINGS, port: number, bind: () => Promise<T>): Promise<T> {
  try {
    return await bind();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new Error(`Cannot listen on port ${port} (${code}); set ${SETTINGS[what].env} to a free port${code === 'EACCES' ? ' or run with the privilege to bind it' : ''}`);
    }
    throw err;
  }
}

/**
 * The composition root: opens the database, wires the front doors (HTTP, SMTP 587/465)
 * to the accept pipeline and starts the delivery worker. Every outside seam (DNS, ports,
 * clock) comes from configuration, so tests run the real thing on loopback.
 */
export async function startRelay(config: RelayConfig, options: { logger?: Logger } = {}): Promise<RunningRelay> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = openDatabase(config.databaseUrl, {
    onWarning: (message) => logger.warn({ event: 'store.checkpoint_fallback' }, message),
  });
  await migrateToLatest(db);
  const secret = loadOrCreateSecretKey(config.secretKey, config.dataDir);
  if (secret.generated) logger.warn({ event: 'relay.secret_key_generated', dataDir: config.dataDir }, 'generated RELAY_SECRET_KEY into the data folder; set it explicitly when several instances share a database');
  const keyring = createKeyring(secret.key);
  const store = createStore(db, keyring);
  const admin = await resolveAdminToken(db.knex, config.adminToken);
  if (admin.generated) {
    // Printed once, on the console only (never through the logger): the database keeps a hash.
    process.stdout.write(`\nRelayPress admin token (shown once, store it now): ${admin.generated}\n\n`);
  }
  const tls = await loadTlsMaterial({ certFile: config.tlsCertFile, keyFile: config.tlsKeyFile, dataDir: config.dataDir, hostname: config.hostname });
  if (tls.selfSigned) logger.warn({ event: 'relay.tls_self_signed' }, 'using a generated self-signed certificate; set RELAY_TLS_CERT_FILE and RELAY_TLS_KEY_FILE for production');

  const verp = createVerp(keyring.deriveKey('verp'));
  const metrics = createMetrics(store);
  const unsubscribeTokens = createUnsubscribeTokens(keyring.deriveKey('unsubscribe'));
  const trackingTokens = createTrackingTokens(keyring.deriveKey('tracking'));
  // RFC 8058 asks for an HTTPS URI; mailbox providers ignore one-click on plain HTTP.
  if (!config.publicUrl.startsWith('https://')) logger.warn({ event: 'relay.public_url_not_https', publicUrl: config.publicUrl }, 'RELAY_PUBLIC_URL is not https: mailbox providers will not offer one-click unsubscribe for its links');
  const pipeline = createAcceptPipeline({
    store, sign: signMessage, verp, hostname: config.hostname, maxMessageSize: config.maxMessageSize, maxRecipients: config.maxRecipients, logger,
    unsubscribe: { baseUrl: config.publicUrl.replace(/\/+$/, ''), tokens: unsubscribeTokens },
    tracking: { baseUrl: config.publicUrl.replace(/\/+$/, ''), tokens: trackingTokens },
    limits: createSendingLimits({ knex: db.knex, accounts: store.accounts }),
  });
  // Both front doors go through this, so the metrics see every accept and refusal.
  const accept = metrics.measureAccept(pipeline);

  const softBounce = { limit: config.softBounceLimit, windowMs: config.softBounceWindow };
  const resolver = createDnsResolver(config.dnsServers);
  const bindAddresses = parseBindAddresses(config.bindAddresses);
  const sender = createSender({ helo: config.hostname, mxPort: config.mxPort, maxConnectionsPerHost: config.maxConnectionsPerHost, heloByAddress: bindAddresses });
  const retryPolicy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, delaysMs: config.retrySchedule, maxAgeMs: config.maxQueueAge };
  // Created unconditionally: "slow down" replies pause a domain even without configured rates.
  const throttle = new DomainThrottle({ rates: parseDomainRates(config.domainRates), defaultRate: config.domainRateDefault ?? null });
  const processGroup = createProcessor({
    throttle,
    queue: store.queue,
    messages: store.messages,
    deliver: createDeliverFn({ resolver, sender, routes: parseRoutes(config.routes), mxCache: createMxCache() }),
    nextAttemptAt: (attempts, firstQueuedAt, now) => nextAttemptAt(attempts, firstQueuedAt, now, retryPolicy),
    onBounced: createDeliveryBounceHandler({ store, softBounce, logger }),
    onAttempt: (status, result) => metrics.attempt(status, result.durationMs),
    // Only with several source addresses configured is the account's choice read at all.
    ...(bindAddresses.size > 0 ? { sourceAddressOf: (accountId: string) => store.accounts.bindAddress(accountId) } : {}),
    logger,
  });
  const worker = createDeliveryWorker({
    queue: store.queue,
    processGroup,
    concurrency: config.deliveryConcurrency,
    throttle,
    leaseMs: config.leaseDuration,
    logger,
  });

  const domains = domainServiceFromConfig(store, config, resolver, verp);

  const webhookPost = { allowPrivate: config.webhookAllowPrivateNetworks, timeoutMs: config.webhookTimeout };
  let draining = false;
  const app = createHttpApp({
    store, accept, domains, webhookPost, bindAddresses, metrics: metrics.registry, hostname: config.hostname, maxMessageSize: config.maxMessageSize,
    verifyAdminToken: admin.verify, isDraining: () => draining, onAccepted: () => worker.wake(), unsubscribeTokens,
    tracking: { tokens: trackingTokens, maxAgeMs: config.eventRetention, storeIp: config.trackingStoreIp }, logger,
  });
  const httpServer = http.createServer(app);
  await bindOrExplain('httpPort', config.httpPort, () => new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.httpPort, config.httpHost, () => resolve());
  }));

  const submissionDeps = {
    authenticate: async (username: string, password: string, remoteIp: string) => {
      const found = await store.smtpUsers.authenticate(username, password, Date.now(), remoteIp);
      return found ? { accountId: found.accountId } : null;
    },
    trustedAccount: (remoteIp: string) => store.trustedNetworks.accountFor(remoteIp),
    isSenderAllowed: async (accountId: string, mailFrom: string) => {
      const at = mailFrom.lastIndexOf('@');
      return at > 0 && store.domains.accountOwns(accountId, mailFrom.slice(at + 1).toLowerCase());
    },
    accept: async (input: Parameters<typeof accept>[0]) => {
      const result = await accept(input);
      worker.wake();
      return result;
    },
    logger,
  };
  const smtpOptions = { hostname: config.hostname, tls: { key: tls.key, cert: tls.cert }, maxMessageSize: config.maxMessageSize, maxRecipients: config.maxRecipients };
  const smtpServers: (SubmissionServer | InboundServer)[] = [];
  const ports = { http: (httpServer.address() as AddressInfo).port, submission: null as number | null, smtps: null as number | null, inbound: null as number | null };
  try {
    if (config.submissionPort !== null) {
      const server = createSubmissionServer(submissionDeps, { ...smtpOptions, mode: 'starttls' });
      ports.submission = await bindOrExplain('submissionPort', config.submissionPort, () => server.listen(config.submissionPort!, config.smtpHost));
      smtpServers.push(server);
    }
    if (config.smtpsPort !== null) {
      const server = createSubmissionServer(submissionDeps, { ...smtpOptions, mode: 'implicit-tls' });
      ports.smtps = await bindOrExplain('smtpsPort', config.smtpsPort, () => server.listen(config.smtpsPort!, config.smtpHost));
      smtpServers.push(server);
    }
    if (config.inboundPort !== null) {
      const inboundHost = (config.inboundHost ?? config.hostname).toLowerCase();
      const processor = createInboundProcessor({
        store, verp, softBounce, logger,
        feedbackAddress: (config.feedbackAddress ?? `fbl@${inboundHost}`).toLowerCase(),
      });
      const server = createInboundServer(processor, logger, {
        hostname: config.hostname, tls: { key: tls.key, cert: tls.cert }, maxMessageSize: config.inboundMaxMessageSize,
        ratePerMinute: config.inboundRateLimit, maxConnectionsPerIp: config.inboundMaxConnectionsPerIp,
      });
      ports.inbound = await bindOrExplain('inboundPort', config.inboundPort, () => server.listen(config.inboundPort!, config.smtpHost));
      smtpServers.push(server);
    }
  } catch (err) {
    await Promise.all(smtpServers.map((s) => s.close()));
    await new Promise((resolve) => httpServer.close(resolve));
    await db.close();
    throw err;
  }

  worker.start();
  const rechecker = startDomainRechecker({ knex: db.knex, domains, intervalMs: config.domainRecheckInterval, logger });
  const webhooks = startWebhookDispatcher({
    store, logger, post: webhookPost,
    retry: { ...DEFAULT_RETRY_POLICY, delaysMs: config.webhookRetrySchedule, maxAgeMs: config.webhookMaxAge },
  });
  const purger = startRetentionPurger({ retention: store.retention, bodyRetentionMs: config.bodyRetention, eventRetentionMs: config.eventRetention, logger });
  logger.info({ event: 'relay.ready', ports, database: db.dialect, workerOwner: worker.owner }, 'relay ready');

  let stopping: Promise<void> | undefined;
  return {
    logger,
    store,
    ports,
    wakeWorker: () => worker.wake(),
    async reloadTls() {
      try {
        const fresh = await loadTlsMaterial({ certFile: config.tlsCertFile, keyFile: config.tlsKeyFile, dataDir: config.dataDir, hostname: config.hostname });
        for (const server of smtpServers) server.reloadTls({ key: fresh.key, cert: fresh.cert });
        logger.info({ event: 'relay.tls_reloaded', selfSigned: fresh.selfSigned }, 'TLS certificate reloaded');
        return true;
      } catch (err) {
        logger.error({ event: 'relay.tls_reload_failed', err }, 'TLS certificate reload failed; the previous certificate stays in use');
        return false;
      }
    },
    stop() {
      stopping ??= (async () => {
        // Drain: refuse new work first, let transactions in flight finish, then release leases.
        draining = true;
        const httpClosed = new Promise((resolve) => httpServer.close(resolve));
        httpServer.closeIdleConnections();
        await Promise.all(smtpServers.map((s) => s.close()));
        await worker.stop();
        await rechecker.stop();
        await webhooks.stop();
        await purger.stop();
        sender.close();
        await httpClosed;
        await db.close();
        logger.info({ event: 'relay.stopped' }, 'relay stopped');
      })();
      return stopping;
    },
  };
}
