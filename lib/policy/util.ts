/** Small helpers the rules share: property access with provenance, durations, VM size facts, wildcards. */
import { findVmSize } from '../catalog/vm-sizes.js';
import type { ManifestResource } from '../manifest/types.js';
import type { Provenance } from './levels.js';
import { hasUnknownPart, isDeployTimeValue } from '../manifest/unknown.js';
import { known, noteUnknown, watching } from './unknowns.js';

export const T = {
  workspace: 'microsoft.machinelearningservices/workspaces',
  compute: 'microsoft.machinelearningservices/workspaces/computes',
  datastore: 'microsoft.machinelearningservices/workspaces/datastores',
  vnet: 'microsoft.network/virtualnetworks',
  subnet: 'microsoft.network/virtualnetworks/subnets',
  nsg: 'microsoft.network/networksecuritygroups',
  nsgRule: 'microsoft.network/networksecuritygroups/securityrules',
  privateEndpoint: 'microsoft.network/privateendpoints',
  dnsZoneGroup: 'microsoft.network/privateendpoints/privatednszonegroups',
  roleAssignment: 'microsoft.authorization/roleassignments',
  roleDefinition: 'microsoft.authorization/roledefinitions',
  storage: 'microsoft.storage/storageaccounts',
  keyVault: 'microsoft.keyvault/vaults',
  registry: 'microsoft.containerregistry/registries',
} as const;

/** Read a dotted path (`properties.properties.vmSize`); numeric segments index arrays. */
const splitCache = new Map<string, string[]>();

export function get(obj: unknown, path: string): unknown {
  let segs = splitCache.get(path);
  if (!segs) {
    segs = path.split('.');
    if (splitCache.size < 10_000) splitCache.set(path, segs);
  }
  let cur: unknown = obj;
  for (let i = 0; i < segs.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    // A value known only at deploy time on the way (or at the end): the rule must not judge it.
    if (watching && isDeployTimeValue(cur)) {
      noteUnknown(segs.slice(0, i).join('.') || path, cur);
      return undefined;
    }
    cur = (cur as Record<string, unknown>)[segs[i]];
  }
  if (watching && isDeployTimeValue(cur)) {
    noteUnknown(path, cur);
    return undefined;
  }
  return cur;
}

export interface Effective<V = unknown> {
  readonly value: V | undefined;
  readonly provenance: Provenance;
}

/**
 * The effective value of a body property of a resource: the value in the body (written in the program, or filled in
 * by amlcdk when the manifest lists the path in `defaults`), else the API default (when the API documents one),
 * else `unknown`.
 */
export function effective<V = unknown>(
  r: Pick<ManifestResource, 'body' | 'defaults'>,
  path: string,
  apiDefault?: V,
): Effective<V> {
  const v = get(r.body, path);
  if (v !== undefined && v !== null)
    return { value: v as V, provenance: isAmlcdkDefault(r, path) ? 'amlcdk-default' : 'set' };
  if (apiDefault !== undefined) return { value: apiDefault, provenance: 'defaulted' };
  return { value: undefined, provenance: 'unknown' };
}

/** Whether amlcdk filled in the body value at a dotted path (or an ancestor) because the program left it out. */
export function isAmlcdkDefault(r: Pick<ManifestResource, 'defaults'>, path: string): boolean {
  if (!r.defaults || r.defaults.length === 0) return false;
  const pointer = '/' + path.split('.').join('/');
  return r.defaults.some((d) => pointer === d || pointer.startsWith(d + '/'));
}

/** How a value came about, for messages. */
export function how(e: Effective): string {
  switch (e.provenance) {
    case 'set':
      return 'set in the program';
    case 'amlcdk-default':
      return 'default of amlcdk, not set in the program';
    case 'defaulted':
      return 'API default, not set in the program';
    default:
      return 'not set';
  }
}

export { text } from '../core/text.js';

/** The value if it is an array, else an empty one. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function lower(s: unknown): string {
  return typeof s === 'string' ? s.toLowerCase() : '';
}

/** Seconds in an ISO-8601 duration (`PT1H30M`, `P1DT2H`, `PT90S`); undefined when it is not one. */
export function parseIsoDuration(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const m =
    /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      s.trim(),
    );
  if (!m || s.trim().toUpperCase() === 'P' || /T$/i.test(s.trim())) return undefined;
  const [, w, d, h, min, sec] = m;
  return (
    Number(w ?? 0) * 7 * 86400 +
    Number(d ?? 0) * 86400 +
    Number(h ?? 0) * 3600 +
    Number(min ?? 0) * 60 +
    Number(sec ?? 0)
  );
}

/** Case-insensitive match with `*` wildcards. */
const wildcardCache = new Map<string, RegExp>();

export function wildcardMatch(pattern: string, value: string): boolean {
  let re = wildcardCache.get(pattern);
  if (!re) {
    re = new RegExp(
      '^' +
        pattern
          .split('*')
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*') +
        '$',
      'i',
    );
    if (wildcardCache.size < 1000) wildcardCache.set(pattern, re);
  }
  return re.test(value);
}

