import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A throwaway WordPress (Debian's package, as unpacked by plugin/bin/test.sh) on MariaDB with
 * RelayPress active, built by the plugin's own PHP scripts (plugin/tests/bin/*.php) and served
 * by `php -S` on loopback. Its canonical address is `http://example.test` (write-wp-config.php
 * sets WP_HOME/WP_SITEURL); requests reach it on 127.0.0.1 with `Host: example.test`, as behind
 * a reverse proxy, so core's default From is `wordpress@example.test`.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PLUGIN_ROOT = path.join(ROOT, 'plugin');
const BIN = path.join(PLUGIN_ROOT, 'tests/bin');
export const WP_CACHE = process.env.RELAYPRESS_WP_CACHE ?? '/var/cache/relaypress/wordpress';
export const SITE_HOST = 'example.test';
/** Where Debian's wordpress package installs, which its links to other packages assume. */
const DEBIAN_WORDPRESS = '/usr/share/wordpress';
const DB = {
  RELAYPRESS_TEST_DB_HOST: process.env.RELAYPRESS_TEST_DB_HOST ?? '127.0.0.1',
  RELAYPRESS_TEST_DB_USER: process.env.RELAYPRESS_TEST_DB_USER ?? 'root',
  RELAYPRESS_TEST_DB_PASSWORD: process.env.RELAYPRESS_TEST_DB_PASSWORD ?? '',
};
/** Every PHP process: mail() must never reach a real MTA, whatever a test does. */
const PHP_INI = ['-d', 'sendmail_path=/bin/true'];
const CONFIG_BEGIN = '/* relaypress-e2e constants begin */';
const CONFIG_END = '/* relaypress-e2e constants end */';

export type PhpConstant = string | number | boolean;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export interface WordPressSite {
  dir: string;
  dbName: string;
  /** `http://127.0.0.1:PORT` once serve() ran. */
  baseUrl: string;
  /** Replaces the test's block of define()s in wp-config.php (read again by every request). */
  setConstants(constants: Record<string, PhpConstant>): void;
  /** Writes wp-content/mu-plugins/NAME.php. */
  muPlugin(name: string, code: string): void;
  /** Runs PHP code inside the site in a fresh process (plugin/tests/bin/wp-run.php). */
  php(code: string, timeoutMs?: number): Promise<{ stdout: string; stderr: string; ms: number }>;
  /** php() whose code echoes JSON. */
  phpJson<T = any>(code: string, timeoutMs?: number): Promise<T>;
  /** Starts `php -S` on an OS-chosen loopback port. */
  serve(): Promise<void>;
  /** A real HTTP request to the served site, `Host: example.test`. */
  request(pathname: string, options?: { method?: string; form?: Record<string, string>; timeoutMs?: number }): Promise<HttpAnswer>;
  /** The server's stderr so far (access log, PHP errors). */
  serverLog(): string;
  /** Stops the server, drops the database, removes the files. */
  destroy(): Promise<void>;
}

function run(file: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const ms = performance.now() - started;
      if (err) return reject(new Error(`${path.basename(file)} ${args.slice(-1)[0]?.slice(0, 200)} failed: ${err.message}\nstdout: ${stdout.slice(-3000)}\nstderr: ${stderr.slice(-3000)}`));
      resolve({ stdout, stderr, ms });
    });
  });
}

function phpLiteral(value: PhpConstant): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Fails with what to do when PHP, the unpacked WordPress or MariaDB is missing. */
async function checkPrerequisites(): Promise<void> {
  try {
    await run('php', ['-r', 'exit(function_exists("mysqli_connect") && function_exists("curl_init") ? 0 : 3);'], {}, 10_000);
  } catch (err) {
    throw new Error(`the WordPress end-to-end tests need php-cli with php-mysql and php-curl (bash plugin/bin/test.sh installs them): ${(err as Error).message.split('\n')[0]}`);
  }
  if (!existsSync(path.join(WP_CACHE, 'usr/share/wordpress/wp-load.php'))) {
    throw new Error(`no unpacked WordPress at ${WP_CACHE}: run \`bash plugin/bin/test.sh\` once (it unpacks Debian's wordpress package there)`);
  }
  try {
    await run('php', ['-r', 'mysqli_report(MYSQLI_REPORT_OFF); exit(@mysqli_connect(getenv("RELAYPRESS_TEST_DB_HOST"), getenv("RELAYPRESS_TEST_DB_USER"), getenv("RELAYPRESS_TEST_DB_PASSWORD")) ? 0 : 1);'], DB, 10_000);
  } catch {
    throw new Error(`MariaDB does not answer at ${DB.RELAYPRESS_TEST_DB_HOST} (scripts/ensure-services.sh or plugin/bin/test.sh starts it)`);
  }
}

