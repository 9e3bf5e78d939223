/**
 * Shared parts of the reliability suite: a seeded fleet manifest, the live/owned comparison behind
 * "0 orphans, 0 duplicate creates", and `record()`, which writes a test's measured figures as JSON when
 * `AMLCDK_RELIABILITY_OUT` names a directory (scripts/reliability-report.ts reads them to write
 * docs/reliability.md; nothing is typed by hand).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArmClient } from '../../lib/arm/types.js';
import { contentHash } from '../../lib/manifest/canonical.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';
import type { StateStore } from '../../lib/state/types.js';
import { cluster, manifest, workspace } from '../reconciler/fixtures.js';

/** A count from the environment (the larger counts of `npm run test:reliability`), else the `npm test` default. */
export function envCount(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

/** A workspace and `n` clusters in resource group `rg` (compute names made unique per `tag`). */
export function fleet(n: number, rg: string, tag: string, stackName = `Fleet-${tag}`): Manifest {
  const ws = workspace(`mlw-${tag}`);
  const rebase = (r: ManifestResource): ManifestResource => ({
    ...r,
    id: r.id.replace('/resourceGroups/rg-test/', `/resourceGroups/${rg}/`),
  });
  const rs: ManifestResource[] = [
    rebase({ ...ws, logicalId: `Team/ws`, body: { ...ws.body, properties: { friendlyName: tag } } }),
  ];
  for (let i = 0; i < n; i++) {
    const c = cluster(`${tag}${String(i).padStart(2, '0')}x`, `mlw-${tag}`);
    rs.push(rebase({ ...c, logicalId: `Team/c${i}`, dependsOn: ['Team/ws'] }));
  }
  const m = manifest(rs, stackName);
  const { hash: _h, ...rest } = { ...m, stack: { ...m.stack, resourceGroup: rg } } as Manifest;
  void _h;
  return { ...rest, hash: contentHash(rest) };
}

/** Ids that exist in the emulator for a fleet manifest (the workspace and its computes). */
export async function liveFleetIds(client: ArmClient, m: Manifest): Promise<string[]> {
  const ws = m.resources[0];
  const own = await client.get(ws.id, ws.apiVersion);
  if (!own) return [];
  return [ws.id, ...(await client.list(`${ws.id}/computes`, ws.apiVersion)).map((r) => r.id)].map((id) =>
    id.toLowerCase(),
  );
}

export interface Consistency {
  readonly live: number;
  readonly owned: number;
  /** Live resources the state does not own. */
  readonly orphans: string[];
  /** State entries whose resource does not exist. */
  readonly ghosts: string[];
}

export async function consistency(client: ArmClient, store: StateStore, m: Manifest): Promise<Consistency> {
  const state = await store.load(m.stack.name);
  const owned = new Set(Object.values(state?.resources ?? {}).map((r) => r.id.toLowerCase()));
  const live = await liveFleetIds(client, m);
  const liveSet = new Set(live);
  return {
    live: live.length,
    owned: owned.size,
    orphans: live.filter((id) => !owned.has(id)),
    ghosts: [...owned].filter((id) => !liveSet.has(id)),
  };
}

/** Resource ids created more than once, from one or more emulator counter snapshots (summed). */
export function duplicateCreates(...creates: Record<string, number>[]): string[] {
  const sum = new Map<string, number>();
  for (const c of creates) for (const [id, n] of Object.entries(c)) sum.set(id, (sum.get(id) ?? 0) + n);
  return [...sum].filter(([, n]) => n > 1).map(([id]) => id);
}

/** Write measured figures for the report (only when AMLCDK_RELIABILITY_OUT is set). */
export function record(name: string, data: unknown): void {
  const dir = process.env.AMLCDK_RELIABILITY_OUT;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
}
