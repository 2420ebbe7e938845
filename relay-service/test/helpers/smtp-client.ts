/**
 * A raw SMTP client for protocol tests: it writes exactly the bytes it is given (bare LF,
 * pipelined commands, a byte at a time) and reads replies as the server framed them.
 * Every wait is bounded by `timeoutMs`, so a server that never answers fails the test
 * instead of hanging it.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface Reply {
  code: number;
  /** Text of each line after "250-" / "250 ". */
  lines: string[];
  /** The last line as sent, e.g. "250 2.0.0 Ok". */
  last: string;
  /** Enhanced status code of the last line, or '' if it has none. */
  enhanced: string;
}

export class SmtpTestClient {
  #socket: net.Socket;
  #buffer = '';
  #waiters: Array<() => void> = [];
  #closed = false;
  readonly timeoutMs: number;

  private constructor(socket: net.Socket, timeoutMs: number) {
    this.#socket = socket;
    this.timeoutMs = timeoutMs;
    this.#attach(socket);
  }

  static async connect(port: number, options: { implicitTls?: boolean; timeoutMs?: number } = {}): Promise<SmtpTestClient> {
    const timeoutMs = options.timeoutMs ?? 5_000;
    const socket = options.implicitTls
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, servername: 'localhost' })
      : net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.implicitTls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new SmtpTestClient(socket, timeoutMs);
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(data: string | Buffer): void {
    this.#socket.write(data);
  }

  /** Sends one command line (CRLF appended) and reads its reply. */
  async command(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  /** Reads the next complete (possibly multi-line) reply. */
  async reply(): Promise<Reply> {
    for (;;) {
      const reply = this.#takeReply();
      if (reply) return reply;
      if (this.#closed) throw new Error(`connection closed, unread: ${JSON.stringify(this.#buffer)}`);
      await this.#wait();
    }
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(): Promise<void> {
    while (!this.#closed) await this.#wait();
  }

  /** Everything received and not yet read as a reply. */
  get unread(): string {
    return this.#buffer;
  }

  async ehlo(name = 'client.test'): Promise<Reply> {
    return this.command(`EHLO ${name}`);
  }

  /** STARTTLS and the handshake; replies that follow come over TLS. */
  /** The server's certificate once the connection is on TLS. */
  peerCertificate(): tls.PeerCertificate | undefined {
    return this.#socket instanceof tls.TLSSocket ? this.#socket.getPeerCertificate() : undefined;
  }

  async startTls(): Promise<Reply> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) return reply;
    await this.upgrade();
    return reply;
  }

  /** TLS handshake on the current socket, for tests that sent STARTTLS themselves. */
  async upgrade(): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.#socket = secure;
    this.#attach(secure);
  }

  async authPlain(username: string, password: string): Promise<Reply> {
    return this.command(`AUTH PLAIN ${Buffer.from(`\0${username}\0${password}`).toString('base64')}`);
  }

  /** EHLO, STARTTLS (unless already on TLS), EHLO, AUTH PLAIN; asserts nothing. */
  async login(username: string, password: string, { tls: useTls = true } = {}): Promise<Reply> {
    await this.reply(); // greeting
    await this.ehlo();
    if (useTls) {
      await this.startTls();
      await this.ehlo();
    }
    return this.authPlain(username, password);
  }

  /** Resets the TCP connection (RST), as a crashed client or middlebox would. */
  reset(): void {
    const raw = this.#socket instanceof tls.TLSSocket ? (this.#socket as tls.TLSSocket & { _parent?: net.Socket })._parent : this.#socket;
    (raw ?? this.#socket).resetAndDestroy();
  }

  close(): void {
    this.#socket.destroy();
  }

  #attach(socket: net.Socket): void {
    socket.setEncoding('binary');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#wake();
    });
    const onGone = () => {
      this.#closed = true;
      this.#wake();
    };
    socket.on('end', onGone);
    socket.on('close', onGone);
    socket.on('error', onGone);
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${this.timeoutMs} ms; unread: ${JSON.stringify(this.#buffer)}`)), this.timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #takeReply(): Reply | undefined {
    const lines: string[] = [];
    let offset = 0;
    for (;;) {
      const end = this.#buffer.indexOf('\r\n', offset);
      if (end === -1) return undefined;
      const line = this.#buffer.slice(offset, end);
      offset = end + 2;
      const match = /^(\d{3})([ -])(.*)$/.exec(line);
      if (!match) throw new Error(`malformed reply line ${JSON.stringify(line)}`);
      lines.push(match[3]!);
      if (match[2] === ' ') {
        this.#buffer = this.#buffer.slice(offset);
        const enhanced = /^([245]\.\d{1,3}\.\d{1,3}) /.exec(match[3]!)?.[1] ?? '';
        return { code: Number(match[1]), lines, last: line, enhanced };
      }
    }
  }
}
