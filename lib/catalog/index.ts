/**
 * The catalog: VM sizes, built-in roles, pinned api-versions and time zones, as data with their sources.
 */
export * from './vm-sizes.js';
export * from './vm-size.js';
export * from './roles.js';
export * from './api-versions.js';
export * from './time-zones.js';
// Owned by the reconciler engineer (per-type update table); re-exported so consumers import the catalog in one place.
export * from './field-tables.js';
