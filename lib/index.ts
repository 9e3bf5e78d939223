/**
 * amlcdk: typed constructs for Azure Machine Learning compute that synthesize a validated, deterministic
 * desired-state manifest. This is the package entry (`import { App, Stack, Workspace } from 'amlcdk'`); it never
 * loads `@pulumi/*` (see `amlcdk/pulumi`).
 */
// core
export * from './core/errors.js';
export * from './core/app.js';
export * from './core/stack.js';
export * from './core/resource.js';
export * from './core/names.js';
export * from './core/duration.js';
export * from './core/secret.js';
export * from './core/annotations.js';
export * from './core/aspects.js';
export { onPrepare, onValidate } from './core/lifecycle.js';
export { setSourceCapture } from './core/source.js';
export * from './core/validators.js';
// catalog
export * from './catalog/index.js';
// constructs
export * from './constructs/refs.js';
export * from './constructs/workspace/index.js';
export * from './constructs/compute/index.js';
export * from './constructs/network/index.js';
export * from './constructs/rbac/index.js';
export * from './constructs/storage/index.js';
export * from './constructs/assets/index.js';
export * from './constructs/generic/index.js';
// manifest
export * from './manifest/types.js';
export { canonicalJson, contentHash } from './manifest/canonical.js';
export { parseManifest, readManifestFile } from './manifest/read.js';
export {
  synthesize,
  buildManifests,
  ASSET_METADATA_TYPE,
  type SynthesizeOptions,
  type SynthesizeResult,
} from './core/synth.js';
export {
  validateBody,
  validateManifest,
  validateManifestDeep,
  MANIFEST_SCHEMA,
  type SchemaIssue,
} from './manifest/schema.js';
