/**
 * Policy configuration: environment profiles (dev/prod), thresholds, rule overrides, and the policy config
 * file (`--config`, JSON or YAML) that changes them.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { InputError } from '../core/errors.js';
import { PACKS, SEVERITIES, type PackName, type Profile, type Severity } from './levels.js';

/** Numbers and lists the rules compare against. Every field has a per-profile default. */
export interface PolicyThresholds {
  /** Longest idle time (minutes) before a CPU compute instance must shut down. @default dev 120, prod 60 */
  readonly instanceIdleShutdownMaxMinutes?: number;
  /** Same for GPU compute instances. @default dev 60, prod 30 */
  readonly gpuInstanceIdleShutdownMaxMinutes?: number;
  /** Largest `maxNodeCount` of a CPU cluster. @default dev 10, prod 20 */
  readonly clusterMaxNodes?: number;
  /** Largest `maxNodeCount` of a GPU cluster. @default dev 4, prod 8 */
  readonly gpuClusterMaxNodes?: number;
  /** Longest `nodeIdleTimeBeforeScaleDown` in seconds. @default 900 (PT15M) */
  readonly clusterScaleDownMaxSeconds?: number;
  /** VM sizes allowed for any compute (case-insensitive; `*` wildcards). @default - no allow-list */
  readonly allowedVmSizes?: readonly string[];
  /**
   * GPU VM sizes allowed (case-insensitive; `*` wildcards). @default current GPU lines (T4, A10, A100, H100, H200)
   */
  readonly gpuAllowList?: readonly string[];
  /** Allow GPU compute instances (personal GPU workstations). @default dev true, prod false */
  readonly allowGpuInstances?: boolean;
  /** Tags every workspace and compute must carry. @default dev [owner, costCenter], prod + [environment, dataClassification] */
  readonly requiredTags?: readonly string[];
  /** Managed network isolation modes accepted for workspaces. @default dev [AllowInternetOutbound, AllowOnlyApprovedOutbound], prod [AllowOnlyApprovedOutbound] */
  readonly allowedIsolationModes?: readonly string[];
  /** Values of the `dataClassification` tag that mark sensitive data (CMK and HBI then required). @default [confidential, restricted, highly-confidential, secret] */
  readonly sensitiveClassifications?: readonly string[];
  /** Regular expression workspace names must match. @default - none (dev), `^mlw-` (prod) */
  readonly workspaceNamePattern?: string;
  /** Tag that marks a cluster as a warm pool allowed to keep nodes (`minNodeCount > 0`). @default amlcdk:warm-pool */
  readonly warmPoolTag?: string;
  /** Report sizes whose announced retirement is at most this many days away. @default dev 180, prod 365 */
  readonly retirementWarningDays?: number;
}

export type EffectiveThresholds = Required<Omit<PolicyThresholds, 'allowedVmSizes' | 'workspaceNamePattern'>> &
  Pick<PolicyThresholds, 'allowedVmSizes' | 'workspaceNamePattern'>;

/** Per-rule override. */
export interface RuleOverride {
  /** `false` turns the rule off. @default true */
  readonly enabled?: boolean;
  /** Replace the rule's severity. @default - the rule's (profile) severity */
  readonly severity?: Severity;
}

/** The policy config file and the programmatic options share this shape. */
export interface PolicyConfig {
  readonly profile?: Profile;
  /** Packs to run. @default all */
  readonly packs?: readonly PackName[];
  /** Severity at or above which `check` fails. @default high */
  readonly failOn?: Severity;
  readonly thresholds?: PolicyThresholds;
  readonly rules?: Readonly<Record<string, RuleOverride>>;
}

export const DEFAULT_GPU_ALLOW_LIST: readonly string[] = [
  'Standard_NC*as_T4_v3',
  'Standard_NV*ads_A10_v5',
  'Standard_NV*adms_A10_v5',
  'Standard_NC*ads_A100_v4',
  'Standard_ND96asr_v4',
  'Standard_ND96amsr_A100_v4',
  'Standard_NC*ads_H100_v5',
  'Standard_NC*adis_H100_v5',
  'Standard_ND96isr_H100_v5',
  'Standard_ND96isr_H200_v5',
];

