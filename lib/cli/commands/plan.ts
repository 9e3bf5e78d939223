/**
 * `amlcdk plan [--app <cmd> | --manifest <file|dir>] [--json] [--out <file>] [--target local|azure] [--state <spec>]`
 *
 * Observes the target, diffs it against the program and prints what apply would do: `+ ~ -/+ -` lines with the
 * paths, old → new values and the reason for each replacement, a summary and an estimated monthly cost delta.
 * `--json` prints the machine plan (`resource_changes[].change.actions`, like `terraform show -json`) on stdout;
 * `--out` saves it (with the manifest and the observed fingerprint) for `amlcdk apply <file>`.
 * Exit 0 (a plan, with or without changes), 1 (the plan has errors, e.g. a protected resource would be
 * replaced), 2 (usage or input error).
 *
 * This file also holds what plan/apply/destroy/drift/import share: reading the desired state, connecting to the
 * target, opening the state store.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HttpArmClient, LocalCredential } from '../../arm/index.js';
import type { ArmClient } from '../../arm/types.js';
import { AmlcdkError, InputError, UsageError } from '../../core/errors.js';
import type { Manifest } from '../../manifest/types.js';
import { parseManifest } from '../../manifest/read.js';
import { canonicalJson } from '../../manifest/canonical.js';
import { planStack } from '../../reconciler/apply.js';
import { describeObservation } from '../../reconciler/observe.js';
import { checkSavedPlan } from '../../reconciler/saved-plan.js';
import { secretResolver, type SecretResolver } from '../../reconciler/secrets.js';
import type { Plan, SavedPlan } from '../../reconciler/plan.js';
import { renderPlan, type Painter } from '../../reconciler/render.js';
import { openStateStore } from '../../state/open.js';
import type { StateStore } from '../../state/types.js';
import { synthApp, loadManifests } from '../app-runner.js';
import { loadConfig } from '../config.js';
import { ExitCode } from '../exit-code.js';
import { colors, printOpenWarnings } from '../output.js';
import { addTargetOptions } from '../target-options.js';

export interface TargetOptions {
  readonly app?: string;
  /** Stop the program after this long (`--app-timeout`). @default - "appTimeout" in amlcdk.json, else 10 min */
  readonly appTimeout?: string;
  readonly manifest?: string;
  readonly outdir?: string;
  readonly target?: string;
  readonly state?: string;
  /** Only this stack (when the program has several). */
  readonly stack?: string;
}

export const DEFAULT_OUTDIR = 'amlcdk.out';
export const DEFAULT_STATE_DIR = '.amlcdk';

/** The manifests to work on: `--manifest`, else synthesize `--app` / amlcdk.json "app". */
export async function loadDesired(opts: TargetOptions, cwd = process.cwd()): Promise<Manifest[]> {
  const cfg = loadConfig(cwd);
  let manifests: Manifest[];
  if (opts.manifest) {
    if (opts.app) throw new UsageError('ConflictingOptions', 'pass either --app or --manifest, not both');
    manifests = loadManifests(resolve(cwd, opts.manifest)).map((m) => m.manifest);
  } else {
    const app = opts.app ?? cfg.app;
    if (!app || !app.trim()) {
      throw new UsageError(
        'NoApp',
        'nothing to plan: pass --app "<command>" or --manifest <file|dir>, or set "app" in amlcdk.json (e.g. { "app": "tsx main.ts" })',
      );
    }
    const result = await synthApp({
      app,
      outdir: opts.outdir ?? cfg.outdir ?? DEFAULT_OUTDIR,
      cwd,
      appTimeout: opts.appTimeout,
    });
    manifests = result.manifests.map((m) => m.manifest);
  }
  if (opts.stack) {
    manifests = manifests.filter((m) => m.stack.name === opts.stack);
    if (manifests.length === 0)
      throw new UsageError('UnknownStack', `no stack named ${JSON.stringify(opts.stack)} in the program`);
  }
  printOpenWarnings(manifests);
  return manifests;
}

export interface Connection {
  readonly client: ArmClient;
  /** `local (https://127.0.0.1:port)` or `azure`. */
  readonly label: string;
  /** The local target is a sandbox: apply creates a missing resource group there. */
  readonly local: boolean;
  /** Resolves secret references at apply time (env:, and keyvault: through Key Vault on Azure). */
  readonly secretResolver: SecretResolver;
  close(): Promise<void>;
}

