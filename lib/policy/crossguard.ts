/**
 * Pulumi CrossGuard adapter: the same amlcdk rules as a `@pulumi/policy` PolicyPack, for
 * `pulumi preview --policy-pack`.
 *
 * Resource policies run the single-resource rules on each azure-native resource; one stack policy per graph
 * rule runs on the whole stack (private endpoints, managed VNet, NSG flows, role bindings of personal
 * instances). azure-native arguments (`workspaceName`, `computeName`, flattened `properties`, flattened
 * Microsoft.Network sub-resources) are mapped back to the ARM body shape the rules read.
 *
 * This module is the package entry point `amlcdk/crossguard` (not part of `amlcdk/policy`, so importing that never
 * loads `@pulumi/*`); `@pulumi/policy` itself is loaded only by {@link createPolicyPack}.
 */
import type {
  EnforcementLevel,
  PolicyPack,
  PolicyPackArgs,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { MANIFEST_SCHEMA_VERSION, type Manifest, type ManifestResource } from '../manifest/types.js';
import { check, ruleSeverity } from './engine.js';
import { POLICY_CONFIG_SCHEMA, type PolicyConfig, type PolicyThresholds } from './config.js';
import { BUILTIN_RULES } from './rules/index.js';
import { PACKS, severityRank, type Finding, type Rule, type Severity } from './types.js';
import { text } from './util.js';
import { callerFile, requireFrom } from '../core/module-file.js';

/** This module's file: `@pulumi/policy` is an optional peer, loaded from here only when a pack is built. */
const MODULE_FILE = callerFile();

type BodyStyle = 'as-is' | 'flatten' | 'flatten-deep';

/** How an azure-native type's arguments map back to its ARM body. */
export interface PulumiType {
  readonly armType: string;
  /** Argument names of the id's name segments, in order. */
  readonly nameArgs: readonly string[];
  readonly bodyStyle: BodyStyle;
  /** azure-native argument → ARM property renames. */
  readonly renames?: Readonly<Record<string, string>>;
  /** Role assignments and definitions sit at an arbitrary `scope`. */
  readonly scopeArg?: string;
}

/** azure-native type token (without the version module) → ARM type and argument shape. */
export const PULUMI_TYPES: Readonly<Record<string, PulumiType>> = {
  'azure-native:machinelearningservices:Workspace': {
    armType: 'Microsoft.MachineLearningServices/workspaces',
    nameArgs: ['workspaceName'],
    bodyStyle: 'flatten',
  },
  'azure-native:machinelearningservices:Compute': {
    armType: 'Microsoft.MachineLearningServices/workspaces/computes',
    nameArgs: ['workspaceName', 'computeName'],
    bodyStyle: 'as-is',
  },
  'azure-native:machinelearningservices:Datastore': {
    armType: 'Microsoft.MachineLearningServices/workspaces/datastores',
    nameArgs: ['workspaceName', 'name'],
    bodyStyle: 'as-is',
  },
  'azure-native:network:VirtualNetwork': {
    armType: 'Microsoft.Network/virtualNetworks',
    nameArgs: ['virtualNetworkName'],
    bodyStyle: 'flatten-deep',
  },
  'azure-native:network:Subnet': {
    armType: 'Microsoft.Network/virtualNetworks/subnets',
    nameArgs: ['virtualNetworkName', 'subnetName'],
    bodyStyle: 'flatten-deep',
  },
  'azure-native:network:NetworkSecurityGroup': {
    armType: 'Microsoft.Network/networkSecurityGroups',
    nameArgs: ['networkSecurityGroupName'],
    bodyStyle: 'flatten-deep',
  },
  'azure-native:network:SecurityRule': {
    armType: 'Microsoft.Network/networkSecurityGroups/securityRules',
    nameArgs: ['networkSecurityGroupName', 'securityRuleName'],
    bodyStyle: 'flatten-deep',
  },
  'azure-native:network:PrivateEndpoint': {
    armType: 'Microsoft.Network/privateEndpoints',
    nameArgs: ['privateEndpointName'],
    bodyStyle: 'flatten-deep',
  },
  'azure-native:network:PrivateDnsZoneGroup': {
    armType: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    nameArgs: ['privateEndpointName', 'privateDnsZoneGroupName'],
    bodyStyle: 'flatten-deep',
  },
  'azure-native:authorization:RoleAssignment': {
    armType: 'Microsoft.Authorization/roleAssignments',
    nameArgs: ['roleAssignmentName'],
    bodyStyle: 'flatten',
    scopeArg: 'scope',
  },
  'azure-native:authorization:RoleDefinition': {
    armType: 'Microsoft.Authorization/roleDefinitions',
    nameArgs: ['roleDefinitionId'],
    bodyStyle: 'flatten',
    scopeArg: 'scope',
  },
  'azure-native:storage:StorageAccount': {
    armType: 'Microsoft.Storage/storageAccounts',
    nameArgs: ['accountName'],
    bodyStyle: 'flatten',
    renames: { enableHttpsTrafficOnly: 'supportsHttpsTrafficOnly' },
  },
  'azure-native:keyvault:Vault': { armType: 'Microsoft.KeyVault/vaults', nameArgs: ['vaultName'], bodyStyle: 'as-is' },
  'azure-native:containerregistry:Registry': {
    armType: 'Microsoft.ContainerRegistry/registries',
    nameArgs: ['registryName'],
    bodyStyle: 'flatten',
  },
};

const ENVELOPE = new Set(['location', 'tags', 'identity', 'sku', 'kind', 'zones', 'extendedLocation', 'etag']);
const SUBRESOURCE_KEYS = new Set(['name', 'id', 'etag', 'type']);

/** `azure-native:network/v20240501:Subnet` → `azure-native:network:Subnet`. */
export function canonicalToken(type: string): string {
  return type.replace(/^(azure-native:[a-z0-9]+)\/[^:]+:/i, '$1:');
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Undo Microsoft.Network's deep flattening: named sub-resources get their `properties` back. */
function unflattenDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unflattenDeep);
  if (!isObj(v)) return v;
  if (typeof v.name === 'string' && !('properties' in v)) {
    const out: Record<string, unknown> = {};
    const props: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) (SUBRESOURCE_KEYS.has(k) ? out : props)[k] = unflattenDeep(x);
    return Object.keys(props).length ? { ...out, properties: props } : out;
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unflattenDeep(x)]));
}

