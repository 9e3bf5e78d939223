/**
 * amlcdk: typed constructs for Azure Machine Learning compute that synthesize a validated, deterministic
 * desired-state manifest. This is the package entry (`import { App, Stack, Workspace } from 'amlcdk'`); it never
 * loads `@pulumi/*` (see `amlcdk/pulumi`).
 *
 * The public API is listed name by name: helpers that constructs share (name and CIDR arithmetic, the field
 * tables, validators) stay inside. api/amlcdk.api.md records this surface; `npm run api` updates it after a
 * deliberate change (npm test fails while it is stale).
 */
// core: the app, stacks, resources and what every construct uses
export {
  AmlcdkError,
  ValidationError,
  SynthesisError,
  InputError,
  UsageError,
  type Diagnostic,
  type DiagnosticLevel,
  type SourceLocation,
  type PathLike,
  type ValidationDetails,
} from './core/errors.js';
export { App, type AppProps, type SynthOptions, type SynthResult } from './core/app.js';
export { Stack, type StackProps } from './core/stack.js';
export { AzureResource, type AzureResourceInit, type ResourceOptionsProps } from './core/resource.js';
export { Names, NAME_RULES, type NameKind, type NameRule, type NamingProps } from './core/names.js';
export { Duration } from './core/duration.js';
export { Secret } from './core/secret.js';
export { Annotations } from './core/annotations.js';
export { Aspects, type IAspect } from './core/aspects.js';
export { synthesize, type SynthesizeOptions, type SynthesizeResult } from './core/synth.js';
// catalog
export { VmSize } from './catalog/vm-size.js';
export { VM_SIZES, findVmSize, type VmSizeInfo } from './catalog/vm-sizes.js';
export { BuiltInRole, type RoleArea } from './catalog/roles.js';
// constructs
export type {
  IWorkspaceRef,
  ISubnetRef,
  IComputePlacement,
  IPrincipal,
  IFileShareMountRef,
  IShareMounter,
} from './constructs/refs.js';
export * from './constructs/workspace/index.js';
export { ComputeBase, type ComputeBaseProps } from './constructs/compute/base.js';
export { SshAccess, type SshAccessOptions } from './constructs/compute/ssh.js';
export {
  ComputeSchedule,
  WEEK_DAYS,
  type ComputeRecurrence,
  type RecurrenceFrequency,
  type ScheduleOptions,
  type WeekDay,
} from './constructs/compute/schedule.js';
export { SetupScript, type SetupScriptOptions } from './constructs/compute/setup-script.js';
export { ComputeIdentity } from './constructs/compute/identity.js';
export {
  rstudioApplication,
  type CustomApplication,
  type CustomApplicationEndpoint,
  type CustomApplicationVolume,
  type IContainerImageAsset,
} from './constructs/compute/custom-application.js';
export * from './constructs/compute/compute-instance.js';
export * from './constructs/compute/compute-cluster.js';
export * from './constructs/compute/attached-compute.js';
export * from './constructs/compute/personal-instances.js';
export * from './constructs/network/network-security-group.js';
export {
  VirtualNetwork,
  Subnet,
  type IVirtualNetwork,
  type ExistingVirtualNetworkAttributes,
  type VirtualNetworkProps,
  type SubnetOptions,
  type SubnetProps,
  type ImportedSubnetAttributes,
} from './constructs/network/virtual-network.js';
export * from './constructs/network/private-dns-zone.js';
export * from './constructs/network/private-endpoint.js';
export { Principal, type PrincipalOptions } from './constructs/rbac/principal.js';
export {
  RoleAssignment,
  grant,
  type RoleAssignmentProps,
  type GrantOptions,
} from './constructs/rbac/role-assignment.js';
export type { ResourceIdLike } from './constructs/rbac/scope.js';
export { ManagedIdentityRef, type IdentitySource } from './constructs/rbac/identity.js';
export {
  FileShare,
  type IStorageAccount,
  type FileShareAccessTier,
  type FileShareProps,
} from './constructs/storage/file-share.js';
export {
  FileShareMount,
  WorkspaceDefaultFileShare,
  type ServiceDataAccessAuthIdentity,
  type FileShareMountOptions,
  type FileShareMountProps,
  type ExistingFileShareMountProps,
  type WorkspaceDefaultFileShareProps,
} from './constructs/storage/file-share-mount.js';
export * from './constructs/assets/index.js';
export * from './constructs/generic/index.js';
// manifest: the contract every consumer reads
export {
  MANIFEST_SCHEMA_VERSION,
  type Manifest,
  type ManifestStack,
  type ManifestResource,
  type ManifestAction,
  type ResourceOptions,
  type DeletePolicy,
  type SecretRef,
  type ManifestRef,
  type Suppression,
  type ContainerImageAsset,
  type SynthReport,
} from './manifest/types.js';
export { parseManifest, readManifestFile, type ReadManifestOptions } from './manifest/read.js';
export { validateManifest, validateManifestDeep, MANIFEST_SCHEMA, type SchemaIssue } from './manifest/schema.js';
