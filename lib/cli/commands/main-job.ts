/**
 * `amlcdk main-job [--app <cmd>] [--outdir <dir>] [--target local|azure] [--state <spec>] [--yes]` (what
 * `npm start` runs): the app of amlcdk.json (the quickstart in this repository) end to end, one small function per
 * step: synth → validate → check → plan → apply (with progress) → re-plan, which must show no changes.
 *
 * The target is the embedded local emulator by default; its data and the state live under `.amlcdk/` of the
 * working directory, so a second run on the same directory plans 0 changes and applies nothing. The emulator this
 * job starts is closed before it returns, even on failure, so the process never hangs on an open server.
 * Exit 0 every step passed, 1 a step failed (synthesis or schema errors, findings at or above the check's default
 * bar, a failed apply, a re-plan that is not empty), 2 usage or input error.
 */
import type { Command } from 'commander';
import { AmlcdkError, InputError, SynthesisError, UsageError } from '../../core/errors.js';
import type { Manifest } from '../../manifest/types.js';
import { validateManifestDeep } from '../../manifest/schema.js';
import { check } from '../../policy/engine.js';
import type { CheckReport } from '../../policy/types.js';
import { applyStack, planStack, type ApplyResult } from '../../reconciler/apply.js';
import type { Plan } from '../../reconciler/plan.js';
import { renderPlan } from '../../reconciler/render.js';
import type { StateStore } from '../../state/types.js';
import { synthApp, type SynthAppResult } from '../app-runner.js';
import { colors, printDiagnostics, printError } from '../output.js';
import { ExitCode } from '../exit-code.js';
import { askYes, printResult, progressPrinter } from './apply.js';
import { renderReport, resolveCheckOptions } from './check.js';
import { connect, openStore, painterFor, targetOf, type Connection } from './plan.js';
import { printNotes, renderTree, resolveApp } from './synth.js';

export interface MainJobOptions {
  readonly app?: string;
  /** Stop the program after this long (`--app-timeout`). @default - "appTimeout" in amlcdk.json, else 10 min */
  readonly appTimeout?: string;
  readonly outdir?: string;
  /** `local` (embedded emulator, default) or `azure`. */
  readonly target?: string;
  /** State store spec: `file` (default, `.amlcdk/`) or `azblob://account/container/prefix`. */
  readonly state?: string;
  /** Apply to a non-local target without asking (the local emulator is a sandbox and never asks). */
  readonly yes?: boolean;
}

/** The steps, in order; the headers print `[n/6] name`. */
export const MAIN_JOB_STEPS = ['synth', 'validate', 'check', 'plan', 'apply', 're-plan'] as const;
export type MainJobStep = (typeof MAIN_JOB_STEPS)[number];

