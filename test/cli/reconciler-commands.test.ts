/**
 * The CLI contract of plan / apply / destroy / drift, as a user or CI sees it: real `amlcdk` processes (manifest
 * files in a temp dir, state under its `.amlcdk/`) against an emulator started here over HTTPS
 * (AMLCDK_ARM_ENDPOINT), so the test can change Azure out of band and read the emulator's write log.
 * One story in order, a process per step: refuse without confirmation → plan --json --out → apply <plan> →
 * no-op plan → out-of-band change → drift → stale saved plan refused → apply --yes → destroy --yes.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';
import { findCompute, startHarness, synthExample, withBody, type Harness } from '../e2e/harness.js';
import { killAll, runCli, type CliResult } from '../helpers/cli.js';

let h: Harness;
let m: Manifest;
let cluster: ManifestResource;

const amlcdk = (args: string[]): Promise<CliResult> => runCli(args, h.dir, { emu: h.emu });

function writeManifest(name: string, manifest: Manifest): string {
  writeFileSync(join(h.dir, name), canonicalJson(manifest, 2));
  return name;
}

/** Change the cluster's max nodes in the emulator, as someone in the portal would. */
async function scaleOutOfBand(maxNodeCount: number): Promise<void> {
  const body = structuredClone(cluster.body) as {
    properties: { properties: { scaleSettings: { maxNodeCount: number } } };
  };
  body.properties.properties.scaleSettings.maxNodeCount = maxNodeCount;
  const put = await h.emu.request('PUT', `${cluster.id}?api-version=${cluster.apiVersion}`, body);
  assert.ok(put.status < 300, JSON.stringify(put.body));
  if (put.status === 201 || put.status === 202) await h.emu.waitFor(put);
}

interface JsonPlan {
  readonly resource_changes: readonly {
    readonly address: string;
    readonly type: string;
    readonly change: { readonly actions: readonly string[] };
  }[];
}

beforeAll(async () => {
  h = await startHarness();
  m = await synthExample('quickstart');
  cluster = findCompute(m, 'AmlCompute')!;
  writeManifest('quickstart.manifest.json', m);
});
afterAll(async () => {
  killAll();
  await h?.close();
});