/**
 * Debian's WordPress links the scripts other Debian packages ship (wp-includes/js/underscore.min.js
 * → ../../../javascript/underscore/…, libjs-underscore's /usr/share/javascript); in a copy those
 * relative links lead nowhere, so they are pointed where they resolve in Debian's own install.
 * Without underscore, wp-admin's scripts fail in a browser (`_ is not defined`).
 */
function relinkDebianScripts(dir: string): void {
  const jsDir = path.join(dir, 'wp-includes/js');
  for (const rel of readdirSync(jsDir, { recursive: true, encoding: 'utf8' })) {
    const link = path.join(jsDir, rel);
    if (!lstatSync(link).isSymbolicLink() || existsSync(link)) continue;
    const target = readlinkSync(link);
    if (path.isAbsolute(target)) continue;
    const resolved = path.resolve(DEBIAN_WORDPRESS, 'wp-includes/js', path.dirname(rel), target);
    if (!existsSync(resolved)) continue;
    unlinkSync(link);
    symlinkSync(resolved, link);
  }
}

export async function createWordPressSite(options: { constants?: Record<string, PhpConstant> } = {}): Promise<WordPressSite> {
  await checkPrerequisites();
  const work = mkdtempSync(path.join(tmpdir(), 'relaypress-e2e-wp-'));
  const dir = path.join(work, 'wordpress');
  const dbName = `relaypress_e2e_${randomBytes(6).toString('hex')}`;
  const env = { ...DB, RELAYPRESS_TEST_DB_NAME: dbName, RELAYPRESS_WP_DIR: dir };
  let server: ChildProcess | undefined;
  let serverExited: Promise<void> | undefined;
  let serverStderr = '';
  let baseUrl = '';

  const dropDatabase = () => run('php', ['-r', 'mysqli_report(MYSQLI_REPORT_OFF); $c=@mysqli_connect(getenv("RELAYPRESS_TEST_DB_HOST"), getenv("RELAYPRESS_TEST_DB_USER"), getenv("RELAYPRESS_TEST_DB_PASSWORD")); if ($c) { mysqli_query($c, "DROP DATABASE IF EXISTS `" . getenv("RELAYPRESS_TEST_DB_NAME") . "`"); }'], env, 20_000);

  const site: WordPressSite = {
    dir,
    dbName,
    get baseUrl() {
      return baseUrl;
    },
    setConstants(constants) {
      const file = path.join(dir, 'wp-config.php');
      const config = readFileSync(file, 'utf8');
      const start = config.indexOf(CONFIG_BEGIN);
      const end = config.indexOf(CONFIG_END);
      const anchor = "require_once ABSPATH . 'wp-settings.php';";
      const block = [CONFIG_BEGIN, ...Object.entries(constants).map(([name, value]) => `define( '${name}', ${phpLiteral(value)} );`), CONFIG_END].join('\n');
      let next: string;
      if (start !== -1 && end !== -1) next = config.slice(0, start) + block + config.slice(end + CONFIG_END.length);
      else if (config.includes(anchor)) next = config.replace(anchor, `${block}\n${anchor}`);
      else throw new Error('wp-config.php has no wp-settings.php require to put the constants before');
      writeFileSync(file, next);
    },
    muPlugin(name, code) {
      const muDir = path.join(dir, 'wp-content/mu-plugins');
      mkdirSync(muDir, { recursive: true });
      writeFileSync(path.join(muDir, `${name}.php`), code.startsWith('<?php') ? code : `<?php\n${code}\n`);
    },
    php(code, timeoutMs = 30_000) {
      return run('php', [...PHP_INI, path.join(BIN, 'wp-run.php'), code], { RELAYPRESS_WP_DIR: dir }, timeoutMs);
    },
    async phpJson(code, timeoutMs) {
      const { stdout } = await site.php(code, timeoutMs);
      try {
        return JSON.parse(stdout);
      } catch {
        throw new Error(`expected JSON from PHP, got: ${stdout.slice(0, 2000)}`);
      }
    },
    async serve() {
      if (server) return;
      // output_buffering as in php.ini-production: WordPress 6.1 on PHP 8.2 prints deprecation
      // notices (WP_DEBUG is on) and must still be able to send its headers afterwards.
      const child = spawn('php', [...PHP_INI, '-d', 'output_buffering=65536', '-S', '127.0.0.1:0', '-t', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
      server = child;
      serverExited = new Promise((resolve) => child.once('exit', () => resolve()));
      baseUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`php -S did not start: ${serverStderr}`)), 10_000);
        child.stderr!.setEncoding('utf8');
        child.stderr!.on('data', (chunk: string) => {
          serverStderr += chunk;
          const started = /Development Server \((http:\/\/127\.0\.0\.1:\d+)\) started/.exec(serverStderr);
          if (started && !baseUrl) {
            clearTimeout(timer);
            resolve(started[1]!);
          }
        });
        void serverExited!.then(() => {
          clearTimeout(timer);
          reject(new Error(`php -S exited: ${serverStderr}`));
        });
      });
    },
    request(pathname, { method = 'GET', form, timeoutMs = 30_000 } = {}) {
      if (!baseUrl) throw new Error('serve() first');
      const body = form ? new URLSearchParams(form).toString() : undefined;
      const url = new URL(pathname, baseUrl);
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const req = httpRequest(url, {
          method,
          headers: {
            host: SITE_HOST,
            ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}),
          },
          timeout: timeoutMs,
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`${method} ${pathname} took longer than ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      });
    },
    serverLog: () => serverStderr,
    async destroy() {
      if (server && server.exitCode === null && server.signalCode === null) {
        server.kill('SIGTERM');
        await serverExited;
      }
      await dropDatabase().catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    },
  };

  try {
    cpSync(path.join(WP_CACHE, 'usr/share/wordpress'), dir, { recursive: true, verbatimSymlinks: true });
    rmSync(path.join(dir, 'wp-config.php'), { force: true }); // Debian's looks up /etc/wordpress.
    relinkDebianScripts(dir);
    mkdirSync(path.join(dir, 'wp-content/plugins'), { recursive: true });
    mkdirSync(path.join(dir, 'wp-content/uploads'), { recursive: true });
    symlinkSync(path.join(PLUGIN_ROOT, 'relaypress'), path.join(dir, 'wp-content/plugins/relaypress'));
    await run('php', [path.join(BIN, 'write-wp-config.php'), path.join(dir, 'wp-config.php')], env, 20_000);
    await run('php', ['-r', 'mysqli_report(MYSQLI_REPORT_ERROR|MYSQLI_REPORT_STRICT); $c=mysqli_connect(getenv("RELAYPRESS_TEST_DB_HOST"), getenv("RELAYPRESS_TEST_DB_USER"), getenv("RELAYPRESS_TEST_DB_PASSWORD")); mysqli_query($c, "CREATE DATABASE `" . getenv("RELAYPRESS_TEST_DB_NAME") . "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");'], env, 20_000);
    // Installed unconfigured (as test.sh does): wp_install()'s own "new site" email goes to
    // core's mail(), i.e. /bin/true; the relay constants come afterwards.
    await run('php', [...PHP_INI, path.join(BIN, 'install-wordpress.php')], env, 60_000);
    site.setConstants(options.constants ?? {});
  } catch (err) {
    await site.destroy();
    throw err;
  }
  return site;
}
