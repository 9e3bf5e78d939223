/**
 * Observe and plan at ARM's real read rate: an estate (bench/estate-program.ts: one team per resource group with a
 * workspace, personal compute instances and their grants) is applied once to an emulator in this process, then
 * planned again stack by stack, as `amlcdk plan` does, with ARM's read bucket on both sides (250 burst, 25/s, no
 * scale factor: the emulator's `throttle.scale` is 1 and the client's limiter has ARM's limits).
 *
 * - `reads`: every read the plan made (list pages and GETs, as the client sent them and ARM answered them).
 * - `wall`: from the first stack's state load to the last stack's plan, including waiting for read budget. The
 *   emulator runs in the same process, so its CPU (rendering every listed resource) is in the figure too.
 * - Each sample starts with a full read bucket (the emulator's buckets are reset and the client is new), as after
 *   10 s without reads: a plan right after another waits for the refill, which the `waited` figure would show.
 *
 *   node --import tsx bench/observe.ts [resources=10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HttpArmClient, LocalCredential, ArmRateLimiter } from '../lib/arm/index.js';
import { startEmulator, type RunningEmulator } from '../lib/emulator/index.js';
import type { Manifest } from '../lib/manifest/types.js';
import { applyStack, planStack } from '../lib/reconciler/apply.js';
import { FileStateStore } from '../lib/state/file-store.js';
import { defaultResourceGroups, estateManifests } from './estate-program.js';
import { formatTable, measure, sharedSamples, type FigureSpec } from './harness.js';

/**
 * Items per list page: the emulator's default. ARM leaves the page size to each resource provider and documents none
 * for these lists (lib/emulator/options.ts `pageSize`).
 */
export const PAGE_SIZE = 100;

/** An estate applied to a running emulator, with the state store that owns it. */
export interface AppliedEstate {
  readonly emu: RunningEmulator;
  readonly stacks: readonly Manifest[];
  readonly stateDir: string;
  close(): Promise<void>;
}