describe('plan / apply / destroy / drift on the command line', () => {
  test('apply without a terminal and without --yes refuses (exit 2) and writes nothing; an unknown option is exit 2', async () => {
    const since = h.lastSeq();
    const r = await amlcdk(['apply', '--manifest', 'quickstart.manifest.json']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /ConfirmationRequired: .*pass --yes/);
    assert.deepEqual(h.writesSince(since), []);
    assert.equal(existsSync(join(h.dir, '.amlcdk', 'state')), false, 'no state was written');

    const u = await amlcdk(['plan', '--manifest', 'quickstart.manifest.json', '--no-such-option']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /unknown option '--no-such-option'/);
  });

  test('plan --json --out prints the JSON plan and saves it; apply <plan> --yes applies it; plan --json is then all no-op', async () => {
    const planned = await amlcdk([
      'plan',
      '--manifest',
      'quickstart.manifest.json',
      '--json',
      '--out',
      'first.plan.json',
    ]);
    assert.equal(planned.code, 0, planned.stderr);
    const doc = JSON.parse(planned.stdout) as JsonPlan;
    assert.deepEqual(
      doc.resource_changes.map((c) => [c.address, c.type, c.change.actions]).sort(),
      m.resources.map((r) => [r.logicalId, r.type, ['create']]).sort(),
    );
    assert.ok(existsSync(join(h.dir, 'first.plan.json')));

    const since = h.lastSeq();
    const applied = await amlcdk(['apply', 'first.plan.json', '--yes']);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /Apply complete: 9 done, 0 failed, 0 skipped/);
    const puts = h.writesSince(since).filter((w) => w.method === 'PUT' && w.status < 300).length;
    assert.ok(puts >= m.resources.length, `${puts} successful PUTs for ${m.resources.length} resources`);

    const again = await amlcdk(['plan', '--manifest', 'quickstart.manifest.json', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const noop = JSON.parse(again.stdout) as JsonPlan;
    assert.equal(noop.resource_changes.length, m.resources.length);
    for (const c of noop.resource_changes) assert.deepEqual(c.change.actions, ['no-op'], c.address);
  });

  test('an out-of-band change: drift names the path (exit 1); a plan saved before it is refused as stale (exit 1, no writes); apply --yes converges', async () => {
    const before = (cluster.body as { properties: { properties: { scaleSettings: { maxNodeCount: number } } } })
      .properties.properties.scaleSettings.maxNodeCount;
    const m2 = withBody(m, cluster.logicalId, (b) => (b.properties.properties.scaleSettings.maxNodeCount = before + 2));
    writeManifest('bigger.manifest.json', m2);
    const readsFrom = h.lastSeq();
    const saved = await amlcdk(['plan', '--manifest', 'bigger.manifest.json', '--out', 'bigger.plan.json']);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, /Saved the plan to bigger\.plan\.json/);
    // The reads plan reports are the reads the emulator saw.
    const line = /observed (\d+) resources with (\d+) lists and (\d+) gets, waited \d+\.\d s for read budget/.exec(
      saved.stdout,
    );
    assert.ok(line, saved.stdout);
    assert.equal(Number(line[1]), m.resources.length);
    const reads = h.emu.log(readsFrom).filter((e) => e.kind === 'read').length;
    assert.equal(Number(line[2]) + Number(line[3]), reads);
    assert.deepEqual(
      (JSON.parse(readFileSync(join(h.dir, 'bigger.plan.json'), 'utf8')) as JsonPlan).resource_changes.find(
        (c) => c.address === cluster.logicalId,
      )?.change.actions,
      ['patch'],
    );

    await scaleOutOfBand(17);

    const drift = await amlcdk(['drift', '--manifest', 'quickstart.manifest.json']);
    assert.equal(drift.code, 1, drift.stdout + drift.stderr);
    assert.match(drift.stdout, /Stack Quickstart: 1 of 9 resource\(s\) changed outside amlcdk/);
    assert.match(drift.stdout, new RegExp(`~ ${cluster.logicalId}`));
    assert.match(
      drift.stdout,
      new RegExp(`/properties/properties/scaleSettings/maxNodeCount: applied ${before}, now 17`),
    );

    const since = h.lastSeq();
    const stale = await amlcdk(['apply', 'bigger.plan.json', '--yes']);
    assert.equal(stale.code, 1, stale.stdout + stale.stderr);
    assert.match(stale.stderr, /PlanStale: the saved plan is stale/);
    assert.deepEqual(h.writesSince(since), [], 'a stale plan writes nothing');

    const applied = await amlcdk(['apply', '--manifest', 'bigger.manifest.json', '--yes']);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /Apply complete: 1 done, 0 failed, 0 skipped, 8 unchanged/);
    const live = await h.emu.request('GET', `${cluster.id}?api-version=${cluster.apiVersion}`);
    assert.equal(live.body.properties.properties.scaleSettings.maxNodeCount, before + 2);
  });

  test('destroy --yes deletes every resource of the stack (exit 0); a plan afterwards creates them all again', async () => {
    const r = await amlcdk(['destroy', '--manifest', 'quickstart.manifest.json', '--yes']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Destroy complete: 9 done, 0 failed, 0 skipped/);
    for (const res of m.resources) {
      const got = await h.emu.request('GET', `${res.id}?api-version=${res.apiVersion}`);
      assert.equal(got.status, 404, `${res.logicalId} still exists`);
    }
    const plan = await amlcdk(['plan', '--manifest', 'quickstart.manifest.json', '--json']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.ok((JSON.parse(plan.stdout) as JsonPlan).resource_changes.every((c) => c.change.actions[0] === 'create'));
  });
});
