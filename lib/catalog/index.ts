/**
 * The catalog: VM sizes, built-in roles, pinned api-versions and time zones, as data with their sources.
 */
export * from './vm-sizes.js';
export * from './vm-size.js';
export * from './roles.js';
export * from './api-versions.js';
export * from './time-zones.js';
