import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';

import { selfSignedCertificate } from './self-signed-cert.ts';

/**
 * A receiving MX on 127.0.0.1 built on smtp-server: it keeps every message it accepts and
 * misbehaves on demand (replies, delays, dropped connections), so delivery is tested against
 * a real SMTP peer over a real socket.
 */

export interface SinkReply {
  code: number;
  /** Text after the code, usually starting with the enhanced status: `5.1.1 No such user`. */
  message: string;
}

export interface SinkBehaviour {
  /** Reply to MAIL FROM instead of accepting it. */
  mail?: SinkReply;
  /** Replies to RCPT TO per address (lower case); unlisted addresses get `rcptDefault` or are accepted. */
  rcpt?: Record<string, SinkReply>;
  rcptDefault?: SinkReply;
  /** Reply to the message after DATA instead of accepting it. */
  data?: SinkReply;
  /** Wait this long before answering the end of DATA (a slow MX). */
  dataDelayMs?: number;
  /** Close the TCP connection once message data starts arriving, without any reply. */
  dropMidData?: boolean;
}

export interface ReceivedMessage {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  /** Whether the session had been upgraded with STARTTLS. */
  secure: boolean;
  /** Client port of the carrying connection: equal values = same connection. */
  connection: number;
  clientHostname: string;
  /** The address the client connected from. */
  remoteAddress: string;
}

export interface SmtpSink {
  host: string;
  port: number;
  messages: ReceivedMessage[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Most connections open at the same time so far. */
  maxConcurrentConnections(): number;
  /** Replaces the behaviour for everything that follows. */
  behave(behaviour: SinkBehaviour): void;
  /** Closes every open client connection from the server side, as an MX's idle timeout does. */
  dropConnections(): void;
  /** Resolves once `count` messages are stored; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** Offer STARTTLS with a self-signed certificate. */
  starttls?: boolean;
  behaviour?: SinkBehaviour;
}

function replyError(reply: SinkReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  let behaviour: SinkBehaviour = options.behaviour ?? {};
  const messages: ReceivedMessage[] = [];
  const sockets = new Map<number, Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let connectionCount = 0;
  let maxConcurrent = 0;
  const tls = options.starttls ? selfSignedCertificate() : undefined;

  const socketOf = (session: SMTPServerSession) => sockets.get(session.remotePort);

  const server = new SMTPServer({
    name: 'mx.sink.test',
    logger: false,
    authOptional: true,
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    closeTimeout: 100,
    onMailFrom(_address: SMTPServerAddress, _session, callback) {
      callback(behaviour.mail ? replyError(behaviour.mail) : undefined);
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const reply = behaviour.rcpt?.[address.address.toLowerCase()] ?? behaviour.rcptDefault;
      callback(reply ? replyError(reply) : undefined);
    },
    onData(stream, session, callback) {
      const current = behaviour;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (current.dropMidData) socketOf(session)?.destroy();
      });
      stream.on('end', () => {
        if (current.dropMidData) return;
        const answer = () => {
          if (current.data) return callback(replyError(current.data));
          messages.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
            secure: session.secure,
            connection: session.remotePort,
            clientHostname: session.hostNameAppearsAs,
            remoteAddress: session.remoteAddress,
          });
          for (const wake of waiters) wake();
          callback(null);
        };
        if (!current.dataDelayMs) return answer();
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, current.dataDelayMs);
        timers.add(timer);
      });
    },
  });
  server.on('error', () => {
    // Clients that vanish mid-session are part of what these tests do; nothing to report.
  });
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort!;
    sockets.set(port, socket);
    connectionCount++;
    maxConcurrent = Math.max(maxConcurrent, sockets.size);
    socket.on('close', () => sockets.delete(port));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    messages,
    connections: () => connectionCount,
    maxConcurrentConnections: () => maxConcurrent,
    behave(next) {
      behaviour = next;
    },
    dropConnections() {
      for (const socket of sockets.values()) socket.destroy();
    },
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`smtp-sink: ${messages.length} of ${count} messages after ${timeoutMs}ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets.values()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