/** Apply an estate of `resources` resources (throttling off, LROs done at once: setup, not measured). */
export async function applyEstate(resources: number): Promise<AppliedEstate> {
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-bench-observe-'));
  const emu = await startEmulator({
    dataDir: join(dir, 'emulator'),
    pageSize: PAGE_SIZE,
    throttle: false,
    retryAfterSeconds: 0,
    durations: { default: { create: 0, update: 0, delete: 0, action: 0 } },
    quotas: { cpuDefault: 100_000_000 },
  });
  const stacks = estateManifests({ resources });
  const stateDir = join(dir, 'state');
  const client = new HttpArmClient({
    endpoint: emu.url,
    caCertPem: emu.caCertPem,
    credential: new LocalCredential(),
    limiter: false,
    poll: { initialDelayMs: 5, maxDelayMs: 50 },
  });
  const store = new FileStateStore({ dir: stateDir, onNotice: () => undefined });
  try {
    for (const manifest of stacks) {
      const r = await applyStack({ client, store, manifest, ensureResourceGroup: true, concurrency: 64 });
      if (r.summary.failed + r.summary.skipped > 0)
        throw new Error(`estate setup: ${manifest.stack.name} did not apply: ${JSON.stringify(r.summary)}`);
    }
  } finally {
    client.close();
    await store.close();
  }
  return {
    emu,
    stacks,
    stateDir,
    close: async () => {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One plan of some of the estate's stacks at ARM's real read rate. */
export interface ObserveSample {
  readonly resources: number;
  readonly stacks: number;
  /** Reads sent and answered (list pages + GETs), from the client's request events. */
  readonly reads: number;
  readonly lists: number;
  readonly gets: number;
  readonly wallMs: number;
  /** Elapsed time a read waited for the read budget. */
  readonly waitedMs: number;
  /** 429s the emulator answered during the plan. */
  readonly throttled: number;
}

/** Plan `stacks` of an applied estate, one after the other, with ARM's real read bucket on both sides. */
export async function planAtArmRate(estate: AppliedEstate, stacks: readonly Manifest[]): Promise<ObserveSample> {
  // ARM's buckets (throttle.scale 1); configuring them also refills them.
  estate.emu.configure({ throttle: { scale: 1 } });
  const throttledBefore = estate.emu.counters().throttled;
  let reads = 0;
  const client = new HttpArmClient({
    endpoint: estate.emu.url,
    caCertPem: estate.emu.caCertPem,
    credential: new LocalCredential(),
    limiter: new ArmRateLimiter(),
    onRequest: (e) => {
      if (e.kind === 'reads' && e.status !== 0 && e.status !== 429) reads += 1;
    },
  });
  const store = new FileStateStore({ dir: estate.stateDir, onNotice: () => undefined });
  try {
    let lists = 0;
    let gets = 0;
    let waitedMs = 0;
    let resources = 0;
    const t0 = performance.now();
    for (const m of stacks) {
      const state = await store.load(m.stack.name);
      const { plan, observation } = await planStack(client, m, state);
      if (plan.summary.noop !== m.resources.length)
        throw new Error(`re-plan of ${m.stack.name} is not all no-op: ${JSON.stringify(plan.summary)}`);
      lists += observation.calls.list;
      gets += observation.calls.get;
      waitedMs += observation.calls.waitedMs ?? 0;
      resources += m.resources.length;
    }
    const wallMs = performance.now() - t0;
    if (reads !== lists + gets) throw new Error(`the client sent ${reads} reads, observe counted ${lists + gets}`);
    return {
      resources,
      stacks: stacks.length,
      reads,
      lists,
      gets,
      wallMs,
      waitedMs,
      throttled: estate.emu.counters().throttled - throttledBefore,
    };
  } finally {
    client.close();
    await store.close();
    estate.emu.configure({ throttle: false });
  }
}

/** `1000` → `1k`. */
function label(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/**
 * The figures `npm run bench` reports for observing: reads for `small` and `large` resources (the small estate is
 * the large one's first stacks, at the same ~500 resources per resource group), and the wall time of the large
 * plan. One estate is applied (on first use) for all of them; `close()` stops its emulator.
 */
export function observeFigures(sizes: { small: number; large: number }): {
  readonly specs: FigureSpec[];
  close(): Promise<void>;
} {
  let estate: Promise<AppliedEstate> | undefined;
  const applied = (): Promise<AppliedEstate> => (estate ??= applyEstate(sizes.large));
  const perStack = sizes.large / defaultResourceGroups(sizes.large);
  const groupsOf = (n: number): number => Math.max(1, Math.round(n / perStack));
  const sample = (stacks: number) =>
    sharedSamples(async () => {
      const e = await applied();
      return planAtArmRate(e, e.stacks.slice(0, stacks));
    });
  const small = sample(groupsOf(sizes.small));
  const large = sample(groupsOf(sizes.large));
  const goal = (n: number): { goal: string; meets: (m: number) => boolean } => ({
    goal: `<= ${Math.floor(n / 50)} (1 read per 50 resources)`,
    meets: (m) => m <= n / 50,
  });
  const specs: FigureSpec[] = [
    {
      name: `observe reads, ${label(sizes.small)} resources (${groupsOf(sizes.small)} resource groups; pages of ${PAGE_SIZE} included)`,
      unit: 'reads',
      ...goal(sizes.small),
      run: small((s) => s.reads),
    },
    {
      name: `observe reads, ${label(sizes.large)} resources (${groupsOf(sizes.large)} resource groups; pages of ${PAGE_SIZE} included)`,
      unit: 'reads',
      ...goal(sizes.large),
      run: large((s) => s.reads),
    },
    {
      name: `plan ${label(sizes.large)} at ARM's real read rate (emulator throttle scale 1): wall`,
      unit: 's',
      goal: '<= 15',
      meets: (m) => m <= 15,
      run: large((s) => s.wallMs / 1000),
    },
    {
      name: `plan ${label(sizes.large)} at ARM's real read rate: waited for read budget`,
      unit: 's',
      run: large((s) => s.waitedMs / 1000),
    },
    {
      name: `plan ${label(sizes.large)} at ARM's real read rate: 429s`,
      unit: 'count',
      goal: '0',
      meets: (m) => m === 0,
      run: large((s) => s.throttled),
    },
  ];
  return {
    specs,
    close: async () => {
      if (estate) await (await estate).close();
    },
  };
}

// No top-level await: the test suite may import this module (jest loads it as CommonJS).
async function cli(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000);
  const group = observeFigures({ small: Math.min(1000, n), large: n });
  const figures = [];
  try {
    for (const spec of group.specs) figures.push(await measure(spec, (l) => process.stderr.write(`${l}\n`)));
  } finally {
    await group.close();
  }
  process.stdout.write(`${formatTable(figures)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
