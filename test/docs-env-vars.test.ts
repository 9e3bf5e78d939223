/**
 * Docs tell the truth about configuration: every AMLCDK_* environment variable the library or the CLI reads is
 * documented in README.md or docs/ (AMLCDK_ARM_ENDPOINT / AMLCDK_ARM_CA_FILE were only in a code comment).
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function files(dir: string, ext: string): string[] {
  return [...readdirSync(dir, { recursive: true, encoding: 'utf8' })]
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f));
}

describe('environment variables', () => {
  test('every AMLCDK_* variable read in lib/ is documented', () => {
    const read = new Set<string>();
    for (const f of files(join(ROOT, 'lib'), '.ts')) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/process\.env(?:\.|\[['"])(AMLCDK_[A-Z0-9_]+)/g)) read.add(m[1]);
      for (const m of text.matchAll(/['"`](AMLCDK_[A-Z0-9_]+?)_?(?:\$\{|['"`])/g)) read.add(m[1]);
    }
    assert.ok(read.has('AMLCDK_ARM_ENDPOINT') && read.has('AMLCDK_ARM_CA_FILE'), 'the scan finds the variables');
    const docs = [join(ROOT, 'README.md'), ...files(join(ROOT, 'docs'), '.md')]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const missing = [...read].filter((v) => !docs.includes(v)).sort();
    assert.deepEqual(missing, [], `document these in README.md or docs/: ${missing.join(', ')}`);
  });
});