export function register(program: Command): void {
  program
    .command('main-job')
    .description(
      'the main job (npm start): synth, validate, check, plan, apply with progress, and a re-plan that must show no changes',
    )
    .option('--app <command>', 'command that runs the program (default: "app" in amlcdk.json)')
    .option(
      '--app-timeout <duration>',
      'stop the program after this long, e.g. 90s, 20m (default: "appTimeout" in amlcdk.json, else 10m)',
    )
    .option('-o, --outdir <dir>', 'where to write the manifests')
    .option('--target <target>', 'local (embedded emulator, default) or azure')
    .option('--state <spec>', 'state store: file (default, .amlcdk/) or azblob://account/container/prefix')
    .option('-y, --yes', 'apply to a non-local target without asking')
    .action(async (opts: MainJobOptions) => {
      const code = await runMainJob(opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

/** Print a step header: `[3/6] check  <detail>`. */
export function stepHeader(step: MainJobStep, detail: string, out: NodeJS.WriteStream = process.stdout): void {
  const c = colors(out);
  out.write(
    `\n${c.bold(`[${MAIN_JOB_STEPS.indexOf(step) + 1}/${MAIN_JOB_STEPS.length}] ${step}`)}  ${c.dim(detail)}\n`,
  );
}

/** Step 1: synthesize. Returns undefined (after printing every diagnostic) when synthesis fails. */
export async function stepSynth(
  opts: MainJobOptions,
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): Promise<SynthAppResult | undefined> {
  const { app, outdir } = resolveApp(opts, cwd);
  stepHeader('synth', `${app} → ${outdir}`, out);
  try {
    const result = await synthApp({ app, outdir, cwd, appTimeout: opts.appTimeout });
    for (const m of result.manifests) out.write(renderTree(m.manifest, out) + '\n');
    printNotes(
      result.diagnostics.filter((d) => d.level !== 'error'),
      out,
    );
    return result;
  } catch (err) {
    if (err instanceof SynthesisError) {
      const n = printDiagnostics(err.diagnostics);
      process.stderr.write(`synthesis failed: ${n} error(s)\n`);
      return undefined;
    }
    throw err;
  }
}

/** Step 2: validate every manifest and body against the schemas again (as a consumer would). Returns problems. */
export function stepValidate(result: SynthAppResult, out: NodeJS.WriteStream = process.stdout): number {
  stepHeader('validate', 'every manifest and resource body against the schemas', out);
  let problems = 0;
  for (const m of result.manifests) {
    const issues = validateManifestDeep(m.manifest);
    problems += issues.length;
    for (const i of issues) process.stderr.write(`schema: ${m.manifest.stack.name}${i.pointer} ${i.message}\n`);
  }
  const c = colors(out);
  const count = result.manifests.reduce((n, m) => n + m.manifest.resources.length, 0);
  out.write(
    problems
      ? c.red(`validate: ${problems} schema problem(s)\n`)
      : c.green(`validate: ${result.manifests.length} manifest(s), ${count} resources, all bodies schema-valid\n`),
  );
  return problems;
}

/** Step 3: the policy review with the check command's defaults (fail-on high, profile from amlcdk.json). */
export function stepCheck(
  manifests: readonly Manifest[],
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): CheckReport {
  const { options } = resolveCheckOptions({}, cwd);
  stepHeader('check', `profile ${options.profile}, fail on ${options.failOn} and above`, out);
  const report = check(manifests, options);
  out.write(renderReport(report, 'text', out));
  return report;
}

/** Step 4: observe the target and print what apply will do. */
export async function stepPlan(
  conn: Connection,
  store: StateStore,
  manifests: readonly Manifest[],
  out: NodeJS.WriteStream = process.stdout,
  step: MainJobStep = 'plan',
): Promise<Plan[]> {
  stepHeader(step, `${conn.label}, state ${store.location}`, out);
  const p = painterFor(out);
  const plans: Plan[] = [];
  for (const m of manifests) {
    const { plan } = await planStack(conn.client, m, await store.load(m.stack.name));
    out.write(renderPlan(plan, { painter: p }));
    plans.push(plan);
  }
  return plans;
}

/** True when a plan changes nothing and has no errors. */
export function planIsEmpty(plan: Plan): boolean {
  return plan.errors.length === 0 && plan.resource_changes.every((c) => c.change.actions[0] === 'no-op');
}

/**
 * Step 5: apply exactly the plans of step 4 (refused with `PlanStale` if the target moved in between), with
 * progress lines. A plan without changes is not applied at all. Returns one result per applied stack.
 */
export async function stepApply(
  conn: Connection,
  store: StateStore,
  manifests: readonly Manifest[],
  plans: readonly Plan[],
  opts: Pick<MainJobOptions, 'yes'> = {},
  out: NodeJS.WriteStream = process.stdout,
): Promise<ApplyResult[]> {
  stepHeader('apply', conn.label, out);
  const p = painterFor(out);
  const progress = progressPrinter(out, p);
  const results: ApplyResult[] = [];
  for (const [i, manifest] of manifests.entries()) {
    const plan = plans[i];
    if (planIsEmpty(plan)) {
      out.write(
        p.green(`Stack ${manifest.stack.name}: nothing to apply, the target already matches the program (0 changes).`) +
          '\n',
      );
      continue;
    }
    if (!(await confirmed(conn, manifest.stack.name, opts.yes))) {
      out.write(`Apply of stack ${manifest.stack.name} cancelled: nothing was changed.\n`);
      continue;
    }
    const result = await applyStack({
      client: conn.client,
      store,
      manifest,
      ensureResourceGroup: conn.local,
      secretResolver: conn.secretResolver,
      savedPlan: plan,
      operation: 'main-job',
      onEvent: (e) => {
        if (e.kind !== 'planned') progress(e);
      },
    });
    printResult(result, out, p);
    results.push(result);
  }
  return results;
}

/** The local emulator is a sandbox; anything else is real Azure and needs `--yes` or a "yes" on the terminal. */
async function confirmed(conn: Connection, stack: string, yes: boolean | undefined): Promise<boolean> {
  if (conn.local || yes) return true;
  if (!process.stdin.isTTY) {
    throw new UsageError(
      'ConfirmationRequired',
      `main-job would apply stack ${stack} to ${conn.label} and there is no terminal to confirm on: pass --yes to apply without a prompt`,
    );
  }
  return askYes(`Apply the plan above to stack ${stack} on ${conn.label}? Only "yes" is accepted: `);
}

/** Step 6: plan again; anything but "no changes" means apply did not converge. Returns the stacks that still change. */
export async function stepReplan(
  conn: Connection,
  store: StateStore,
  manifests: readonly Manifest[],
  out: NodeJS.WriteStream = process.stdout,
): Promise<string[]> {
  const plans = await stepPlan(conn, store, manifests, out, 're-plan');
  return plans.filter((plan) => !planIsEmpty(plan)).map((plan) => plan.stack);
}

/** Counts of what the applies did, by operation: `9 created`, `1 updated, 1 replaced`. */
export function describeApplied(results: readonly ApplyResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) {
    for (const o of r.outcomes) {
      if (o.status !== 'done') continue;
      const verb = o.op.includes('replace')
        ? 'replaced'
        : o.op === 'create'
          ? 'created'
          : o.op === 'delete'
            ? 'deleted'
            : o.op === 'forget'
              ? 'forgotten'
              : 'updated';
      // A replacement is two outcomes (delete + create) of one resource: count it once.
      if (verb === 'replaced' && o.op.startsWith('delete')) continue;
      counts.set(verb, (counts.get(verb) ?? 0) + 1);
    }
  }
  if (counts.size === 0) return 'applied nothing (already up to date)';
  return `applied ${[...counts].map(([verb, n]) => `${n} ${verb}`).join(', ')}`;
}

/** The whole job. Returns the exit code; throws UsageError/InputError (exit 2) for bad options or configuration. */
export async function runMainJob(
  opts: MainJobOptions = {},
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): Promise<number> {
  const t0 = Date.now();
  const p = painterFor(out);
  targetOf(opts, cwd);
  // A bad --state or "state" is a usage error: report it before minutes of synth and check, not after.
  const store = await openStore(opts, cwd);
  const done: string[] = [];
  const finish = (failedAt?: MainJobStep, why?: string): number => {
    const secs = `${((Date.now() - t0) / 1000).toFixed(1)}s`;
    if (failedAt)
      out.write(
        '\n' +
          p.red(`main job failed at ${failedAt}: ${why}${done.length ? ` (${done.join('; ')})` : ''} in ${secs}`) +
          '\n',
      );
    else out.write('\n' + p.green(`main job ok: ${done.join('; ')} in ${secs}`) + '\n');
    return failedAt ? 1 : 0;
  };

  const result = await stepSynth(opts, out, cwd);
  if (!result) return finish('synth', 'the program has errors (listed above); nothing was checked or applied');
  const manifests = result.manifests.map((m) => m.manifest);
  const resources = manifests.reduce((n, m) => n + m.resources.length, 0);
  done.push(`synthesized ${manifests.length} stack(s), ${resources} resource(s)`);
  if (stepValidate(result, out) > 0) return finish('validate', 'schema problems (listed above); nothing was applied');

  const report = stepCheck(manifests, out, cwd);
  if (report.failed)
    return finish(
      'check',
      `${report.summary.failing} finding(s) at or above ${report.failOn}; fix them (or suppress with a reason) before applying; nothing was applied`,
    );
  done.push(
    `check passed (${report.summary.total - report.summary.suppressed} finding(s) below ${report.failOn}, ${report.summary.suppressed} suppressed)`,
  );

  const conn = await connect(opts, cwd);
  let step: MainJobStep = 'plan';
  try {
    const plans = await stepPlan(conn, store, manifests, out);
    const refused = plans.filter((plan) => plan.errors.length > 0);
    if (refused.length)
      return finish(
        'plan',
        `the plan of ${refused.map((x) => x.stack).join(', ')} has errors (listed above); nothing was applied`,
      );
    step = 'apply';
    const results = await stepApply(conn, store, manifests, plans, opts, out);
    const bad = results.filter((r) => r.summary.failed > 0 || r.summary.skipped > 0);
    if (bad.length) {
      const failed = bad.reduce((n, r) => n + r.summary.failed, 0);
      const skipped = bad.reduce((n, r) => n + r.summary.skipped, 0);
      return finish(
        'apply',
        `${failed} operation(s) failed, ${skipped} skipped (listed above); run npm start again to resume`,
      );
    }
    if (results.length < plans.filter((plan) => !planIsEmpty(plan)).length)
      return finish('apply', 'cancelled at the prompt');
    done.push(describeApplied(results));
    step = 're-plan';
    const moving = await stepReplan(conn, store, manifests, out);
    if (moving.length)
      return finish(
        're-plan',
        `stack(s) ${moving.join(', ')} still show changes right after apply (listed above): the apply did not converge`,
      );
    done.push('re-plan: no changes');
    return finish();
  } catch (err) {
    // Usage and input errors keep their exit code 2 (main prints them); a coded failure of a step is this job's 1.
    if (err instanceof UsageError || err instanceof InputError || !(err instanceof AmlcdkError)) throw err;
    printError(err);
    return finish(step, `${err.code} (above)`);
  } finally {
    await conn.close();
  }
}
