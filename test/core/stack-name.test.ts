/**
 * One stack-name rule (issue 14 finding 10): the Stack construct, the manifest schema, both state stores and
 * docs/state.md agree, and names Windows reserves for devices (`CON`, `nul`, `Com1`, …) are refused everywhere.
 */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, InputError, Stack, validateManifest } from '../../lib/index.js';
import { STACK_NAME_ALLOWED, stackNameProblem } from '../../lib/core/stack-name.js';
import { FileStateStore } from '../../lib/state/file-store.js';
import { Template } from '../../lib/testing/index.js';
import { manifest } from '../reconciler/fixtures.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const ROOT = join(import.meta.dirname, '..', '..');

const GOOD = ['Team', 'a', 'dev-01', 'A_B-c', 'x'.repeat(64), 'CONSOLE', 'com10', 'lpt', 'Nul2'];
const BAD = [
  'CON',
  'con',
  'Prn',
  'aux',
  'NUL',
  'COM1',
  'com0',
  'LPT9',
  '',
  'x'.repeat(65),
  'a.b',
  '-a',
  '_a',
  'a b',
  'a/b',
  '..',
];

function synthErrors(name: string): string[] {
  const app = new App();
  new Stack(app, name, { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  try {
    Template.synthScope(app).hasError('InvalidStackName');
    return ['InvalidStackName'];
  } catch {
    return [];
  }
}

test('the Stack construct, the manifest schema and the state store apply the same rule', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-stackname-'));
  try {
    const store = new FileStateStore({ dir, onNotice: () => undefined });
    for (const name of [...GOOD, ...BAD]) {
      const ok = GOOD.includes(name);
      assert.equal(stackNameProblem(name) === undefined, ok, `rule: ${name}`);
      // The construct (an empty id is the root's, so it is only checked through the rule and the stores).
      if (name !== '' && !name.includes('/')) assert.deepEqual(synthErrors(name), ok ? [] : ['InvalidStackName'], name);
      // The manifest schema.
      const issues = validateManifest(manifest([], name)).filter((i) => i.pointer === '/stack/name');
      assert.equal(issues.length === 0, ok, `schema: ${name}`);
      // The state store.
      const refused = await store.load(name).then(
        () => false,
        (e: unknown) => e instanceof InputError && e.code === 'InvalidStackName',
      );
      assert.equal(refused, !ok, `store: ${name}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/state.md states the rule the code applies', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'state.md'), 'utf8').replace(/\s+/g, ' ');
  assert.ok(doc.includes(STACK_NAME_ALLOWED), `docs/state.md must say: ${STACK_NAME_ALLOWED}`);
  assert.doesNotMatch(doc, /1–128/);
});
