import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configurationDocument } from '../../src/config/docs.ts';

test('docs/configuration.md matches the settings table (run npm run docs:config after changing a setting)', () => {
  const onDisk = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  assert.equal(onDisk, configurationDocument());
});
