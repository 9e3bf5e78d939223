/**
 * Warnings from synthesis (a GPU family with zero quota in new subscriptions) are repeated by check and plan, where
 * the decision is made; an acknowledged warning is not.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Annotations, App, ComputeCluster, Stack, VmSize, Workspace } from '../../lib/index.js';
import { buildManifests } from '../../lib/core/synth.js';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import { runCheck } from '../../lib/cli/commands/check.js';
import { loadDesired } from '../../lib/cli/commands/plan.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'amlcdk-warn-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One stack with an A100 cluster; `ack` acknowledges the zero-quota warning. */
function manifestDir(name: string, ack: boolean): string {
  const app = new App();
  const stack = new Stack(app, 'Gpu', {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'rg',
    location: 'westeurope',
  });
  const ws = new Workspace(stack, 'Ws', { tenantId: '11111111-1111-1111-1111-111111111111' });
  const c = new ComputeCluster(ws, 'A100', { vmSize: VmSize.STANDARD_NC24ADS_A100_V4, maxNodeCount: 2 });
  if (ack) Annotations.of(c).acknowledgeWarning('azureml:compute:zeroQuotaByDefault', 'quota approved (ticket 1)');
  const { manifests, diagnostics } = buildManifests(app);
  assert.deepEqual(
    diagnostics.filter((d) => d.level === 'error').map((d) => d.code),
    [],
  );
  const out = join(dir, name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  for (const m of manifests) writeFileSync(join(out, `${m.stack.name}.manifest.json`), canonicalJson(m, 2));
  return out;
}

/** Run `fn`, returning what it wrote to stderr. */
async function stderrOf(fn: () => Promise<unknown>): Promise<string> {
  const chunks: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = (c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  };
  try {
    await fn();
  } finally {
    process.stderr.write = original;
  }
  return chunks.join('');
}

const sink = new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream;

describe('open synthesis warnings in check and plan', () => {
  test('the zero-quota warning is printed by check and by plan (loadDesired); acknowledged, it is not', async () => {
    const open = manifestDir('open', false);
    const checked = await stderrOf(() =>
      runCheck({ manifest: open, output: join(dir, 'r.json'), format: 'json' }, sink),
    );
    assert.match(checked, /warning \[Gpu\/Ws\/A100\] azureml:compute:zeroQuotaByDefault: .*zero quota/);
    const planned = await stderrOf(() => loadDesired({ manifest: open }));
    assert.match(planned, /warning \[Gpu\/Ws\/A100\] azureml:compute:zeroQuotaByDefault/);
    const acked = manifestDir('acked', true);
    assert.doesNotMatch(await stderrOf(() => loadDesired({ manifest: acked })), /zeroQuotaByDefault/);
  });
});