const PROFILE_DEFAULTS: Record<Profile, EffectiveThresholds> = {
  dev: {
    instanceIdleShutdownMaxMinutes: 120,
    gpuInstanceIdleShutdownMaxMinutes: 60,
    clusterMaxNodes: 10,
    gpuClusterMaxNodes: 4,
    clusterScaleDownMaxSeconds: 900,
    gpuAllowList: DEFAULT_GPU_ALLOW_LIST,
    allowGpuInstances: true,
    requiredTags: ['owner', 'costCenter'],
    allowedIsolationModes: ['AllowInternetOutbound', 'AllowOnlyApprovedOutbound'],
    sensitiveClassifications: ['confidential', 'restricted', 'highly-confidential', 'secret'],
    warmPoolTag: 'amlcdk:warm-pool',
    retirementWarningDays: 180,
  },
  prod: {
    instanceIdleShutdownMaxMinutes: 60,
    gpuInstanceIdleShutdownMaxMinutes: 30,
    clusterMaxNodes: 20,
    gpuClusterMaxNodes: 8,
    clusterScaleDownMaxSeconds: 900,
    gpuAllowList: DEFAULT_GPU_ALLOW_LIST,
    allowGpuInstances: false,
    requiredTags: ['owner', 'costCenter', 'environment', 'dataClassification'],
    allowedIsolationModes: ['AllowOnlyApprovedOutbound'],
    sensitiveClassifications: ['confidential', 'restricted', 'highly-confidential', 'secret'],
    workspaceNamePattern: '^mlw-',
    warmPoolTag: 'amlcdk:warm-pool',
    retirementWarningDays: 365,
  },
};

/** The thresholds of a profile, with overrides applied. */
export function resolveThresholds(profile: Profile, overrides: PolicyThresholds = {}): EffectiveThresholds {
  const out: Record<string, unknown> = { ...PROFILE_DEFAULTS[profile] };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) out[k] = v;
  return out as EffectiveThresholds;
}

/** JSON schema of the policy config file (also used for CrossGuard policy config). */
export const POLICY_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    profile: { enum: ['dev', 'prod'] },
    packs: { type: 'array', items: { enum: [...PACKS] }, uniqueItems: true },
    failOn: { enum: [...SEVERITIES] },
    thresholds: {
      type: 'object',
      additionalProperties: false,
      properties: {
        instanceIdleShutdownMaxMinutes: { type: 'integer', minimum: 15, maximum: 4320 },
        gpuInstanceIdleShutdownMaxMinutes: { type: 'integer', minimum: 15, maximum: 4320 },
        clusterMaxNodes: { type: 'integer', minimum: 0 },
        gpuClusterMaxNodes: { type: 'integer', minimum: 0 },
        clusterScaleDownMaxSeconds: { type: 'integer', minimum: 0 },
        allowedVmSizes: { type: 'array', items: { type: 'string', minLength: 1 } },
        gpuAllowList: { type: 'array', items: { type: 'string', minLength: 1 } },
        allowGpuInstances: { type: 'boolean' },
        requiredTags: { type: 'array', items: { type: 'string', minLength: 1 } },
        allowedIsolationModes: {
          type: 'array',
          items: { enum: ['Disabled', 'AllowInternetOutbound', 'AllowOnlyApprovedOutbound'] },
        },
        sensitiveClassifications: { type: 'array', items: { type: 'string' } },
        workspaceNamePattern: { type: 'string' },
        warmPoolTag: { type: 'string', minLength: 1 },
        retirementWarningDays: { type: 'integer', minimum: 0 },
      },
    },
    rules: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { enabled: { type: 'boolean' }, severity: { enum: [...SEVERITIES] } },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
