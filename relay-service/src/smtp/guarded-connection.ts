/**
 * The places where the relay reaches into smtp-server beyond its handler callbacks, kept in
 * this one file and pinned by test/smtp: every reply passes through one `send`, so each
 * carries an enhanced status code and our table's wording; the command parser runs a
 * deadline over each command line and each DATA transfer (the socket timeout only measures
 * silence, so a client trickling a byte every few seconds would hold a slot forever); an
 * over-long command line gets 500 5.5.2 instead of the library's 421; the greeting goes
 * out without the library's fixed 100 ms early-talker pause (configurable); and shutdown
 * lets transactions in flight finish before connections are cut.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import tlsModule from 'node:tls';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import {
  ENHANCED_PREFIX,
  LIBRARY_FALLBACK_ENHANCED,
  LIBRARY_REPLY_OVERRIDES,
  REPLIES,
  replyText,
  type SmtpReply,
} from './replies.ts';

export type DeadlinePhase = 'command' | 'data';

export interface ConnectionGuards {
  /** A command line must be complete this long after its first byte arrived. */
  commandDeadlineMs: number;
  /** The whole message must be transferred this long after the 354. */
  dataDeadlineMs: number;
  /**
   * Pause before the 220 greeting; a client that talks during it is refused ("You talk too
   * soon"). smtp-server hard-codes 100 ms. Pregreet detection is a port-25 defence against
   * spam bots (Postfix's postscreen); on submission every client authenticates (or comes
   * from a trusted network), and with a connection per message the pause alone capped a
   * 20-session client at 20 / 0.1 s = 200 messages a second. Default 0.
   */
  greetingDelayMs?: number;
  onDeadline?(session: SMTPServerSession, phase: DeadlinePhase): void;
  onProtocolError?(session: SMTPServerSession, err: Error): void;
}

type Callback = (err?: Error | null) => void;

/** smtp-server's parser with a deadline over each command line and each DATA transfer. */
class DeadlineStream extends SMTPStream {
  #timer: NodeJS.Timeout | undefined;
  readonly #guards: ConnectionGuards;
  readonly #onExpired: (phase: DeadlinePhase) => void;

  constructor(maxCommandLength: number | undefined, guards: ConnectionGuards, onExpired: (phase: DeadlinePhase) => void) {
    super({ maxCommandLength });
    this.#guards = guards;
    this.#onExpired = onExpired;
  }

  override _write(chunk: Buffer, encoding: BufferEncoding | 'buffer', next: Callback): void {
    if (!this._dataMode) this.#arm('command');
    super._write(chunk, encoding, (err) => {
      // The chunk ended inside a command line: that line's clock is already running.
      if (!err && !this._dataMode && this._remainder.length > 0) this.#arm('command');
      next(err);
    });
  }

  override startDataMode(maxBytes?: number | string | null) {
    this.stopDeadline();
    const stream = super.startDataMode(maxBytes);
    this.#arm('data');
    return stream;
  }

  override _endDataMode(chunk: Buffer | false, remainder: Buffer, callback: Callback): void {
    this.stopDeadline();
    super._endDataMode(chunk, remainder, callback);
  }

  /** A complete command line was read; what the server does with it is not the client's time. */
  commandReceived(): void {
    this.stopDeadline();
  }

  stopDeadline(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(phase: DeadlinePhase): void {
    if (this.#timer || this.isClosed) return;
    const ms = phase === 'command' ? this.#guards.commandDeadlineMs : this.#guards.dataDeadlineMs;
    if (!(ms > 0)) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A parser retired by STARTTLS or by the connection closing has nobody to answer.
      if (!this.isClosed) this.#onExpired(phase);
    }, ms);
    this.#timer.unref();
  }
}

