/**
 * The inbound port (25 in production): where remote MTAs return bounces to our VERP
 * return-path addresses and mailbox providers send complaint reports to the feedback
 * address. It takes mail for those addresses only; every other RCPT gets 550 5.7.1, so it
 * is never a relay and never a mailbox. It has no AUTH, offers STARTTLS (senders use it
 * when they can), limits size, connections and messages per IP, and never generates mail
 * of its own (no bounce of a bounce, no backscatter). A report is recorded before the 250;
 * if recording fails the sender gets 451 and tries again later, so none is lost.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { InboundProcessor, OwnedAddress } from '../bounces/inbound.ts';
import { ConnectionCounter, RateLimiter } from '../net/rate-limiter.ts';
import { GuardedServer, reloadServerTls } from './guarded-connection.ts';
import { replyError, type SmtpReply } from './replies.ts';

export const INBOUND_REPLIES = {
  notOurs: { code: 550, enhanced: '5.7.1', text: 'Relay access denied: this server only accepts bounces and reports for mail it sent' },
  tooManyRecipients: { code: 452, enhanced: '4.5.3', text: 'Too many recipients' },
  rateLimited: { code: 451, enhanced: '4.7.1', text: 'Too many messages from your address, try again later' },
  tooManyConnections: { code: 421, enhanced: '4.7.0', text: 'Too many connections from your address, try again later' },
  tooLarge: { code: 552, enhanced: '5.3.4', text: 'Message exceeds the size limit' },
  temporaryFailure: { code: 451, enhanced: '4.3.0', text: 'Temporary failure, try again later' },
  lookupFailure: { code: 451, enhanced: '4.3.0', text: 'Temporary failure checking the recipient, try again later' },
  received: { code: 250, enhanced: '2.0.0', text: 'Ok: report received' },
} as const satisfies Record<string, SmtpReply>;

export interface InboundServerOptions {
  hostname: string;
  tls: { key: string | Buffer; cert: string | Buffer };
  maxMessageSize: number;
  ratePerMinute: number;
  maxConnectionsPerIp: number;
  /** Reports are sent to one address; a handful allows a DSN to several VERP addresses. */
  maxRecipients?: number;
  /** Pause before the greeting; an early talker is refused (port-25 pregreet defence). */
  greetingDelayMs?: number;
  commandDeadlineMs?: number;
  dataDeadlineMs?: number;
}

export interface InboundServer {
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
  reloadTls(tls: { key: string | Buffer; cert: string | Buffer }): void;
}

type Callback = (err?: Error | null, message?: string) => void;

export function createInboundServer(processor: InboundProcessor, logger: Logger, options: InboundServerOptions): InboundServer {
  const log = logger.child({ component: 'smtp-inbound' });
  const limiter = new RateLimiter({ ratePerMinute: options.ratePerMinute });
  const connections = new ConnectionCounter(options.maxConnectionsPerIp);
  const counted = new Set<string>();
  const owned = new Map<string, OwnedAddress[]>();
  const inFlight = new Set<Promise<unknown>>();
  const maxRecipients = options.maxRecipients ?? 10;

  const smtpOptions: SMTPServerOptions = {
    name: options.hostname,
    key: options.tls.key,
    cert: options.tls.cert,
    size: options.maxMessageSize,
    disabledCommands: ['AUTH'],
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hideREQUIRETLS: true,
    disableReverseLookup: true,
    logger: false,
    maxClients: 500,
    socketTimeout: 5 * 60_000,
    closeTimeout: 30_000,
    onConnect(session, callback) {
      if (!connections.tryOpen(session.remoteAddress)) {
        log.info({ event: 'inbound.too_many_connections', remoteIp: session.remoteAddress }, 'connection refused: too many from this address');
        return callback(replyError(INBOUND_REPLIES.tooManyConnections));
      }
      counted.add(session.id);
      callback();
    },
    onClose(session) {
      owned.delete(session.id);
      if (counted.delete(session.id)) connections.close(session.remoteAddress);
    },
    onMailFrom(_address, session, callback) {
      owned.set(session.id, []);
      if (!limiter.take(session.remoteAddress)) {
        log.info({ event: 'inbound.rate_limited', remoteIp: session.remoteAddress }, 'message refused: rate limit');
        return callback(replyError(INBOUND_REPLIES.rateLimited));
      }
      callback();
    },
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback) {
      const list = owned.get(session.id) ?? [];
      if (list.length >= maxRecipients) return callback(replyError(INBOUND_REPLIES.tooManyRecipients));
      processor.ownedAddress(address.address).then(
        (found) => {
          if (!found) {
            log.info({ event: 'inbound.recipient_refused', remoteIp: session.remoteAddress }, 'recipient refused: not an address of this relay');
            return callback(replyError(INBOUND_REPLIES.notOurs));
          }
          list.push(found);
          owned.set(session.id, list);
          callback();
        },
        (err: Error) => {
          log.error({ event: 'inbound.error', err, remoteIp: session.remoteAddress }, 'recipient check failed');
          callback(replyError(INBOUND_REPLIES.lookupFailure));
        },
      );
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: Callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const reply: Callback = (err, message) => {
        if (settled) return;
        settled = true;
        callback(err, message);
      };
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit the rest is only counted; keeping it would let one sender fill memory.
        if (size <= options.maxMessageSize) chunks.push(chunk);
        else chunks.length = 0;
      });
      stream.on('error', (err) => reply(err));
      stream.on('end', () => {
        if (stream.sizeExceeded || size > options.maxMessageSize) {
          log.info({ event: 'inbound.message_too_large', remoteIp: session.remoteAddress, size }, 'report refused: too large');
          return reply(replyError(INBOUND_REPLIES.tooLarge));
        }
        const envelope = { mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', recipients: owned.get(session.id) ?? [], remoteIp: session.remoteAddress };
        const work = processor.handle(envelope, Buffer.concat(chunks, size));
        inFlight.add(work);
        work.then(
          () => reply(null, `${INBOUND_REPLIES.received.enhanced} ${INBOUND_REPLIES.received.text}`),
          (err: Error) => {
            log.error({ event: 'inbound.error', err, remoteIp: session.remoteAddress }, 'recording a report failed');
            reply(replyError(INBOUND_REPLIES.temporaryFailure));
          },
        ).finally(() => inFlight.delete(work));
      });
    },
  };

  const server = new GuardedServer(smtpOptions, {
    greetingDelayMs: options.greetingDelayMs ?? 0,
    commandDeadlineMs: options.commandDeadlineMs ?? 60_000,
    dataDeadlineMs: options.dataDeadlineMs ?? 10 * 60_000,
  });
  server.on('error', (err: NodeJS.ErrnoException & { remoteAddress?: string }) => {
    log.info({ event: 'inbound.connection_error', code: err.code, remoteIp: err.remoteAddress, err: err.message }, 'connection error');
  });

  return {
    listen(port, host = '0.0.0.0') {
      return new Promise<number>((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(port, host, () => {
          server.server.off('error', reject);
          const bound = (server.server.address() as AddressInfo).port;
          log.info({ event: 'inbound.listening', port: bound, host }, 'inbound server listening');
          resolve(bound);
        });
      });
    },
    async close() {
      await server.shutdown(30_000);
      await Promise.allSettled([...inFlight]);
    },
    reloadTls(material) {
      reloadServerTls(server, material);
    },
  };
}
