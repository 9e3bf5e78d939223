/**
 * Soft-deleted resources (Azure ML workspaces, key vaults): kept in `store.softDeleted` under their lower-case id
 * until `purgeAt` or a purge, blocking their name meanwhile.
 */
import type { Engine } from './engine.js';
import type { SoftDeletedResource } from './store.js';

/** Forget soft-deleted resources whose retention ended (their names are free again). */
export function sweepSoftDeleted(engine: Engine, now: number): void {
  for (const [k, s] of engine.store.softDeleted) if (s.purgeAt <= now) engine.store.softDeleted.delete(k);
}

/** The lower-case ARM type of an id (`/providers/{ns}/{type}/{name}[/{type}/{name}]`, last provider). */
export function typeKeyOfId(id: string): string {
  const segs = id.split('/').filter(Boolean);
  const p = segs.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (p < 0) return '';
  const types = [segs[p + 1]];
  for (let i = p + 2; i < segs.length; i += 2) types.push(segs[i]);
  return types.join('/').toLowerCase();
}

/** Soft-deleted resources of a type (lower-case) with this name (any subscription), after sweeping expired ones. */
export function softDeletedByName(engine: Engine, typeKey: string, name: string, now: number): SoftDeletedResource[] {
  sweepSoftDeleted(engine, now);
  const n = name.toLowerCase();
  const out: SoftDeletedResource[] = [];
  for (const s of engine.store.softDeleted.values())
    if (typeKeyOfId(s.id) === typeKey && s.id.split('/').pop()!.toLowerCase() === n) out.push(s);
  return out;
}

/** Subscription id (lower-case) of an ARM id. */
export function subscriptionOf(id: string): string {
  return (/^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? '').toLowerCase();
}
