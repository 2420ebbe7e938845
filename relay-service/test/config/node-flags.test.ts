import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

// The memory figures in bench/README.md hold only for the flags production runs with.
test('npm start, the Docker image and the bench run the relay with the same Node flags', () => {
  const start = /exec node ((?:--\S+ )*)relay-service\/bin\/relaypress-relay\.js start/.exec(read('scripts/start.sh'));
  assert.ok(start, 'scripts/start.sh starts the relay');
  const flags = start[1]!.trim().split(' ').filter(Boolean);
  assert.ok(flags.includes('--max-semi-space-size=8'), 'the young generation is capped');
  const docker = /^CMD \["node", (.*), "relay-service\/bin\/relaypress-relay\.js", "start"\]$/m.exec(read('relay-service/Dockerfile'));
  assert.ok(docker, 'the Dockerfile starts the relay');
  assert.deepEqual(JSON.parse(`[${docker[1]}]`), flags);
  const bench = /const RELAY_NODE_FLAGS = (\[.*\]);/.exec(read('bench/bench.mjs'));
  assert.ok(bench, 'the bench names its relay flags');
  assert.deepEqual(JSON.parse(bench[1]!.replace(/'/g, '"')), flags);
});
