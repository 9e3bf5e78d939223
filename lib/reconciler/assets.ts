/**
 * Container-image assets: bodies carry `${asset:<id>}` until the image reference is known. The reconciler does
 * not run Docker: an asset with a `digest` becomes `<registry login server>/<repository>@<digest>`; one without
 * fails its resources with `AssetNeedsDocker` (build with the Pulumi path, or build and push yourself and set the
 * digest).
 */
import { AmlcdkError } from '../core/errors.js';
import type { ContainerImageAsset, ManifestResource } from '../manifest/types.js';

const PLACEHOLDER = /\$\{asset:([^}]+)\}/g;

export function loginServerOf(asset: ContainerImageAsset, resources: readonly ManifestResource[]): string {
  const reg = asset.registry;
  const byLogical = resources.find((r) => r.logicalId === reg);
  const name = byLogical ? byLogical.name : (reg.split('/').pop() ?? reg);
  return `${name.toLowerCase()}.azurecr.io`;
}

/** The image reference an asset stands for, or undefined when it has no digest. */
export function assetReference(asset: ContainerImageAsset, resources: readonly ManifestResource[]): string | undefined {
  if (!asset.digest) return undefined;
  return `${loginServerOf(asset, resources)}/${asset.repository}@${asset.digest}`;
}

export interface AssetSubstitution {
  readonly body: Record<string, unknown>;
  /** Asset ids referenced without a digest (the resource cannot be applied). */
  readonly unresolved: readonly string[];
}

/** Replace every placeholder that can be resolved; report the others. */
export function substituteAssets(
  body: Readonly<Record<string, unknown>>,
  assets: readonly ContainerImageAsset[] | undefined,
  resources: readonly ManifestResource[],
): AssetSubstitution {
  if (!assets || assets.length === 0) return { body: body, unresolved: [] };
  const text = JSON.stringify(body);
  if (!text.includes('${asset:')) return { body: body, unresolved: [] };
  const unresolved = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(PLACEHOLDER, (m, id: string) => {
        const a = assets.find((x) => x.id === id);
        const ref = a ? assetReference(a, resources) : undefined;
        if (!ref) {
          unresolved.add(id);
          return m;
        }
        return ref;
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { body: walk(body) as Record<string, unknown>, unresolved: [...unresolved] };
}

export function assetNeedsDocker(address: string, ids: readonly string[]): AmlcdkError {
  return new AmlcdkError(
    'AssetNeedsDocker',
    `${address} uses container image asset(s) ${ids.join(', ')} that have no digest; the amlcdk reconciler does not build images. Fix: deploy this stack with amlcdk/pulumi (builds with @pulumi/docker), or build and push the image yourself and set the asset's digest.`,
  );
}