const validateConfig = ajv.compile(POLICY_CONFIG_SCHEMA);

/**
 * Parse a policy config file (JSON or YAML). Errors carry the file, the line of the bad value and what is
 * allowed. `knownRuleIds` lets unknown rule ids in `rules:` be reported (typos would silently do nothing).
 */
export function parsePolicyConfig(text: string, file: string, knownRuleIds: ReadonlySet<string>): PolicyConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new InputError(
      'PolicyConfigInvalidSyntax',
      `${file} is not valid JSON or YAML: ${e.message.split('\n')[0]}`,
      {
        file,
        line: lineCounter.linePos(e.pos[0]).line,
        fix: 'fix the syntax of the policy config file',
      },
    );
  }
  const value: unknown = doc.toJS();
  const lineOf = (pointer: string): number | undefined => {
    const segs: (string | number)[] = pointer
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    if (segs.length === 0) return 1;
    // Prefer the line of the key (`gpuClusterMaxNode:`), else the value.
    const parent = (segs.length > 1 ? doc.getIn(segs.slice(0, -1), true) : doc.contents) as
      { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | undefined;
    const pair = parent?.items?.find((it) => it.key && String(it.key.value) === String(segs[segs.length - 1]));
    const node = (pair?.key ?? doc.getIn(segs, true)) as { range?: [number, number, number] } | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
  if (!validateConfig(value)) {
    const err = validateConfig.errors![0];
    let where = err.instancePath || '(top level)';
    let detail = err.message ?? 'is invalid';
    if (err.keyword === 'additionalProperties') {
      const extra = (err.params as { additionalProperty: string }).additionalProperty;
      where = `${err.instancePath}/${extra}`;
      const level =
        err.instancePath === ''
          ? POLICY_CONFIG_SCHEMA.properties
          : err.instancePath === '/thresholds'
            ? POLICY_CONFIG_SCHEMA.properties.thresholds.properties
            : err.instancePath.startsWith('/rules/')
              ? POLICY_CONFIG_SCHEMA.properties.rules.additionalProperties.properties
              : undefined;
      detail = `is not a known setting${
        level
          ? `; known: ${Object.keys(level)
              .filter((k) => k !== '$schema')
              .join(', ')}`
          : ''
      }`;
    } else if (err.keyword === 'enum') {
      detail = `must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    throw new InputError('PolicyConfigInvalid', `${where.replace(/^\//, '').replace(/\//g, '.')} ${detail}`, {
      file,
      line: lineOf(err.keyword === 'additionalProperties' ? where : err.instancePath) ?? 1,
      fix: 'see docs/policy.md for the settings of a policy config file',
    });
  }
  const cfg = value as PolicyConfig;
  for (const id of Object.keys(cfg.rules ?? {})) {
    if (!knownRuleIds.has(id)) {
      throw new InputError('PolicyConfigUnknownRule', `rules.${id} names no rule`, {
        file,
        line: lineOf(`/rules/${id}`),
        fix: 'use a rule id from docs/rules.md, e.g. AML-NET-001',
      });
    }
  }
  if (cfg.thresholds?.workspaceNamePattern !== undefined) {
    try {
      new RegExp(cfg.thresholds.workspaceNamePattern);
    } catch (e) {
      throw new InputError(
        'PolicyConfigInvalid',
        `thresholds.workspaceNamePattern is not a valid regular expression: ${(e as Error).message}`,
        {
          file,
          line: lineOf('/thresholds/workspaceNamePattern'),
          fix: 'write a JavaScript regular expression, e.g. "^mlw-"',
        },
      );
    }
  }
  return cfg;
}

/** Read and parse a policy config file. */
export function loadPolicyConfig(file: string, knownRuleIds: ReadonlySet<string>): PolicyConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('PolicyConfigUnreadable', `cannot read policy config ${file}: ${(e as Error).message}`, {
      file,
      fix: 'check the --config path',
    });
  }
  return parsePolicyConfig(text, file, knownRuleIds);
}