export interface PulumiResourceLike {
  readonly type: string;
  readonly name: string;
  readonly urn?: string;
  readonly props: Record<string, unknown>;
  readonly opts?: {
    readonly protect?: boolean;
    readonly retainOnDelete?: boolean;
    /**
     * Top-level arguments whose values are secret. `@pulumi/policy` hands policies the inputs with Pulumi's secret
     * markers removed (its server deserializes them with `proxySecrets` false before `validateResource` and
     * `validateStack`), so this option, which it passes through, is what tells the pack which inputs were secret:
     * the AmlcdkComponent sets it on every resource it gives a secret.
     */
    readonly additionalSecretOutputs?: readonly string[];
  };
}

/** RFC 6901 pointers of the leaves below `v` (or `at` itself for a leaf). */
function leafPointers(v: unknown, at: string): string[] {
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    return entries.flatMap(([k, x]) => leafPointers(x, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return [at];
}

/**
 * An azure-native resource (type token + input properties) as a manifest resource with its ARM body, or
 * undefined for types the rules do not read.
 */
export function pulumiToManifestResource(
  r: PulumiResourceLike,
  subscriptionId = '00000000-0000-0000-0000-000000000000',
): ManifestResource | undefined {
  const t = PULUMI_TYPES[canonicalToken(r.type)];
  if (!t) return undefined;
  const props = r.props ?? {};
  const names = t.nameArgs.map((a, i) => {
    const v = props[a];
    return typeof v === 'string' && v ? v : i === t.nameArgs.length - 1 ? r.name : `unknown-${a}`;
  });
  const [ns, ...typeSegs] = t.armType.split('/');
  const path = typeSegs.map((seg, i) => `${seg}/${names[i]}`).join('/');
  const rg = typeof props.resourceGroupName === 'string' ? props.resourceGroupName : 'unknown-resource-group';
  const scope =
    t.scopeArg && typeof props[t.scopeArg] === 'string'
      ? (props[t.scopeArg] as string)
      : `/subscriptions/${subscriptionId}/resourceGroups/${rg}`;
  const id = t.scopeArg
    ? `${scope.replace(/\/+$/, '')}/providers/${ns}/${path}`
    : `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/${ns}/${path}`;

  const skip = new Set([...t.nameArgs, 'resourceGroupName', ...(t.scopeArg ? [t.scopeArg] : [])]);
  let body: Record<string, unknown>;
  if (t.bodyStyle === 'as-is') {
    body = Object.fromEntries(Object.entries(props).filter(([k, v]) => !skip.has(k) && v !== undefined));
    if (t.armType.endsWith('/datastores') && isObj(props.datastoreProperties)) {
      delete body.datastoreProperties;
      body.properties = props.datastoreProperties;
    }
  } else {
    body = {};
    const inner: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(props)) {
      if (skip.has(k) || v === undefined) continue;
      const value = t.bodyStyle === 'flatten-deep' ? unflattenDeep(v) : v;
      if (ENVELOPE.has(k)) body[k] = value;
      else inner[t.renames?.[k] ?? k] = value;
    }
    body.properties = inner;
  }
  // Where each secret argument landed in the body: its leaves are secret values, never literals in clear text.
  const secrets = (r.opts?.additionalSecretOutputs ?? []).flatMap((arg) => {
    if (skip.has(arg) || props[arg] === undefined) return [];
    if (t.bodyStyle === 'as-is') {
      const key = arg === 'datastoreProperties' && t.armType.endsWith('/datastores') ? 'properties' : arg;
      return leafPointers(body[key], `/${key}`);
    }
    if (ENVELOPE.has(arg)) return leafPointers(body[arg], `/${arg}`);
    const key = t.renames?.[arg] ?? arg;
    return leafPointers((body.properties as Record<string, unknown>)[key], `/properties/${key}`);
  });
  return {
    logicalId: r.name,
    type: t.armType,
    ...(secrets.length ? { secrets } : {}),
    apiVersion: 'pulumi',
    id,
    name: names[names.length - 1],
    body,
    dependsOn: [],
    options: { protect: r.opts?.protect ?? false, deletePolicy: r.opts?.retainOnDelete ? 'Retain' : 'Delete' },
  };
}

/** Options of the CrossGuard pack. */
export interface CrossGuardOptions extends PolicyConfig {
  /** Subscription used to build ARM ids (ids are compared without it). @default all zeros */
  readonly subscriptionId?: string;
  /** Enforcement level for rules at or above `failOn`. @default mandatory */
  readonly failingEnforcement?: EnforcementLevel;
  /** Enforcement level for the other rules. @default advisory */
  readonly otherEnforcement?: EnforcementLevel;
}

const SUB_RE = /\/subscriptions\/([0-9a-fA-F-]{36})(?=\/|"|$)/;

/** The subscription the resources' ARM references use, so rebuilt ids match them. */
function sniffSubscription(values: readonly unknown[]): string | undefined {
  for (const v of values) {
    const m = SUB_RE.exec(JSON.stringify(v ?? null));
    if (m) return m[1];
  }
  return undefined;
}

function manifestOf(resources: ManifestResource[], location: string): Manifest {
  // Pulumi logical names may repeat across types; the manifest needs unique logical ids.
  const seen = new Map<string, number>();
  const unique = resources.map((r) => {
    const n = seen.get(r.logicalId) ?? 0;
    seen.set(r.logicalId, n + 1);
    return n === 0 ? r : { ...r, logicalId: `${r.logicalId}#${n + 1}` };
  });
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    stack: { name: 'pulumi', subscriptionId: '', resourceGroup: '', location, tags: {} },
    resources: unique,
    hash: '',
  };
}

function violationText(f: Finding): string {
  const value =
    f.value !== undefined
      ? ` [${f.path} = ${typeof f.value === 'string' ? f.value : JSON.stringify(f.value)} (${f.provenance ?? 'set'})]`
      : '';
  return `[${f.severity}] ${f.message}.${value} Fix: ${f.fix}`;
}

const PULUMI_SEVERITY: Record<Severity, 'low' | 'medium' | 'high' | 'critical'> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  info: 'low',
};

