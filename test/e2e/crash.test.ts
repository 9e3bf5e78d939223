/**
 * Crash safety: an apply of ≥ 50 resources, run as `node bin/amlcdk.js apply` in a child process against an
 * emulator started here, is SIGKILLed at seeded random moments (after a random number of writes reached ARM);
 * each rerun must converge with 0 duplicate creates (emulator counters) and 0 orphans (everything that exists is
 * in the state), and must take the killed run's lock over by itself (no break-lock). Trials: AMLCDK_CRASH_TRIALS (default 2 in `npm test`; `npm run test:reliability` runs 20).
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../lib/arm/retry.js';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import { FileStateStore } from '../../lib/state/file-store.js';
import { HttpArmClient, LocalCredential } from '../../lib/arm/index.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { record } from '../reliability/support.js';
import { cluster, manifest, workspace } from '../reconciler/fixtures.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';

const TRIALS = Number(process.env.AMLCDK_CRASH_TRIALS ?? 2);
const SEED = Number(process.env.AMLCDK_CRASH_SEED ?? 20261123);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'amlcdk.js');
const CLUSTERS = 52;

/** A workspace, its dependencies as plain resources, and 52 clusters: 53+ resources with one dependency layer. */
function bigManifest(rg: string, trial: number): Manifest {
  const ws = workspace('mlw-crash');
  const rebase = (r: ManifestResource): ManifestResource => ({
    ...r,
    id: r.id.replace('/resourceGroups/rg-test/', `/resourceGroups/${rg}/`),
  });
  const rs: ManifestResource[] = [rebase({ ...ws, body: { ...ws.body, properties: { friendlyName: 'crash' } } })];
  for (let i = 0; i < CLUSTERS; i++) {
    // Compute names are unique per region across workspaces: one set per trial.
    const c = cluster(`c${String(i).padStart(2, '0')}t${trial}x`, 'mlw-crash');
    rs.push(rebase({ ...c, logicalId: `Team/c${i}`, dependsOn: ['Team/mlw-crash'] }));
  }
  const m = manifest(rs, `Crash-${rg}`);
  return { ...m, stack: { ...m.stack, resourceGroup: rg } };
}

function fixHash(m: Manifest): Manifest {
  // manifest() hashed before the stack edit; recompute as synthesis would.
  const { hash: _h, ...rest } = m;
  void _h;
  return { ...rest, hash: '' };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function runApply(dir: string, file: string, emu: TestEmulator, killAfterWrites?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'apply', '--manifest', file, '--yes'], {
      cwd: dir,
      env: { ...process.env, AMLCDK_ARM_ENDPOINT: emu.url, AMLCDK_ARM_CA_FILE: emu.certPath, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    let timer: NodeJS.Timeout | undefined;
    if (killAfterWrites !== undefined) {
      const base = emu.counters().writes + emu.counters().deletes + emu.counters().actions;
      timer = setInterval(() => {
        const c = emu.counters();
        if (c.writes + c.deletes + c.actions - base >= killAfterWrites) {
          child.kill('SIGKILL');
          clearInterval(timer);
        }
      }, 2);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, output });
    });
  });
}

interface TrialFigures {
  trial: number;
  killedAfterWrites: number;
  killed: boolean;
  converged: boolean;
  orphans: number;
  duplicateCreates: number;
  resumed: boolean;
  /** The rerun took the killed run's lock over by itself (it said so, naming the old holder). */
  tookOverLock: boolean;
  /** A manual `state break-lock` was needed (never, since issue 14). */
  breakLock: boolean;
}