class GuardedConnection extends SMTPConnection {
  // Mirrors SMTPConnection#init with the greeting delay from the guards.
  override init(): void {
    const delayMs = (this._server as GuardedServer).guards.greetingDelayMs ?? 0
    this._setListeners(() => {
      const { maxClients } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) {
        return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      }
      if (delayMs <= 0) return this.connectionReady();
      setTimeout(() => this.connectionReady(), delayMs).unref();
    });
  }

  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    // smtp-server lists AUTH in EHLO before TLS too; mechanisms the client may not use yet
    // would only invite it to send its password in the clear (Postfix: smtpd_tls_auth_only).
    if (Array.isArray(data) && code === 250 && !this.secure) {
      return super.send(code, data.filter((line) => !/^AUTH\b/i.test(line)), context);
    }
    const override = LIBRARY_REPLY_OVERRIDES[code];
    if (override) return super.send(override.code, replyText(override), false);
    if (typeof data === 'string' && ENHANCED_PREFIX.test(data)) return super.send(code, data, false);
    if (code === 421 && this._server._closeTimeout) return super.send(code, replyText(REPLIES.shuttingDown), false);
    const fallback = LIBRARY_FALLBACK_ENHANCED[code];
    if (context === false && fallback && typeof data === 'string') return super.send(code, `${fallback} ${data}`, false);
    super.send(code, data, context);
  }

  sendReply(reply: SmtpReply): void {
    this.send(reply.code, replyText(reply), false);
  }

  // Called from the SMTPConnection constructor as well as on STARTTLS, so it may only use
  // what the base constructor has set by then (this._server).
  override _createParser(): SMTPStream {
    const server = this._server as GuardedServer;
    const parser: DeadlineStream = new DeadlineStream(server.options.maxCommandLength, server.guards, (phase) => {
      server.guards.onDeadline?.(this.session, phase);
      this.sendReply(phase === 'command' ? REPLIES.commandDeadline : REPLIES.dataDeadline);
    });
    parser.oncommand = (command, callback) => {
      parser.commandReceived();
      this._onCommand(command, callback);
    };
    parser.on('error', (err: Error) => {
      server.guards.onProtocolError?.(this.session, err);
      // The parser cannot resume after an error, so the connection ends after the reply.
      this.sendReply(/too long/i.test(err.message) ? REPLIES.commandTooLong : REPLIES.streamFailure);
      this.close();
    });
    return parser;
  }

  override _onClose(): void {
    if (this._parser instanceof DeadlineStream) this._parser.stopDeadline();
    super._onClose();
    (this._server as GuardedServer).live.delete(this);
  }

  /** True when nothing would be lost by cutting the connection now. */
  isIdle(): boolean {
    return (
      !this._upgrading &&
      !this._handlerPending &&
      !this._dataStream &&
      !(this.session.envelope && this.session.envelope.mailFrom)
    );
  }
}

export class GuardedServer extends SMTPServer {
  readonly guards: ConnectionGuards;
  readonly live = new Set<GuardedConnection>();

  constructor(options: SMTPServerOptions, guards: ConnectionGuards) {
    super(options);
    this.guards = guards;
  }

  // Mirrors SMTPServer#connect, with our connection class in place of the library's.
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new GuardedConnection(this, socket, socketOptions);
    this.connections.add(connection);
    this.live.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }

  /**
   * Stops listening, ends idle sessions with 421 at once, lets the others finish what they
   * are doing (smtp-server answers their next command with 421) and, after graceMs,
   * destroys whatever is left. Resolves once every socket is gone.
   */
  shutdown(graceMs: number): Promise<void> {
    this.options.closeTimeout = Math.max(1, graceMs);
    const wasListening = this.server.listening;
    return new Promise((resolve) => {
      if (wasListening) this.server.once('close', () => resolve());
      super.close(() => {
        for (const connection of this.live) connection._socket.destroy();
        if (!wasListening) resolve();
      });
      for (const connection of this.live) {
        if (connection.isIdle()) connection.sendReply(REPLIES.shuttingDown);
      }
    });
  }
}

/**
 * Swaps the certificate without a restart (SIGHUP after a renewal): STARTTLS upgrades read
 * the server's secure context at each upgrade, and an implicit-TLS listener gets its
 * context replaced. Sessions already on TLS keep the one they negotiated. Throws, leaving
 * the old certificate in place, when the key does not match the certificate.
 */
export function reloadServerTls(server: SMTPServer, material: { key: string | Buffer; cert: string | Buffer }): void {
  // Validates the pair before touching the server.
  tlsModule.createSecureContext({ key: material.key, cert: material.cert });
  server.updateSecureContext({ key: material.key, cert: material.cert });
  const listener = server.server as net.Server & { setSecureContext?: (options: tls.SecureContextOptions) => void };
  if (server.options.secure && typeof listener.setSecureContext === 'function') listener.setSecureContext({ key: material.key, cert: material.cert });
}
