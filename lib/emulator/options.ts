/**
 * Options of the local ARM emulator and their defaults. Everything here can also be changed at run time
 * through `PUT /_emulator/config` (or `emulator.configure()`), except the port and the data directory.
 */

/** LRO durations in milliseconds for one kind of operation. */
export interface OperationDurations {
  /** PUT that creates the resource. */
  readonly create?: number;
  /** PUT/PATCH on an existing resource. */
  readonly update?: number;
  readonly delete?: number;
  /** POST actions such as start/stop/restart. */
  readonly action?: number;
}

/**
 * How long long-running operations take. `default` applies to every type; `types` overrides per resource
 * type (case-insensitive full type, e.g. `Microsoft.MachineLearningServices/workspaces/computes`).
 *
 * @example
 * { default: { create: 0, update: 0, delete: 0, action: 0 } } // every LRO finishes at the first poll
 */
export interface DurationOptions {
  readonly default?: OperationDurations;
  readonly types?: Readonly<Record<string, OperationDurations>>;
}

/**
 * vCPU quota per region and VM family (the family names of lib/catalog/vm-sizes.ts `quotaFamily`, e.g.
 * `standardNCADSA100v4Family`). A family without an entry gets `cpuDefault` or, for GPU families, `gpuDefault`.
 *
 * @example
 * { regions: { westeurope: { standardNCADSA100v4Family: 96 } } }
 */
export interface QuotaOptions {
  /** @default 100 */
  readonly cpuDefault?: number;
  /** GPU families have no quota until granted, like a new subscription. @default 0 */
  readonly gpuDefault?: number;
  /** Per region (lower-case, no spaces) → family → vCPUs. Region `*` applies to every region. */
  readonly regions?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** One token bucket: `burst` tokens, refilled at `perSecond`. */
export interface BucketOptions {
  readonly burst: number;
  readonly perSecond: number;
}

/**
 * ARM's 2024 token buckets, per subscription × principal × operation kind.
 * `scale` multiplies the refill rates (not the bursts), so a bench can push 1,000 writes through
 * ARM-shaped buckets in seconds.
 */
export interface ThrottleOptions {
  /** @default { burst: 250, perSecond: 25 } */
  readonly reads?: BucketOptions;
  /** @default { burst: 200, perSecond: 10 } */
  readonly writes?: BucketOptions;
  /** @default { burst: 200, perSecond: 10 } */
  readonly deletes?: BucketOptions;
  /** @default 1 */
  readonly scale?: number;
}

/**
 * One fault rule. A rule applies to requests that match all of its selectors; its random choices come from a
 * generator seeded with `seed`, the rule's index and the number of requests it has matched so far, so the same
 * seed and the same request sequence always give the same faults.
 *
 * @example
 * { method: 'PUT', resourceType: 'Microsoft.MachineLearningServices/workspaces/computes', errorRate: 0.3 }
 */
export interface FaultRule {
  /** HTTP method(s), upper-case. @default every method */
  readonly method?: string | readonly string[];
  /** Regular expression tested against the path (without the query), case-insensitive. */
  readonly path?: string;
  /** Full resource type, case-insensitive, e.g. `Microsoft.Network/virtualNetworks/subnets`. */
  readonly resourceType?: string;
  /** Include LRO polls (operation status / result URLs). @default false */
  readonly polls?: boolean;
  /** Let this many matching requests pass before the rule acts. @default 0 */
  readonly after?: number;
  /** Act on at most this many matching requests. @default unlimited */
  readonly times?: number;
  /** Added latency in ms: a number, or `[min, max]` drawn from the seeded generator. */
  readonly latencyMs?: number | readonly [number, number];
  /** Probability (0–1) of answering with a 5xx instead of processing the request. */
  readonly errorRate?: number;
  /** @default 503 */
  readonly errorStatus?: number;
  /** Probability (0–1) of destroying the socket without any response (nothing is processed). */
  readonly dropRate?: number;
  /** Probability (0–1) of processing a write, then destroying the socket before the response ("accept but crash"). */
  readonly acceptThenDropRate?: number;
  /**
   * A 429 storm: every matching request is answered 429 for `count` requests or for `durationMs` after the
   * first one (whichever is given), with `Retry-After: retryAfterSeconds`.
   */
  readonly storm?: { readonly count?: number; readonly durationMs?: number; readonly retryAfterSeconds?: number };
  /**
   * Long-running operations started by matching writes fail part-way: the operation status stays `InProgress`
   * for `afterPolls - 1` polls, then ends `Failed` with this error, and the resource ends
   * `provisioningState: Failed`. `rate` is the probability (default 1).
   */
  readonly lroFailure?: {
    readonly rate?: number;
    readonly afterPolls?: number;
    readonly code?: string;
    readonly message?: string;
  };
}

export interface EmulatorOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Where state.json (snapshot), state.log (journal), cert.pem and key.pem live. @default a new temporary directory */
  readonly dataDir?: string;
  /** Seed of every random choice (fault injection, generated GUIDs stay random). @default 1 */
  readonly seed?: number;
  /** @default compute create 300 ms, other LROs 50–200 ms */
  readonly durations?: DurationOptions;
  readonly quotas?: QuotaOptions;
  /** `false` disables throttling. @default ARM's numbers */
  readonly throttle?: ThrottleOptions | false;
  /** @default [] */
  readonly faults?: readonly FaultRule[];
  /**
   * Items per page of list responses (then `nextLink`). ARM leaves the page size to each resource provider and
   * documents none for the types served here; the pages seen in public material range from 50 (Microsoft.Compute
   * virtual machines, Azure/azure-powershell#3227) to 1,000 (the generic resources list, Azure/azure-sdk-for-js#18535).
   * @default 100
   */
  readonly pageSize?: number;
  /**
   * List lag in ms: a resource created less than this long ago is missing from list answers (a GET finds it),
   * as ARM's lists can trail the resource provider. Lets tests show that observe confirms a resource missing from
   * a list with a GET before plan calls it deleted. @default 0 (lists are current)
   */
  readonly listLagMs?: number;
  /**
   * `Retry-After` (seconds) sent with LRO answers. @default the seconds left until the operation ends,
   * rounded up (0 when it is already done)
   */
  readonly retryAfterSeconds?: number;
  /** Tenant id reported in read-only fields. @default a fixed GUID */
  readonly tenantId?: string;
  /** Maximum entries kept in the operations log (oldest dropped). @default 200000 */
  readonly logLimit?: number;
  /**
   * How long a new principal (a managed identity the emulator creates, or one seeded through the admin API) stays
   * invisible to role assignments, as Entra ID replication does: a role assignment without `principalType` gets
   * 400 `PrincipalNotFound` until then. @default 0
   */
  readonly principalReplicationMs?: number;
}

