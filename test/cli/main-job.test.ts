/** `npm start` (`amlcdk main-job`): synthesizes and validates the quickstart and prints its resource tree. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

test('main-job synthesizes the quickstart, re-validates every body and prints the tree', () => {
  const out = mkdtempSync(join(tmpdir(), 'amlcdk-main-job-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.AMLCDK_OUTDIR;
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'amlcdk.js'), 'main-job', '--outdir', out], { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /validate: 1 manifest\(s\), 9 resources, all bodies schema-valid/);
    assert.match(r.stdout, /Quickstart \(/);
    assert.match(r.stdout, /workspace\s+workspace-[a-z2-7]{6}/);
    assert.ok(existsSync(join(out, 'Quickstart.manifest.json')));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
