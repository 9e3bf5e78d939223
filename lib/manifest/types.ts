/**
 * The desired-state manifest: the one contract between the construct layer and its consumers (policy,
 * reconciler, Pulumi). Consumers read only this, never construct objects, so a manifest written by one process
 * can be checked, planned or deployed by another.
 *
 * See DESIGN.md §3. The JSON Schema for this shape lives in lib/manifest/schema.
 */
import type { Diagnostic, SourceLocation } from '../core/errors.js';

export const MANIFEST_SCHEMA_VERSION = 1;

/** Where a stack deploys. */
export interface ManifestStack {
  /** Stack name (construct id of the Stack). Also the manifest file name: `<name>.manifest.json`. */
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** Azure region, lower-case ARM form, e.g. `westeurope`. */
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  /**
   * The stack owns every tag of its resources: tags added outside the program (Azure Policy `modify`/`append`,
   * the portal) are removed by the next apply. Absent (the default): such tags show in drift and are kept.
   */
  readonly ownAllTags?: boolean;
}

/**
 * What happens to the real resource when it leaves the program (or on `destroy`).
 * - `Delete`: delete it (managed compute: `underlyingResourceAction=Delete`; workspaces: soft delete).
 * - `Detach`: attached compute: remove it from the workspace, keep the underlying cluster/VM.
 * - `Retain`: leave it in Azure and forget it.
 * - `Purge`: workspaces and key vaults: delete for good (workspace `forceToPurge=true`; key vault purge after the
 *   delete, unless purge protection forbids it) so the name can be reused at once.
 */
export type DeletePolicy = 'Delete' | 'Detach' | 'Retain' | 'Purge';

export interface ResourceOptions {
  /** When true, the reconciler refuses to delete or replace the resource. */
  readonly protect: boolean;
  readonly deletePolicy: DeletePolicy;
  /**
   * JSON pointers into the body (`/properties/properties/scaleSettings/maxNodeCount`, `/tags/costCenter`) whose
   * differences the reconciler ignores after the create, as Pulumi's and Terraform's `ignoreChanges`.
   */
  readonly ignoreChanges?: readonly string[];
}

/**
 * A POST action that the desired state needs beyond the PUT body, e.g. `stop` after an instance is created
 * stopped. Updates of action-driven fields (idle shutdown, schedules) are described by the field tables, not here.
 */
export interface ManifestAction {
  /** Action name appended to the resource id: `POST {id}/{name}`. */
  readonly name: string;
  /** JSON body of the POST, if any. */
  readonly body?: unknown;
  /** `afterCreate`: run once after the resource is created. */
  readonly when: 'afterCreate';
  /** Why the action is needed, for the plan. */
  readonly reason: string;
}

/** A reference to a secret that the engine resolves at apply time. Its value never appears in a manifest. */
export interface SecretRef {
  /** `env:NAME` (environment variable) or `keyvault:<vault name>/<secret name>`. */
  readonly secretRef: string;
}

/**
 * A value Azure assigns at deploy time, read from another resource of the stack: the attribute is a dotted path
 * into that resource as ARM returns it (`identity.principalId`, `properties.clientId`). See lib/manifest/refs.ts.
 */
export interface ManifestRef {
  readonly ref: { readonly resource: string; readonly attribute: string };
}