describe('crash safety: SIGKILL during apply, then rerun', () => {
  let emu: TestEmulator;
  let dir: string;
  // Figures for docs/reliability.md, written even when a trial fails (a failed trial counts as not converged).
  const trials: TrialFigures[] = [];
  beforeAll(async () => {
    emu = await startTestEmulator({
      quotas: { cpuDefault: 1_000_000 },
      durations: {
        default: { create: 60, update: 20, delete: 20, action: 20 },
        types: { 'Microsoft.MachineLearningServices/workspaces/computes': { create: 150 } },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'amlcdk-crash-'));
  });
  afterAll(async () => {
    record('crash', {
      seed: SEED,
      trialsPlanned: TRIALS,
      trialsRun: trials.length,
      converged: trials.filter((t) => t.converged).length,
      orphans: trials.reduce((n, t) => n + t.orphans, 0),
      duplicateCreates: trials.reduce((n, t) => n + t.duplicateCreates, 0),
      killed: trials.filter((t) => t.killed).length,
      tookOverLock: trials.filter((t) => t.killed && t.tookOverLock).length,
      breakLocks: trials.filter((t) => t.breakLock).length,
      resources: CLUSTERS + 1,
      trials,
    });
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(`${TRIALS} seeded kills: every rerun converges, 0 duplicate creates, 0 orphans`, async () => {
    const random = seededRandom(SEED);
    const client = new HttpArmClient({
      endpoint: emu.url,
      credential: new LocalCredential(),
      caCertPem: emu.caCertPem,
    });
    const kills: number[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const rg = `rg-crash-${t}`;
      const raw = bigManifest(rg, t);
      const { contentHash } = await import('../../lib/manifest/canonical.js');
      const { hash: _h, ...rest } = fixHash(raw);
      void _h;
      const m = { ...rest, hash: contentHash(rest) } as Manifest;
      assert.ok(m.resources.length >= 50);
      const file = join(dir, `crash-${t}.manifest.json`);
      writeFileSync(file, canonicalJson(m, 2));
      const killAfter = 1 + Math.floor(random() * m.resources.length);
      kills.push(killAfter);
      const killed = await runApply(dir, file, emu, killAfter);
      assert.ok(
        killed.signal === 'SIGKILL' || killed.code === 0,
        `trial ${t}: unexpected end ${killed.code} ${killed.output}`,
      );
      // The killed run's lock names a pid that is gone on this host: the rerun takes it over by itself and says
      // so, naming the old holder (no `amlcdk state break-lock`; issue 14 finding 9).
      const store = new FileStateStore({ dir: join(dir, '.amlcdk'), onNotice: () => undefined });
      const rerun = await runApply(dir, file, emu);
      const figures: TrialFigures = {
        trial: t,
        killedAfterWrites: killAfter,
        killed: killed.signal === 'SIGKILL',
        converged: false,
        orphans: 0,
        duplicateCreates: 0,
        resumed: /resumed an unfinished run/.test(rerun.output),
        tookOverLock: /took over the lock on stack .* from .*pid \d+/.test(rerun.output),
        breakLock: false,
      };
      trials.push(figures);
      assert.equal(rerun.code, 0, `trial ${t} (killed after ${killAfter} writes): rerun failed:\n${rerun.output}`);
      if (killed.signal === 'SIGKILL')
        assert.ok(figures.tookOverLock, `trial ${t}: the rerun did not say it took the lock over:\n${rerun.output}`);
      // 0 duplicate creates.
      const dup = Object.entries(emu.counters().creates).filter(
        ([id, n]) => id.includes(`/resourcegroups/${rg}/`) && n > 1,
      );
      figures.duplicateCreates = dup.length;
      // 0 orphans: everything in Azure is in the state, and the state has everything.
      const state = await store.load(m.stack.name);
      const owned = new Set(Object.values(state!.resources).map((r) => r.id.toLowerCase()));
      const ws = m.resources[0];
      const live = [ws.id, ...(await client.list(`${ws.id}/computes`, ws.apiVersion)).map((r) => r.id)];
      figures.orphans = live.filter((id) => !owned.has(id.toLowerCase())).length;
      figures.converged =
        figures.orphans === 0 &&
        dup.length === 0 &&
        owned.size === m.resources.length &&
        live.length === m.resources.length;
      assert.deepEqual(dup, [], `trial ${t}: duplicate creates`);
      for (const id of live) assert.ok(owned.has(id.toLowerCase()), `trial ${t}: orphan ${id}`);
      assert.equal(owned.size, m.resources.length, `trial ${t}: state has ${owned.size} of ${m.resources.length}`);
      assert.equal(live.length, m.resources.length);
      assert.deepEqual(await store.journal(m.stack.name).read(), [], 'journal truncated after the converged run');
      assert.ok(!/recovering/.test(rerun.output) || /resumed an unfinished run/.test(rerun.output));
    }
    process.stdout.write(`# crash trials: kills after ${kills.join(', ')} writes\n`);
  });
});