/** GPU sizes: the catalog's GPU count, else (sizes the catalog does not list) the N-series name (NC, ND, NG, NV). */
export function isGpuSize(vmSize: unknown): boolean {
  if (typeof vmSize !== 'string') return false;
  const info = findVmSize(vmSize.trim());
  if (info) return info.gpus > 0;
  return /^standard_n[cdgv]/i.test(vmSize.trim());
}

export interface Retirement {
  readonly series: string;
  readonly date: string;
  readonly retired: boolean;
  readonly replacement: string;
}

/** Retired or retiring GPU series (reference/azureml-api.md §12). */
const RETIREMENTS: readonly { re: RegExp; series: string; date: string; replacement: string }[] = [
  {
    re: /^standard_nc\d+r?s_v3$/i,
    series: 'NCv3 (V100)',
    date: '2025-09-30',
    replacement: 'Standard_NC24ads_A100_v4 or Standard_NC*as_T4_v3',
  },
  {
    re: /^standard_nc\d+r?s_v2$/i,
    series: 'NCv2 (P100)',
    date: '2022-08-31',
    replacement: 'Standard_NC*as_T4_v3 or Standard_NC24ads_A100_v4',
  },
  { re: /^standard_nc\d+r?$/i, series: 'NC (K80)', date: '2022-08-31', replacement: 'Standard_NC*as_T4_v3' },
  { re: /^standard_nd\d+r?s$/i, series: 'ND (P40)', date: '2023-09-06', replacement: 'Standard_NC24ads_A100_v4' },
  { re: /^standard_nv\d+$/i, series: 'NV (M60)', date: '2023-09-06', replacement: 'Standard_NV*ads_A10_v5' },
  { re: /^standard_nv\d+s_v3$/i, series: 'NVv3 (M60)', date: '2026-09-30', replacement: 'Standard_NV*ads_A10_v5' },
  { re: /^standard_nv\d+as_v4$/i, series: 'NVv4 (MI25)', date: '2026-09-30', replacement: 'Standard_NV*ads_A10_v5' },
];

/** Retirement of a size from the catalog (lib/catalog/vm-sizes.ts), else from the series table above. */
export function retirementOf(vmSize: unknown, now: Date): Retirement | undefined {
  if (typeof vmSize !== 'string') return undefined;
  const info = findVmSize(vmSize.trim());
  if (info) {
    if (!info.retirement) return undefined;
    const retired = info.retirement.status === 'retired' || new Date(`${info.retirement.date}T23:59:59Z`) < now;
    return {
      series: info.family,
      date: info.retirement.date,
      retired,
      replacement: info.replacement ?? 'a current size of the same class',
    };
  }
  for (const r of RETIREMENTS) {
    if (r.re.test(vmSize.trim()))
      return {
        series: r.series,
        date: r.date,
        retired: new Date(`${r.date}T23:59:59Z`) < now,
        replacement: r.replacement,
      };
  }
  return undefined;
}

export function tagsOf(r: ManifestResource): Record<string, string> {
  const t = get(r.body, 'tags');
  return t && typeof t === 'object' ? (t as Record<string, string>) : {};
}

/** Tag lookup ignoring the case of the tag name (Azure tag names are case-insensitive). */
export function tag(r: ManifestResource, name: string): string | undefined {
  const tags = tagsOf(r);
  const key = Object.keys(tags).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (known(`tags.${key}`, tags[key]) as string | undefined);
}

/** The resource name for rules that judge it; a name with a part known only at deploy time is noted, not judged. */
export function judgedName(r: ManifestResource): string | undefined {
  if (watching && hasUnknownPart(r.name)) {
    noteUnknown('name', r.name);
    return undefined;
  }
  return r.name;
}

export function computeType(r: ManifestResource): string | undefined {
  const v = get(r.body, 'properties.computeType');
  return typeof v === 'string' ? v : undefined;
}

/** Managed compute this library provisions (the scope most compute rules need; attached compute is excluded). */
export function isManagedCompute(r: ManifestResource): boolean {
  const ct = computeType(r);
  return ct === 'ComputeInstance' || ct === 'AmlCompute';
}

/** ARM identity types, parsed so that `SystemAssigned,UserAssigned` counts as both. */
export function identityKinds(body: unknown): Set<string> {
  const t = get(body, 'identity.type');
  const out = new Set<string>();
  if (typeof t === 'string')
    for (const part of t.split(','))
      if (part.trim() && part.trim().toLowerCase() !== 'none') out.add(part.trim().toLowerCase());
  return out;
}

/** `{id}` reference objects or plain id strings. */
export function refId(v: unknown): string | undefined {
  if (typeof v === 'string' && v) return v;
  if (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string') return (v as { id: string }).id;
  return undefined;
}
