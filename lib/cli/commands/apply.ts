/**
 * `amlcdk apply [planfile] [--app <cmd> | --manifest <path>] [--yes] [--refresh-only] [--concurrency <n>]`
 *
 * Plans and applies each stack: shows the plan, asks for confirmation on a TTY (`--yes` skips it; without a TTY
 * and without `--yes` it refuses with exit 2), then executes with progress lines (counts and elapsed time; colored
 * on a TTY, plain in CI) and a final done / failed / skipped summary. `apply <planfile>` applies a plan saved with
 * `plan --out` (the reviewed plan is the approval) and refuses with `PlanStale` if Azure or the state moved since.
 * `--refresh-only` accepts out-of-band changes (drift) into the state without touching Azure.
 * Exit 0 all done, 1 something failed (or the plan has errors), 2 usage.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Manifest } from '../../manifest/types.js';
import type { ArmClient } from '../../arm/types.js';
import type { StateStore } from '../../state/types.js';
import { applyStack, type ApplyEvent, type ApplyResult } from '../../reconciler/apply.js';
import { acceptDrift, detectDrift } from '../../reconciler/drift.js';
import { renderPlan, summaryLine, type Painter } from '../../reconciler/render.js';
import type { Plan, SavedPlan } from '../../reconciler/plan.js';
import { ExitCode } from '../exit-code.js';
import { connect, loadDesired, openStore, painterFor, readSavedPlan, type TargetOptions } from './plan.js';
import { addTargetOptions } from '../target-options.js';

export interface ApplyCommandOptions extends TargetOptions {
  readonly yes?: boolean;
  readonly refreshOnly?: boolean;
  readonly concurrency?: string;
  readonly json?: boolean;
}

export function register(program: Command): void {
  addTargetOptions(program.command('apply'), {
    manifest: 'apply a manifest file or a directory of *.manifest.json',
    stack: 'only this stack',
  })
    .description('apply the program (or a saved plan) to the target, crash-safe, with progress')
    .argument('[planfile]', 'a plan saved with `amlcdk plan --out <file>`')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--refresh-only', 'accept out-of-band changes into the state; change nothing in Azure')
    .option('--concurrency <n>', 'max ARM operations in flight (default 64)')
    .option('--json', 'print the results as JSON on stdout')
    .action(async (planfile: string | undefined, opts: ApplyCommandOptions) => {
      const code = await runApply(planfile, opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

/** Ask y/N on the terminal. */
export async function askYes(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** The confirmation rule shared by apply and destroy. */
export function confirmer(
  yes: boolean | undefined,
  verb: string,
  out: NodeJS.WriteStream,
  p: Painter,
): ((plan: Plan) => Promise<boolean>) | undefined {
  if (yes) return undefined;
  if (!process.stdin.isTTY) {
    throw new UsageError(
      'ConfirmationRequired',
      `${verb} changes Azure and there is no terminal to confirm on: pass --yes to ${verb} without a prompt`,
    );
  }
  return async (plan: Plan) => {
    out.write(renderPlan(plan, { painter: p }));
    return askYes(`Do you want to ${verb} these changes to stack ${plan.stack}? Only "yes" is accepted: `);
  };
}

/** Progress lines: `[3/10  12.3s] ✓ Team/gpu  create  4.1s`. Colors only on a TTY. */
export function progressPrinter(out: NodeJS.WriteStream, p: Painter): (e: ApplyEvent) => void {
  const t0 = Date.now();
  const stamp = (finished: number, total: number): string =>
    p.dim(`[${finished}/${total} ${((Date.now() - t0) / 1000).toFixed(1)}s]`);
  return (e) => {
    switch (e.kind) {
      case 'recover':
        out.write(`${p.yellow('recovering')} ${e.message}\n`);
        break;
      case 'observed':
        out.write(p.dim(`${e.summary}\n`));
        break;
      case 'start':
        out.write(`${stamp(e.finished, e.total)} ${p.cyan('…')} ${e.address}  ${e.op}\n`);
        break;
      case 'done':
        out.write(
          `${stamp(e.finished, e.total)} ${p.green('✓')} ${e.address}  ${e.op}  ${p.dim(`${(e.elapsedMs / 1000).toFixed(1)}s`)}\n`,
        );
        break;
      case 'failed':
        out.write(
          `${stamp(e.finished, e.total)} ${p.red('✗')} ${e.address}  ${e.op}  ${p.red(`${e.code}: ${e.error}`)}\n`,
        );
        break;
      case 'skipped':
        out.write(`${stamp(e.finished, e.total)} ${p.yellow('-')} ${e.address}  skipped (${e.because})\n`);
        break;
      case 'retry':
        out.write(
          `${p.yellow('retry')} ${e.address}  ${e.op}: ${e.code} (attempt ${e.attempt}, waited ${(e.waitedMs / 1000).toFixed(1)}s of at most ${Math.round(e.boundMs / 1000)}s; next in ${(e.nextInMs / 1000).toFixed(1)}s)\n`,
        );
        break;
      case 'note':
        out.write(`${p.cyan('note')} ${e.address}  ${e.message}\n`);
        break;
      default:
        break;
    }
  };
}

export function printResult(r: ApplyResult, out: NodeJS.WriteStream, p: Painter, verb = 'Apply'): void {
  if (r.cancelled) {
    out.write(`${verb} cancelled: nothing was changed.\n`);
    return;
  }
  const changed = r.outcomes.filter((o) => o.status !== 'unchanged').length;
  if (changed === 0 && r.summary.failed === 0) {
    out.write(p.green(`${verb} complete: no changes (${r.summary.unchanged} resource(s) up to date).`) + '\n');
    return;
  }
  for (const o of r.outcomes.filter((x) => x.status === 'failed'))
    out.write(`${p.red('failed')} ${o.address}: ${o.error?.code}: ${o.error?.message}\n`);
  const line = `${verb} ${r.summary.failed || r.summary.skipped ? 'finished with problems' : 'complete'}: ${r.summary.done} done, ${r.summary.failed} failed, ${r.summary.skipped} skipped, ${r.summary.unchanged} unchanged in ${(r.elapsedMs / 1000).toFixed(1)}s.`;
  out.write((r.summary.failed || r.summary.skipped ? p.red(line) : p.green(line)) + '\n');
}

export async function runApply(
  planfile: string | undefined,
  opts: ApplyCommandOptions,
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): Promise<number> {
  const p = painterFor(out);
  let manifests: Manifest[];
  let savedPlan: SavedPlan | undefined;
  if (planfile) {
    if (opts.app || opts.manifest)
      throw new UsageError(
        'ConflictingOptions',
        'a saved plan carries its manifest: do not pass --app or --manifest with a plan file',
      );
    if (opts.refreshOnly) throw new UsageError('ConflictingOptions', '--refresh-only does not take a plan file');
    savedPlan = readSavedPlan(planfile);
    manifests = [savedPlan.manifest!];
  } else {
    manifests = await loadDesired(opts, cwd);
  }
  const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024)) {
    throw new UsageError(
      'InvalidConcurrency',
      `--concurrency must be an integer from 1 to 1024, got ${JSON.stringify(opts.concurrency)}`,
    );
  }
  // A saved plan was reviewed already: it is the approval.
  const confirm = planfile ? undefined : confirmer(opts.yes, opts.refreshOnly ? 'accept' : 'apply', out, p);
  const conn = await connect(opts, cwd);
  const progress = progressPrinter(out, p);
  const results: ApplyResult[] = [];
  let failed = false;
  try {
    const store = await openStore(opts, cwd);
    for (const manifest of manifests) {
      if (opts.refreshOnly) {
        failed = (await refreshOnly(manifest.stack.name, conn.client, store, out, p)) || failed;
        continue;
      }
      out.write(p.bold(`Stack ${manifest.stack.name} → ${conn.label}, state ${store.location}`) + '\n');
      const result = await applyStack({
        client: conn.client,
        ensureResourceGroup: conn.local,
        secretResolver: conn.secretResolver,
        store,
        manifest,
        ...(savedPlan ? { savedPlan } : {}),
        ...(concurrency ? { concurrency } : {}),
        ...(confirm ? { confirm } : {}),
        onEvent: opts.json
          ? undefined
          : (e) => {
              if (e.kind === 'planned') {
                if (!confirm) out.write(summaryLine(e.plan, p) + '\n');
                return;
              }
              progress(e);
            },
      });
      results.push(result);
      if (!opts.json) printResult(result, out, p);
      if (result.summary.failed > 0 || result.summary.skipped > 0) failed = true;
    }
  } finally {
    await conn.close();
  }
  if (opts.json)
    out.write(
      JSON.stringify(
        results.map((r) => ({
          stack: r.plan.stack,
          summary: r.summary,
          outcomes: r.outcomes,
          cancelled: r.cancelled,
          recovered: r.recovered,
        })),
        null,
        2,
      ) + '\n',
    );
  return failed ? 1 : 0;
}

async function refreshOnly(
  stack: string,
  client: ArmClient,
  store: StateStore,
  out: NodeJS.WriteStream,
  p: Painter,
): Promise<boolean> {
  const lock = await store.lock(stack, 'apply --refresh-only');
  try {
    const state = await store.load(stack);
    if (!state) {
      out.write(`Stack ${stack}: no state yet, nothing to refresh.\n`);
      return false;
    }
    const { report, observation } = await detectDrift(client, state);
    if (report.drifted.length === 0) {
      out.write(p.green(`Stack ${stack}: no drift; the state already matches Azure.`) + '\n');
      return false;
    }
    for (const d of report.drifted) {
      out.write(
        `${p.yellow('~')} ${d.address} ${d.status === 'deleted' ? 'was deleted outside amlcdk (will be forgotten)' : ''}\n`,
      );
      for (const x of d.paths)
        out.write(`    ${x.path}: ${JSON.stringify(x.expected)} → ${JSON.stringify(x.actual)}\n`);
    }
    await store.save(acceptDrift(state, report, observation));
    out.write(p.green(`Stack ${stack}: accepted ${report.drifted.length} drifted resource(s) into the state.`) + '\n');
    return false;
  } finally {
    await lock.release();
  }
}