/** The target from `--target`, else amlcdk.json, else `local`. Throws UsageError on anything else. */
export function targetOf(opts: TargetOptions, cwd: string): 'local' | 'azure' {
  const t = opts.target ?? loadConfig(cwd).target ?? 'local';
  if (t !== 'local' && t !== 'azure')
    throw new UsageError('InvalidTarget', `--target must be "local" or "azure", got ${JSON.stringify(t)}`);
  return t;
}

/**
 * Connect to the target. `local`: the embedded emulator (started when none runs; data under
 * `.amlcdk/emulator`), reached over HTTPS trusting its CA. `azure`: management.azure.com with
 * DefaultAzureCredential. `AMLCDK_ARM_ENDPOINT` + `AMLCDK_ARM_CA_FILE` point the local target at an emulator
 * someone else started (tests, CI).
 */
export async function connect(opts: TargetOptions, cwd = process.cwd()): Promise<Connection> {
  const target = targetOf(opts, cwd);
  if (target === 'azure')
    return {
      client: new HttpArmClient(),
      label: 'azure',
      local: false,
      secretResolver: secretResolver({ keyVault: readKeyVaultSecret }),
      close: async () => undefined,
    };
  const endpoint = process.env.AMLCDK_ARM_ENDPOINT;
  if (endpoint) {
    const caFile = process.env.AMLCDK_ARM_CA_FILE;
    const caCertPem = caFile ? readCaFile(caFile) : undefined;
    return {
      client: new HttpArmClient({
        endpoint,
        credential: new LocalCredential(),
        ...(caCertPem ? { caCertPem } : {}),
        poll: { initialDelayMs: 50, maxDelayMs: 1000 },
      }),
      label: `local (${endpoint})`,
      local: true,
      secretResolver: secretResolver(),
      close: async () => undefined,
    };
  }
  // Loaded only for the local target (the azure path never needs the emulator's code).
  const { ensureLocalEmulator } = await import('../../emulator/local.js');
  const emu = await ensureLocalEmulator({ dataDir: resolve(cwd, DEFAULT_STATE_DIR, 'emulator') });
  return {
    client: new HttpArmClient({
      endpoint: emu.url,
      credential: new LocalCredential(),
      caCertPem: emu.caCertPem,
      poll: { initialDelayMs: 50, maxDelayMs: 1000 },
    }),
    label: `local (${emu.url})`,
    local: true,
    secretResolver: secretResolver(),
    close: async () => {
      await emu.close();
    },
  };
}

/** The PEM file `AMLCDK_ARM_CA_FILE` names, or a UsageError saying why it cannot be read. */
function readCaFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      'ArmCaFileUnreadable',
      `AMLCDK_ARM_CA_FILE names ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}). Fix: point it at the emulator's certificate (its PEM file), or unset it together with AMLCDK_ARM_ENDPOINT`,
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new UsageError(
      'ArmCaFileUnreadable',
      `AMLCDK_ARM_CA_FILE names ${file}, which holds no PEM certificate. Fix: point it at the emulator's certificate (its PEM file)`,
    );
  return text;
}

/** Read a Key Vault secret with DefaultAzureCredential (data plane `vault.azure.net`, api-version 7.4). */
async function readKeyVaultSecret(vault: string, name: string): Promise<string> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  const token = await new DefaultAzureCredential().getToken('https://vault.azure.net/.default');
  const res = await fetch(
    `https://${encodeURIComponent(vault)}.vault.azure.net/secrets/${encodeURIComponent(name)}?api-version=7.4`,
    { headers: { Authorization: `Bearer ${token.token}` } },
  );
  if (!res.ok) throw new Error(`Key Vault answered ${res.status}`);
  const body = (await res.json()) as { value?: unknown };
  if (typeof body.value !== 'string') throw new Error('Key Vault returned no value');
  return body.value;
}

/** The state store: `file` (default, `.amlcdk/` of the working directory), `file://<dir>` or `azblob://account/container/prefix`. */
export async function openStore(opts: TargetOptions, cwd = process.cwd()): Promise<StateStore> {
  // azblob:// reads AZURE_STORAGE_CONNECTION_STRING when set (Azurite, CI), else DefaultAzureCredential.
  if (opts.state !== undefined) return openStateStore(opts.state, { cwd, source: '--state' });
  return openStateStore(loadConfig(cwd).state ?? 'file', { cwd });
}