/** The options that can change at run time. */
export type RuntimeConfig = Pick<
  EmulatorOptions,
  | 'seed'
  | 'durations'
  | 'quotas'
  | 'throttle'
  | 'faults'
  | 'pageSize'
  | 'listLagMs'
  | 'retryAfterSeconds'
  | 'principalReplicationMs'
>;

export const DEFAULT_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export const DEFAULT_THROTTLE: Required<Omit<ThrottleOptions, 'scale'>> = {
  reads: { burst: 250, perSecond: 25 },
  writes: { burst: 200, perSecond: 10 },
  deletes: { burst: 200, perSecond: 10 },
};

const DEFAULT_DURATIONS: Readonly<Record<string, OperationDurations>> = {
  'microsoft.machinelearningservices/workspaces/computes': { create: 300, update: 100, delete: 200, action: 200 },
  'microsoft.machinelearningservices/workspaces': { create: 200, update: 100, delete: 100, action: 100 },
};
const FALLBACK_DURATIONS: Required<OperationDurations> = { create: 100, update: 50, delete: 100, action: 100 };

/** Duration of one LRO, from the options (type override, then `default`, then the built-in defaults). */
export function durationFor(
  options: DurationOptions | undefined,
  typeKey: string,
  kind: keyof OperationDurations,
): number {
  const own = options?.types
    ? Object.entries(options.types).find(([k]) => k.toLowerCase() === typeKey)?.[1]
    : undefined;
  const v = own?.[kind] ?? options?.default?.[kind] ?? DEFAULT_DURATIONS[typeKey]?.[kind] ?? FALLBACK_DURATIONS[kind];
  return Math.max(0, Number(v) || 0);
}
