import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../lib/core/errors.js';
import { parseJsonText } from '../../lib/core/json.js';
import { loadConfig } from '../../lib/cli/config.js';
import { parseManifest } from '../../lib/manifest/read.js';

const isInput = (code: string, line: number | undefined) => (e: unknown) => {
  assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
  assert.equal(e.code, code);
  assert.equal(e.line, line);
  assert.ok(e.file, 'names the file');
  assert.ok(e.fix, 'has a fix');
  return true;
};

test('a JSON syntax error names the line where it broke', () => {
  const text = '{\n  "a": 1,\n  "b": ,\n}';
  assert.throws(
    () => parseJsonText(text, { code: 'XInvalidJson', file: 'x.json', what: 'x.json', fix: 'fix it' }),
    isInput('XInvalidJson', 3),
  );
  assert.deepEqual(parseJsonText('{"a":[1,2]}', { code: 'X', file: 'x', what: 'x', fix: 'f' }), { a: [1, 2] });
});

test('amlcdk.json and manifests with broken JSON are InputErrors with file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-json-'));
  try {
    writeFileSync(join(dir, 'amlcdk.json'), '{\n  "app": "tsx main.ts",\n}\n');
    assert.throws(() => loadConfig(dir), isInput('ConfigInvalidJson', 3));
    assert.throws(
      () => parseManifest('{\n"schemaVersion": 1\n"resources": []}', 'team.manifest.json'),
      isInput('ManifestInvalidJson', 3),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
