/**
 * End-to-end harness: an emulator on 127.0.0.1 (fast LROs), an HttpArmClient trusting its CA, a file state store
 * in a temp dir, and the examples synthesized in-process (App.synth without writing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../lib/core/app.js';
import { ArmRateLimiter, HttpArmClient, LocalCredential } from '../../lib/arm/index.js';
import { contentHash } from '../../lib/manifest/canonical.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';
import { FileStateStore } from '../../lib/state/file-store.js';
import type { EmulatorOptions } from '../../lib/emulator/options.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import type { Json } from '../helpers/json.js';

export const FAST: EmulatorOptions['durations'] = { default: { create: 0, update: 0, delete: 0, action: 0 } };

export interface Harness {
  readonly emu: TestEmulator;
  readonly client: HttpArmClient;
  readonly store: FileStateStore;
  readonly dir: string;
  /**
   * Writes (PUT/PATCH/DELETE/POST) the emulator logged after `since` (a log seq). A checkNameAvailability POST asks,
   * it changes nothing: not a write.
   */
  writesSince(since: number): { method: string; path: string; status: number }[];
  lastSeq(): number;
  /** An https.Agent trusting the emulator, for Microsoft's SDK clients. */
  agent(): https.Agent;
  close(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startTestEmulator({ durations: FAST, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-e2e-'));
  // The client's buckets mirror the emulator's: with ARM's real refill the client would pace itself to 10 writes/s
  // against an emulator refilling 100× faster, and a test of 2,000 resources would wait minutes for nothing.
  const scale = options.throttle === false ? undefined : options.throttle?.scale;
  const limiter = scale !== undefined ? new ArmRateLimiter({ scale, scaleBursts: false }) : undefined;
  const client = new HttpArmClient({
    endpoint: emu.url,
    credential: new LocalCredential(),
    caCertPem: emu.caCertPem,
    poll: { initialDelayMs: 10, maxDelayMs: 200 },
    retry: { baseDelayMs: 20, maxDelayMs: 500 },
    ...(limiter ? { limiter } : {}),
  });
  const store = new FileStateStore({ dir: join(dir, '.amlcdk'), onNotice: () => undefined });
  let agent: https.Agent | undefined;
  return {
    emu,
    client,
    store,
    dir,
    lastSeq: () => emu.log().at(-1)?.seq ?? 0,
    writesSince: (since) =>
      emu
        .log(since)
        .filter((e) => e.kind === 'write' || e.kind === 'delete' || e.kind === 'action')
        .filter((e) => !/\/checkNameAvailability$/i.test(e.path))
        .map((e) => ({ method: e.method, path: e.path, status: e.status })),
    agent: () => (agent ??= new https.Agent({ ca: emu.caCertPem, keepAlive: false })),
    close: async () => {
      agent?.destroy();
      try {
        await emu.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Synthesize an example's stack in-process. */
export async function synthExample(
  name: 'quickstart' | 'secure-gpu-team' | 'attach-existing' | 'insecure' | 'identity-grants',
): Promise<Manifest> {
  const mod = (await import(`../../examples/${name}/stack.ts`)) as Record<string, unknown>;
  const ctorName = Object.keys(mod).find((k) => k.endsWith('Stack') && typeof mod[k] === 'function');
  if (!ctorName) throw new Error(`examples/${name}/stack.ts exports no *Stack class`);
  const Ctor = mod[ctorName] as new (scope: App, id: string) => unknown;
  const app = new App();
  const id = ctorName.replace(/Stack$/, '');
  new Ctor(app, id);
  const result = app.synth({ write: false });
  return result.manifests[0];
}

/** A copy of a manifest with one resource's body changed (hash recomputed, as synthesis would). */
export function withBody(m: Manifest, logicalId: string, change: (body: Json) => void): Manifest {
  const resources: ManifestResource[] = m.resources.map((r) => {
    if (r.logicalId !== logicalId) return r;
    const body = JSON.parse(JSON.stringify(r.body));
    change(body);
    return { ...r, body };
  });
  if (!resources.some((r) => r.logicalId === logicalId)) throw new Error(`no resource ${logicalId}`);
  const { hash: _h, ...rest } = { ...m, resources };
  void _h;
  return { ...rest, hash: contentHash(rest) };
}

export function findCompute(m: Manifest, computeType: string): ManifestResource | undefined {
  return m.resources.find(
    (r) =>
      r.type.toLowerCase() === 'microsoft.machinelearningservices/workspaces/computes' &&
      (r.body.properties as { computeType?: string } | undefined)?.computeType === computeType,
  );
}