/** The policies of the amlcdk pack, as `@pulumi/policy` policy objects (no `@pulumi/*` code is loaded). */
export function buildPolicyPackArgs(options: CrossGuardOptions = {}): PolicyPackArgs {
  const profile = options.profile ?? 'dev';
  const failOn = options.failOn ?? 'high';
  const packs = options.packs?.length ? options.packs : PACKS;
  const sub = options.subscriptionId;
  const rules = BUILTIN_RULES.filter(
    (r) =>
      r.pack !== 'meta' &&
      packs.includes(r.pack) &&
      (!r.profiles || r.profiles.includes(profile)) &&
      options.rules?.[r.id]?.enabled !== false,
  );
  const checkOptions = { profile, failOn, thresholds: options.thresholds, rules: options.rules } as const;

  // One evaluation per resource / per stack (and per policy config), shared by all policies of the pack.
  const perResource = new WeakMap<object, Map<string, Finding[]>>();
  const perStack = new WeakMap<object, Map<string, { findings: Finding[]; urns: Map<string, string> }>>();
  const withThresholds = (extra: PolicyThresholds | undefined) => ({
    ...checkOptions,
    packs: [...packs],
    thresholds: { ...(options.thresholds ?? {}), ...(extra ?? {}) },
  });

  const evaluateResource = (args: ResourceValidationArgs, extra?: PolicyThresholds): Finding[] => {
    const key = JSON.stringify(extra ?? {});
    let byConfig = perResource.get(args.props);
    if (!byConfig) perResource.set(args.props, (byConfig = new Map<string, Finding[]>()));
    let hit = byConfig.get(key);
    if (!hit) {
      const mr = pulumiToManifestResource(
        { type: args.type, name: args.name, urn: args.urn, props: args.props, opts: args.opts },
        sub ?? sniffSubscription([args.props]),
      );
      hit = mr ? [...check(manifestOf([mr], text(args.props.location)), withThresholds(extra)).findings] : [];
      byConfig.set(key, hit);
    }
    return hit;
  };
  const evaluateStack = (
    args: StackValidationArgs,
    extra?: PolicyThresholds,
  ): { findings: Finding[]; urns: Map<string, string> } => {
    const key = JSON.stringify(extra ?? {});
    let byConfig = perStack.get(args.resources);
    if (!byConfig)
      perStack.set(args.resources, (byConfig = new Map<string, { findings: Finding[]; urns: Map<string, string> }>()));
    let hit = byConfig.get(key);
    if (!hit) {
      const urns = new Map<string, string>();
      const mrs: ManifestResource[] = [];
      const stackSub = sub ?? sniffSubscription(args.resources.map((r) => r.props));
      for (const r of args.resources) {
        const mr = pulumiToManifestResource(
          { type: r.type, name: r.name, urn: r.urn, props: r.props, opts: r.opts },
          stackSub,
        );
        if (!mr) continue;
        mrs.push(mr);
      }
      const m = manifestOf(mrs, text(mrs.find((x) => typeof x.body.location === 'string')?.body.location));
      m.resources.forEach((mr, i) =>
        urns.set(mr.logicalId, args.resources.filter((r) => PULUMI_TYPES[canonicalToken(r.type)])[i].urn),
      );
      hit = { findings: [...check(m, withThresholds(extra)).findings], urns };
      byConfig.set(key, hit);
    }
    return hit;
  };

  /** The policy's Pulumi config (`--policy-pack-config`), limited to the thresholds the rule reads. */
  const thresholdsFrom = (r: Rule, getConfig: (() => object) | undefined): PolicyThresholds | undefined => {
    if (!r.thresholdKeys?.length || !getConfig) return undefined;
    const cfg = getConfig() as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of r.thresholdKeys) if (cfg[k] !== undefined) out[k] = cfg[k];
    return Object.keys(out).length ? out : undefined;
  };
  const thresholdProps = POLICY_CONFIG_SCHEMA.properties.thresholds.properties as Record<string, object>;

  const enforcement = (r: Rule): EnforcementLevel => {
    const sev = ruleSeverity(r, profile, options.rules?.[r.id]?.severity);
    return severityRank(sev) >= severityRank(failOn)
      ? (options.failingEnforcement ?? 'mandatory')
      : (options.otherEnforcement ?? 'advisory');
  };

  const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = rules.map((r) => {
    const base = {
      name: r.id,
      displayName: r.title,
      description: `${r.title}. ${r.rationale}`,
      enforcementLevel: enforcement(r),
      severity: PULUMI_SEVERITY[ruleSeverity(r, profile, options.rules?.[r.id]?.severity)],
      tags: [r.pack],
      url: r.docs,
      remediationSteps: r.defaults ? `Defaults: ${r.defaults}` : undefined,
      ...(r.thresholdKeys?.length
        ? {
            configSchema: {
              properties: Object.fromEntries(r.thresholdKeys.map((k) => [k, thresholdProps[k]])) as never,
            },
          }
        : {}),
    };
    if (r.graph || r.kind === 'manifest') {
      return {
        ...base,
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
          const { findings, urns } = evaluateStack(args, thresholdsFrom(r, args.getConfig?.bind(args)));
          for (const f of findings) if (f.ruleId === r.id) report(violationText(f), urns.get(f.logicalId));
        },
      } satisfies StackValidationPolicy;
    }
    const types = new Set((r.kind === 'resource' ? r.types : []).map((t) => t.toLowerCase()));
    return {
      ...base,
      validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
        const t = PULUMI_TYPES[canonicalToken(args.type)];
        if (!t || !(types.has('*') || types.has(t.armType.toLowerCase()))) return;
        for (const f of evaluateResource(args, thresholdsFrom(r, args.getConfig?.bind(args))))
          if (f.ruleId === r.id) report(violationText(f));
      },
    } satisfies ResourceValidationPolicy;
  });

  return {
    policies,
    enforcementLevel: 'advisory',
    description: `amlcdk Azure ML policy pack (${rules.length} rules, profile ${profile}): security, network, identity, cost, tagging and reliability for azure-native Machine Learning, network, storage and authorization resources.`,
    displayName: 'amlcdk Azure ML',
    provider: 'azure',
    tags: ['azure', 'machine-learning', ...packs],
  };
}

/**
 * Create the PolicyPack (call this from a policy pack program's entry point). Loads `@pulumi/policy` here, so
 * the rest of amlcdk never does.
 *
 * @example
 * // examples/policy-pack/index.ts
 * import { createPolicyPack } from 'amlcdk/crossguard';
 * createPolicyPack('amlcdk-azure-ml', { profile: 'prod' });
 */
export function createPolicyPack(name: string, options: CrossGuardOptions = {}): PolicyPack {
  const policy = requireFrom(MODULE_FILE)('@pulumi/policy') as typeof import('@pulumi/policy');
  return new policy.PolicyPack(name, buildPolicyPackArgs(options));
}