export function painterFor(stream: NodeJS.WriteStream): Painter {
  return colors(stream);
}

/** Read a saved plan file. */
export function readSavedPlan(file: string): SavedPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError('PlanUnreadable', `cannot read the plan file ${file}: ${(err as Error).message}`, {
      file,
      fix: 'run `amlcdk plan --out <file>` first',
    });
  }
  let plan: SavedPlan;
  try {
    plan = JSON.parse(text) as SavedPlan;
  } catch (err) {
    throw new InputError('PlanInvalidJson', `${file} is not valid JSON: ${(err as Error).message}`, {
      file,
      fix: 'run `amlcdk plan --out <file>` again',
    });
  }
  if (
    !plan ||
    typeof plan !== 'object' ||
    typeof plan.format_version !== 'string' ||
    !Array.isArray(plan.resource_changes) ||
    !plan.manifest
  ) {
    throw new InputError(
      'PlanInvalid',
      `${file} is not an amlcdk plan saved with --out (format_version, resource_changes and manifest are required)`,
      { file, fix: 'run `amlcdk plan --out <file>` again' },
    );
  }
  // Re-verify the embedded manifest (hash), then bind the plan to it: required fields, manifest_hash, stack and
  // the scope of every id (apply then re-plans and compares the changes themselves).
  const manifest = parseManifest(JSON.stringify(plan.manifest), file);
  try {
    checkSavedPlan(plan, manifest, file);
  } catch (err) {
    if (err instanceof AmlcdkError)
      throw new InputError(err.code, err.message, { file, fix: 'run `amlcdk plan --out <file>` again' });
    throw err;
  }
  return { ...plan, manifest };
}

export interface PlanCommandOptions extends TargetOptions {
  readonly json?: boolean;
  readonly out?: string;
  readonly showUnchanged?: boolean;
}

export function register(program: Command): void {
  addTargetOptions(program.command('plan'), {
    manifest: 'plan from a manifest file or a directory of *.manifest.json instead of running the program',
    stack: 'only this stack',
  })
    .description(
      'show what apply would change: per resource, the paths, old → new values and the reason for replacements',
    )
    .option('--json', 'print the JSON plan on stdout')
    .option('--out <file>', 'save the plan for `amlcdk apply <file>`')
    .option('--show-unchanged', 'also list resources without changes')
    .action(async (opts: PlanCommandOptions) => {
      const code = await runPlan(opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

export async function runPlan(
  opts: PlanCommandOptions,
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): Promise<number> {
  const manifests = await loadDesired(opts, cwd);
  if (opts.out && manifests.length !== 1)
    throw new UsageError(
      'PlanOutNeedsOneStack',
      `--out saves one stack's plan, but the program has ${manifests.length} stacks; pass --stack <name>`,
    );
  const conn = await connect(opts, cwd);
  try {
    const store = await openStore(opts, cwd);
    const plans: Plan[] = [];
    const observed: string[] = [];
    for (const m of manifests) {
      const state = await store.load(m.stack.name);
      const { plan, observation } = await planStack(conn.client, m, state);
      plans.push(plan);
      observed.push(describeObservation(observation));
      if (opts.out) {
        const saved: SavedPlan = { ...plan, manifest: m, target: conn.label.split(' ')[0] };
        writeFileSync(resolve(cwd, opts.out), canonicalJson(saved, 2) + '\n');
      }
    }
    if (opts.json) {
      out.write(
        JSON.stringify(
          plans.length === 1 ? plans[0] : { format_version: plans[0]?.format_version ?? '1.0', plans },
          null,
          2,
        ) + '\n',
      );
    } else {
      const p = painterFor(out);
      plans.forEach((plan, i) => {
        out.write(p.dim(`${observed[i]}\n`));
        out.write(renderPlan(plan, { painter: p, showNoop: opts.showUnchanged ?? false }));
      });
      if (opts.out)
        out.write(`Saved the plan to ${opts.out}. Apply exactly this plan with: amlcdk apply ${opts.out}\n`);
    }
    return plans.some((p) => p.errors.length > 0) ? 1 : 0;
  } finally {
    await conn.close();
  }
}
