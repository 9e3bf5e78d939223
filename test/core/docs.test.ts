/** docs/constructs.md is generated from TSDoc: every construct is in it, and every optional prop of ours has a @default. */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate } from '../../scripts/gen-constructs-doc.js';
import { MAX_PROP_ARRAY_ITEMS } from '../../lib/core/props.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** Generated once (the compiler pass takes seconds) for both tests. */
let generated: string | undefined;
const doc = (): string => (generated ??= generate());

test('generated docs list every construct and give every optional prop of workspace/compute constructs a default', () => {
  const text = doc();
  const committed = readFileSync(join(ROOT, 'docs', 'constructs.md'), 'utf8');
  for (const name of [
    'App',
    'Stack',
    'Workspace',
    'ComputeInstance',
    'ComputeCluster',
    'AttachedCompute',
    'PersonalComputeInstances',
    'KeyVault',
    'WorkspaceStorageAccount',
    'ContainerRegistry',
  ]) {
    assert.match(text, new RegExp(`^## ${name}$`, 'm'), `${name} missing from the generated docs`);
    assert.match(committed, new RegExp(`^## ${name}$`, 'm'), `${name} missing from docs/constructs.md: regenerate it`);
  }
  // Sections of our constructs: no optional prop without a default, no prop without a description.
  const sections = text
    .split(/^## /m)
    .filter((s) => /^Source: `lib\/(constructs\/(workspace|compute)|core)\//m.test(s.split('\n').slice(2, 3).join('')));
  assert.ok(sections.length >= 8, `found ${sections.length} sections`);
  for (const s of sections) {
    for (const row of s.split('\n').filter((l) => l.startsWith('| `'))) {
      const cells = row.split(/(?<!\\)\|/).map((c) => c.trim());
      const [, prop, , required, dflt, desc] = cells;
      assert.ok(desc && desc.length > 0, `${s.split('\n')[0]} ${prop}: no description`);
      if (required === 'no')
        assert.notEqual(dflt, '_none_', `${s.split('\n')[0]} ${prop}: optional prop without @default`);
    }
  }
});

test('docs/constructs.md is current and states the prop limits (array size, holes) with their codes', () => {
  const text = doc();
  const committed = readFileSync(join(ROOT, 'docs', 'constructs.md'), 'utf8');
  assert.ok(committed === text, 'docs/constructs.md is stale: run `npm run docs`');
  const limits = text.split('\n## Prop values and construct ids\n')[1]?.split('\n## ')[0] ?? '';
  assert.match(
    limits,
    new RegExp(
      `at most ${MAX_PROP_ARRAY_ITEMS.toLocaleString('en-US')} items, no holes[^\n]*\\| \`InvalidPropType\` \\|`,
    ),
  );
  assert.match(limits, /\| Construct ids \|[^\n]*\| `InvalidConstructId`/);
});

test('the building blocks include the value types props take: VmPriority, IsolationMode, DeletePolicy, with every value', () => {
  const committed = readFileSync(join(ROOT, 'docs', 'constructs.md'), 'utf8');
  const blocks = committed.split('\n## Building blocks\n')[1]?.split('\n## ')[0] ?? '';
  const section = (name: string): string => blocks.split(`\n### ${name}\n`)[1]?.split('\n### ')[0] ?? '';
  const values: Record<string, string[]> = {
    VmPriority: ['Dedicated', 'LowPriority'],
    IsolationMode: ['Disabled', 'AllowInternetOutbound', 'AllowOnlyApprovedOutbound'],
    DeletePolicy: ['Delete', 'Detach', 'Retain', 'Purge'],
  };
  for (const [name, vals] of Object.entries(values)) {
    const s = section(name);
    assert.ok(s, `docs/constructs.md's building blocks lack ${name}`);
    assert.match(s, new RegExp(`^Values: ${vals.map((v) => `\`'${v}'\``).join(', ')}$`, 'm'), name);
  }
  // The enum-like constants, as users write them.
  assert.match(section('VmPriority'), /\| `VmPriority\.LOW_PRIORITY` \| `'LowPriority'` \|/);
  assert.match(section('IsolationMode'), /\| `IsolationMode\.ALLOW_INTERNET_OUTBOUND` \| `'AllowInternetOutbound'` \|/);
});