/** One ARM resource in its desired state. */
export interface ManifestResource {
  /** Construct path relative to the App, e.g. `Team/GpuCluster`. Unique in the manifest; the plan's address. */
  readonly logicalId: string;
  /** ARM resource type, e.g. `Microsoft.MachineLearningServices/workspaces/computes`. */
  readonly type: string;
  /** The pinned api-version for the type (lib/catalog/api-versions). */
  readonly apiVersion: string;
  /** Full ARM resource id. */
  readonly id: string;
  /** Last segment of the id. */
  readonly name: string;
  /**
   * Exactly the ARM PUT body (no `id`, `name`, `type`). Secret values are replaced by `SecretRef` objects at the
   * JSON pointers listed in `secrets`.
   */
  readonly body: Readonly<Record<string, unknown>>;
  /** logicalIds of resources that must exist first. */
  readonly dependsOn: readonly string[];
  readonly actions?: readonly ManifestAction[];
  /**
   * Construct paths this resource had before a move (`previousPath`, `Names.preserve`): the same resource under a
   * new address. The reconciler matches by ARM id anyway; the Pulumi component passes them as aliases.
   */
  readonly aliases?: readonly string[];
  readonly options: ResourceOptions;
  /**
   * Escape hatches (`addPropertyOverride` / `addPropertyDeletion`): body paths (JSON pointers) the program set or
   * removed beyond what amlcdk models. The body schema is not applied at these paths.
   */
  readonly overrides?: readonly { readonly path: string; readonly op: 'set' | 'delete' }[];
  /** A `GenericResource`: any ARM type, body as written (Pulumi deploys it as azure-native's generic resource). */
  readonly generic?: boolean;
  /** JSON pointers (RFC 6901) into `body` where a `SecretRef` stands. */
  readonly secrets?: readonly string[];
  /**
   * JSON pointers (RFC 6901, sorted) into `body` of values amlcdk filled in because the program left the prop out
   * (e.g. `/properties/publicNetworkAccess` when `publicNetworkAccess` was not given). Reports say "default of
   * amlcdk" for them instead of "set in the program". Absent in hand-made manifests: every value counts as written.
   */
  readonly defaults?: readonly string[];
  /** The construct class that produced it, e.g. `ComputeInstance`, for reports. */
  readonly construct?: string;
  /** file:line of the construct's `new` in the user's program (relative path). */
  readonly source?: SourceLocation;
  /** Policy suppressions that apply to this resource (declared on it or on an ancestor construct). */
  readonly suppressions?: readonly Suppression[];
}

/**
 * A policy rule the user chose to silence for a construct subtree, with a reason. Recorded by
 * `Suppressions.of(construct).add(...)` (lib/policy) as construct metadata and copied into every resource below.
 */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  /** ISO date (YYYY-MM-DD) after which the suppression no longer applies and is itself reported. */
  readonly expires?: string;
  /** Construct path where it was declared. A Stack path means stack-wide (reported with a warning). */
  readonly declaredAt: string;
  readonly source?: SourceLocation;
}

/** Construct metadata type under which suppressions are stored. */
export const SUPPRESSION_METADATA_TYPE = 'amlcdk:suppression';

/**
 * A container image that must be built from a directory and pushed to a registry before the resources that use
 * it. In resource bodies the image reference stands as the placeholder string `${asset:<id>}` until the
 * deploying engine knows the pushed reference: the Pulumi path builds it with `@pulumi/docker`; the reconciler
 * path uses `digest` when given and otherwise reports that building needs Docker.
 */
export interface ContainerImageAsset {
  readonly id: string;
  readonly kind: 'container-image';
  /** Build context directory, relative to the working directory of synthesis. */
  readonly directory: string;
  /** Dockerfile path relative to `directory`. */
  readonly dockerfile: string;
  /** logicalId of the container registry resource to push to, or an ARM id of an existing registry. */
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  /** `sha256:...` of an image built and pushed already; lets the reconciler refer to it without Docker. */
  readonly digest?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly platform?: string;
  /** logicalIds of the resources whose bodies reference the asset. */
  readonly usedBy: readonly string[];
}

/** One stack's desired state. Written to `<outdir>/<stack>.manifest.json` as canonical JSON. */
export interface Manifest {
  readonly schemaVersion: typeof MANIFEST_SCHEMA_VERSION;
  readonly stack: ManifestStack;
  readonly resources: readonly ManifestResource[];
  /** Container images to build and push before the resources that use them. */
  readonly assets?: readonly ContainerImageAsset[];
  /** Warnings raised during synthesis (acknowledged ones included, marked). Errors never reach a manifest. */
  readonly diagnostics?: readonly Diagnostic[];
  /** `sha256:<hex>` of the canonical JSON of the document without this field. */
  readonly hash: string;
}

/**
 * What the App writes next to the manifests so the CLI (another process) learns the outcome:
 * `<outdir>/synth-report.json`.
 */
export interface SynthReport {
  readonly ok: boolean;
  /** Manifest file names written (relative to outdir). Empty when `ok` is false. */
  readonly manifests: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Environment variable through which the CLI tells an app where to write (and that it runs under the CLI). */
export const OUTDIR_ENV = 'AMLCDK_OUTDIR';
export const SYNTH_REPORT_FILE = 'synth-report.json';
