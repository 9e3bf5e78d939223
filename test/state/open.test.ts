import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openStateStore } from '../../lib/state/open.js';
import { FileStateStore } from '../../lib/state/file-store.js';
import { BlobStateStore } from '../../lib/state/blob-store.js';
import { InputError } from '../../lib/core/errors.js';

// A path that is never created: openStateStore only resolves it.
const cwd = join(tmpdir(), 'amlcdk-open-test-project');

test('file (default) is .amlcdk under the working directory', () => {
  for (const loc of [undefined, 'file', '']) {
    const s = openStateStore(loc, { cwd });
    assert.ok(s instanceof FileStateStore);
    assert.equal(s.dir, join(cwd, '.amlcdk'));
    assert.equal(s.location, 'file://.amlcdk');
  }
});

test('file://<dir> is relative to the working directory or absolute', () => {
  const rel = openStateStore('file://state/dev', { cwd });
  assert.ok(rel instanceof FileStateStore);
  assert.equal(rel.dir, join(cwd, 'state', 'dev'));
  const abs = openStateStore(`file://${join(cwd, 'elsewhere')}`, { cwd });
  assert.ok(abs instanceof FileStateStore);
  assert.equal(abs.dir, join(cwd, 'elsewhere'));
});

test('azblob:// opens the blob store without touching the network', () => {
  const s = openStateStore('azblob://mystateacct/amlcdk-state/team-a', { cwd, blob: { accountKey: 'not-used-here' } });
  assert.ok(s instanceof BlobStateStore);
  assert.equal(s.location, 'azblob://mystateacct/amlcdk-state/team-a');
});

test('anything else is InvalidStateLocation with the allowed forms and a fix', () => {
  for (const bad of ['s3://bucket/x', 'file://', 'azblob://UPPER/c', 'gs://b']) {
    assert.throws(
      () => openStateStore(bad, { cwd }),
      (e: unknown) =>
        e instanceof InputError && e.code === 'InvalidStateLocation' && /allowed/.test(e.message) && !!e.fix,
      bad,
    );
  }
  // Named by where it was set: amlcdk.json by default (file and line of the config), or the option.
  assert.throws(
    () => openStateStore('gs://b', { cwd }),
    (e: unknown) => e instanceof InputError && e.file === 'amlcdk.json' && /in amlcdk\.json/.test(e.fix ?? ''),
  );
  assert.throws(
    () => openStateStore('gs://b', { cwd, source: '--state' }),
    (e: unknown) =>
      e instanceof InputError &&
      e.file === undefined &&
      e.message.startsWith('--state: ') &&
      /set --state /.test(e.fix ?? ''),
  );
});
