import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { selfSignedCertificate } from './self-signed-cert.ts';
import { closedPort } from './smtp-sink.ts';

/**
 * A throwaway Postfix (Debian's) receiving mail for one domain on 127.0.0.1, with its own
 * config, queue and maildirs under a temp folder: a second, independent SMTP implementation
 * to deliver to. Known users get virtual maildirs; anyone else is refused at RCPT with
 * 550 5.1.1 (smtpd_reject_unlisted_recipient, on by default).
 */

export interface PostfixMx {
  host: string;
  port: number;
  domain: string;
  masterPid: number;
  /** Raw messages delivered to `user`'s maildir so far. */
  delivered(user: string): Promise<string[]>;
  /** Postfix's log so far (for failure messages). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

export interface PostfixMxOptions {
  domain: string;
  users: string[];
  /** Offer STARTTLS with a self-signed certificate. */
  starttls?: boolean;
  /**
   * Domains accepted for any recipient at RCPT and handed to `transports` afterwards: with
   * `error:5.1.1 ...` as the transport, Postfix accepts and then bounces asynchronously.
   */
  relayDomains?: string[];
  /** transport_maps entries, e.g. `{ 'rp.shop.test': 'smtp:[127.0.0.1]:2525' }` (where bounces go). */
  transports?: Record<string, string>;
}

const run = promisify(execFile);

/** Why Postfix cannot run here, or null when it can (tests skip with this reason). */
export async function postfixUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'Postfix needs root to start its master process';
  try {
    await access('/usr/sbin/postfix', constants.X_OK);
    return null;
  } catch {
    return 'Debian postfix is not installed (/usr/sbin/postfix missing)';
  }
}

async function postfixIds(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith('postfix:'));
  if (!line) throw new Error('postfix-mx: no postfix user in /etc/passwd');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function mainCf(dir: string, port: number, options: PostfixMxOptions, ids: { uid: number; gid: number }): string {
  const mailboxes = options.users.map((u) => `${u}@${options.domain}=${options.domain}/${u}/`).join(', ');
  const lines = [
    '# written by relay-service/test/helpers/postfix-mx.ts: a receiving MX for tests',
    'compatibility_level = 3.6',
    'myhostname = mx.postfix.test',
    'mydomain = postfix.test',
    'mydestination =',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'mynetworks = 127.0.0.0/8',
    `queue_directory = ${dir}/spool`,
    `data_directory = ${dir}/data`,
    // No syslogd here: postlogd writes the log to a file, which must sit under a listed prefix.
    `maillog_file = ${dir}/maillog`,
    `maillog_file_prefixes = ${dir}`,
    'alias_maps =',
    'alias_database =',
    'biff = no',
    'smtputf8_enable = no',
    `virtual_mailbox_domains = ${options.domain}`,
    `virtual_mailbox_maps = inline:{ ${mailboxes} }`,
    `virtual_mailbox_base = ${dir}/mail`,
    `virtual_uid_maps = static:${ids.uid}`,
    `virtual_gid_maps = static:${ids.gid}`,
    // Nothing may leave the box: any non-local destination would try real DNS and port 25.
    'default_transport = error:outbound mail disabled in tests',
    'relay_transport = error:outbound mail disabled in tests',
  ];
  if (options.relayDomains?.length) lines.push(`relay_domains = ${options.relayDomains.join(', ')}`);
  if (options.transports && Object.keys(options.transports).length > 0) {
    // `{ key = value }` lets a value contain spaces (an error transport's text).
    const entries = Object.entries(options.transports).map(([domain, transport]) => `{ ${domain} = ${transport} }`);
    lines.push(`transport_maps = inline:{ ${entries.join(', ')} }`);
  }
  if (options.starttls) {
    lines.push('smtpd_tls_security_level = may', `smtpd_tls_cert_file = ${dir}/etc/cert.pem`, `smtpd_tls_key_file = ${dir}/etc/key.pem`);
  }
  return `${lines.join('\n')}\n`;
}

function masterCf(port: number): string {
  // Debian's service list without chroot (a temp queue has no chroot skeleton), smtpd on our port.
  return `127.0.0.1:${port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`postfix-mx: ${what} after ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startPostfixMx(options: PostfixMxOptions): Promise<PostfixMx> {
  const dir = await mkdtemp(join(tmpdir(), 'relaypress-postfix-'));
  // Postfix's unprivileged daemons (virtual runs as the postfix user) must traverse the folder.
  await chmod(dir, 0o755);
  const ids = await postfixIds();
  const port = await closedPort();
  await Promise.all(['etc', 'spool', 'data', 'mail'].map((d) => mkdir(join(dir, d))));
  await chown(join(dir, 'data'), ids.uid, ids.gid);
  await chown(join(dir, 'mail'), ids.uid, ids.gid);
  if (options.starttls) {
    const pair = selfSignedCertificate();
    await writeFile(join(dir, 'etc', 'cert.pem'), pair.cert);
    await writeFile(join(dir, 'etc', 'key.pem'), pair.key, { mode: 0o600 });
  }
  await writeFile(join(dir, 'etc', 'main.cf'), mainCf(dir, port, options, ids));
  await writeFile(join(dir, 'etc', 'master.cf'), masterCf(port));

  const conf = join(dir, 'etc');
  try {
    // `check` creates the queue subfolders with the ownership Postfix wants.
    await run('/usr/sbin/postfix', ['-c', conf, 'check']);
    await run('/usr/sbin/postfix', ['-c', conf, 'start']);
    await until(() => portOpen(port), 20_000, `nothing listening on 127.0.0.1:${port}`);
  } catch (err) {
    const log = await readFile(join(dir, 'maillog'), 'utf8').catch(() => '');
    await run('/usr/sbin/postfix', ['-c', conf, 'stop']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`postfix-mx: could not start Postfix: ${(err as Error).message}\n${log.slice(-2000)}`);
  }
  const masterPid = Number((await readFile(join(dir, 'spool', 'pid', 'master.pid'), 'utf8')).trim());

  return {
    host: '127.0.0.1',
    port,
    domain: options.domain,
    masterPid,
    async delivered(user) {
      const folder = join(dir, 'mail', options.domain, user, 'new');
      const files = await readdir(folder).catch(() => [] as string[]);
      return Promise.all(files.map((f) => readFile(join(folder, f), 'utf8')));
    },
    log() {
      return readFile(join(dir, 'maillog'), 'utf8').catch(() => '');
    },
    async stop() {
      // SIGTERM to the master stops it and its children (postfix(1) "stop" does the same).
      if (processAlive(masterPid)) process.kill(masterPid, 'SIGTERM');
      await until(async () => !processAlive(masterPid), 10_000, `master ${masterPid} still running`).catch(() => {
        if (processAlive(masterPid)) process.kill(masterPid, 'SIGKILL');
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
