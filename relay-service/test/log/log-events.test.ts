import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOG_EVENTS, logEventsDocument } from '../../src/log-events.ts';
import { SMTP_LOG_EVENTS } from '../../src/smtp/log-events.ts';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

test('every event name logged in the sources is in the documented list', () => {
  const used = new Set<string>();
  for (const file of sources(SRC)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/event: '([a-z_.]+)'/g)) used.add(m[1]!);
    for (const m of readFileSync(file, 'utf8').matchAll(/event: `delivery\.\$\{[^}]+\}`/g)) void m;
  }
  for (const status of ['delivered', 'deferred', 'bounced', 'failed']) used.add(`delivery.${status}`);
  for (const name of Object.values(SMTP_LOG_EVENTS)) used.add(name);
  const missing = [...used].filter((name) => !(name in LOG_EVENTS));
  assert.deepEqual(missing, []);
});

test('docs/log-events.md is generated from the list (npm run docs:config)', () => {
  assert.equal(readFileSync(path.join(SRC, '../../docs/log-events.md'), 'utf8'), logEventsDocument());
});
