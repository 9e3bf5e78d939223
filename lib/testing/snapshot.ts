/**
 * The snapshot view of a manifest: what `Template.toJSON()` returns, and so what jest's `toMatchSnapshot()` records.
 * Source locations (file:line of each `new`) move whenever an unrelated line of the program moves, and the hash
 * changes with them, so both are left out unless asked for; everything that is deployed stays.
 */
import type { Diagnostic } from '../core/errors.js';
import type { Manifest, ManifestResource, Suppression } from '../manifest/types.js';

/** What the snapshot view keeps besides the deployed state. */
export interface SnapshotOptions {
  /**
   * Keep the file:line of each construct's `new` (resources, diagnostics and suppressions). Under jest these are
   * the lines jest's transform reports, which may be those of the compiled JavaScript.
   * @default false
   */
  readonly sourceLocations?: boolean;
  /**
   * Keep the manifest's `hash` (it covers the source locations too).
   * @default false
   */
  readonly hash?: boolean;
}

function withoutSource<T extends { readonly source?: unknown }>(x: T): T {
  if (x.source === undefined) return x;
  const { source: _source, ...rest } = x;
  return rest as T;
}

function resourceView(r: ManifestResource): ManifestResource {
  const out = withoutSource(r);
  return r.suppressions?.length
    ? { ...out, suppressions: r.suppressions.map((s: Suppression) => withoutSource(s)) }
    : out;
}

/** A manifest as a snapshot records it: the `hash` only when asked for. */
export type ManifestSnapshot = Omit<Manifest, 'hash'> & { readonly hash?: string };

/** The manifest as a snapshot records it (see {@link SnapshotOptions}). */
export function snapshotView(manifest: Manifest, options: SnapshotOptions = {}): ManifestSnapshot {
  let view: ManifestSnapshot = manifest;
  if (!options.sourceLocations) {
    view = {
      ...view,
      resources: view.resources.map(resourceView),
      ...(view.diagnostics ? { diagnostics: view.diagnostics.map((d: Diagnostic) => withoutSource(d)) } : {}),
    };
  }
  if (!options.hash) {
    const { hash: _hash, ...rest } = view;
    view = rest;
  }
  return view;
}
