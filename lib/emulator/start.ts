/**
 * Starting an emulator in this process. Its own module so that local.ts (the CLI's reuse-or-start) and the
 * package entry (index.ts, which re-exports both) do not import each other.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadOrCreateCertificate } from './cert.js';
import type { EmulatorOptions, RuntimeConfig } from './options.js';
import { EmulatorServer, type Counters, type LogEntry } from './server.js';
import type { PrincipalSeed } from './directory.js';
import type { DirectoryPrincipal } from './store.js';

export interface RunningEmulator {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** PEM of the self-signed certificate (its own CA): pass it as `ca`, or write it for NODE_EXTRA_CA_CERTS. */
  readonly caCertPem: string;
  /** `<dataDir>/cert.pem` */
  readonly certPath: string;
  readonly dataDir: string;
  /** Stop listening, drop open connections and write the state. Safe to call twice. */
  close(): Promise<void>;
  /** The operations log (entries with `seq` > `since`). */
  log(since?: number): LogEntry[];
  counters(): Counters;
  /** Change durations, quotas, throttle, faults, seed, page size or Retry-After at run time. */
  configure(config: RuntimeConfig): RuntimeConfig;
  /** Empty the state, the log and the counters. */
  reset(): Promise<void>;
  /** Move the emulator's clock forward by `ms` (e.g. past the 14-day workspace soft-delete retention). */
  advanceClock(ms: number): void;
  /**
   * Seed the emulator's Entra directory with a principal (a user, group or service principal that exists outside
   * the emulator), visible to role assignments after its replication delay. Persisted with the state.
   */
  addPrincipal(seed: PrincipalSeed): DirectoryPrincipal;
  /** Seed a custom role definition (in memory only) that role assignments may name besides the built-in roles. */
  addRoleDefinition(guid: string, roleName?: string): { guid: string; roleName: string };
}

/** Start an emulator in this process. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir =
    options.dataDir !== undefined ? resolve(options.dataDir) : mkdtempSync(join(tmpdir(), 'amlcdk-emulator-'));
  mkdirSync(dataDir, { recursive: true });
  const cert = await loadOrCreateCertificate(dataDir);
  const server = new EmulatorServer({ ...options, dataDir }, { certPem: cert.certPem, keyPem: cert.keyPem });
  const port = await server.listen(options.port ?? 0);
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port,
    caCertPem: cert.certPem,
    certPath: cert.certPath,
    dataDir,
    close: () => (closing ??= server.close()),
    log: (since?: number) => server.log(since),
    counters: () => server.counters(),
    configure: (c: RuntimeConfig) => server.configure(c),
    reset: () => server.reset(),
    advanceClock: (ms: number) => server.advanceClock(ms),
    addPrincipal: (seed: PrincipalSeed) => server.addPrincipal(seed),
    addRoleDefinition: (guid: string, roleName?: string) => server.addRoleDefinition(guid, roleName),
  };
}
