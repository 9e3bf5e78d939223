/**
 * The local ARM emulator: a faithful, fault-injectable Azure Resource Manager on 127.0.0.1 over HTTPS.
 * See docs/emulator.md.
 *
 * @example
 * const emu = await startEmulator({ durations: { default: { create: 0 } } });
 * try {
 *   // point an ArmClient (or Microsoft's SDK clients, trusting emu.caCertPem) at emu.url
 * } finally {
 *   await emu.close();
 * }
 */
export { startEmulator, type RunningEmulator } from './start.js';
export { ensureLocalEmulator, type LocalEmulator } from './local.js';
export { unsignedToken } from './token.js';
export type {
  EmulatorOptions,
  RuntimeConfig,
  FaultRule,
  DurationOptions,
  OperationDurations,
  QuotaOptions,
  ThrottleOptions,
  BucketOptions,
} from './options.js';
export type { Counters, LogEntry, LogKind } from './server.js';
export type { PrincipalSeed } from './directory.js';
export type { DirectoryPrincipal } from './store.js';
export { SERVED_TYPES } from './rp/registry.js';
export { acceptedApiVersions } from './api-versions.js';
