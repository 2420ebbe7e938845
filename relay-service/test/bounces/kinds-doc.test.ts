import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { KIND_BY_CATEGORY } from '../../src/bounces/classify.ts';
import { loadBounceRules } from '../../src/delivery/classify.ts';
import { classifyConnectionFailure } from '../../src/delivery/classify.ts';

test('docs/bounces.md lists exactly the hard/soft/block table of the code', () => {
  const doc = readFileSync(new URL('../../../docs/bounces.md', import.meta.url), 'utf8');
  const table = doc.slice(doc.indexOf('<!-- kinds:start -->'), doc.indexOf('<!-- kinds:end -->'));
  const rows = [...table.matchAll(/^\| `([a-z_]+)` \| ([a-z]+) \|/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(Object.fromEntries(rows), KIND_BY_CATEGORY);
});

test('every category the rules file or the delivery code can produce has a kind', () => {
  const categories = new Set(loadBounceRules().map((r) => r.category));
  for (const kind of ['connection', 'timeout', 'tls', 'protocol'] as const) categories.add(classifyConnectionFailure(kind).category);
  categories.add('other');
  for (const category of categories) assert.ok(category in KIND_BY_CATEGORY, `${category} has no row in KIND_BY_CATEGORY`);
});
