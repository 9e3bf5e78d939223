/**
 * `amlcdk drift [--app <cmd> | --manifest <path> | --stack <name>] [--json] [--accept]`
 *
 * Reports out-of-band changes: for every resource the stack owns, the paths whose value in Azure differs from
 * what amlcdk last applied (only paths amlcdk sets, so server defaults never count), and resources deleted
 * outside amlcdk. `--accept` writes the observed values into the state (same as `apply --refresh-only`).
 * Exit 0 no drift (or accepted), 1 drift found, 2 usage.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { acceptDrift, detectDrift, type DriftReport } from '../../reconciler/drift.js';
import { ExitCode } from '../exit-code.js';
import { loadConfig } from '../config.js';
import { connect, loadDesired, openStore, painterFor, type TargetOptions } from './plan.js';
import { addTargetOptions } from '../target-options.js';

export interface DriftCommandOptions extends TargetOptions {
  readonly json?: boolean;
  readonly accept?: boolean;
}

export function register(program: Command): void {
  addTargetOptions(program.command('drift'), {
    app: 'command that runs the program (its stack names are used)',
    manifest: 'the stacks of a manifest file or directory',
    stack: 'the stack to check',
  })
    .description(
      'report changes made in Azure outside amlcdk since the last apply, by path (exit 1 when there are any)',
    )
    .option('--json', 'print the drift report as JSON on stdout')
    .option('--accept', 'accept the drift into the state (like apply --refresh-only)')
    .action(async (opts: DriftCommandOptions) => {
      const code = await runDrift(opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

export async function runDrift(
  opts: DriftCommandOptions,
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): Promise<number> {
  const p = painterFor(out);
  let stacks: string[];
  if (opts.stack && !opts.app && !opts.manifest) stacks = [opts.stack];
  else if (opts.app || opts.manifest || loadConfig(cwd).app)
    stacks = (await loadDesired(opts, cwd)).map((m) => m.stack.name);
  else throw new UsageError('NoStack', 'which stack? pass --stack <name>, or --app / --manifest');
  const store = await openStore(opts, cwd);
  const conn = await connect(opts, cwd);
  const reports: DriftReport[] = [];
  try {
    for (const stack of stacks) {
      const state = await store.load(stack);
      if (!state) {
        reports.push({ stack, checked: 0, drifted: [], calls: { list: 0, get: 0 } });
        continue;
      }
      const { report, observation } = await detectDrift(conn.client, state);
      reports.push(report);
      if (opts.accept && report.drifted.length > 0) {
        const lock = await store.lock(stack, 'drift --accept');
        try {
          const fresh = (await store.load(stack)) ?? state;
          await store.save(acceptDrift(fresh, report, observation));
        } finally {
          await lock.release();
        }
      }
    }
  } finally {
    await conn.close();
  }
  if (opts.json) {
    out.write(JSON.stringify(reports.length === 1 ? reports[0] : { reports }, null, 2) + '\n');
  } else {
    for (const r of reports) {
      if (r.drifted.length === 0) {
        out.write(p.green(`Stack ${r.stack}: no drift (${r.checked} resource(s) checked).`) + '\n');
        continue;
      }
      out.write(
        p.bold(`Stack ${r.stack}: ${r.drifted.length} of ${r.checked} resource(s) changed outside amlcdk`) + '\n',
      );
      for (const d of r.drifted) {
        if (d.status === 'deleted') {
          out.write(`${p.red('-')} ${d.address} was deleted outside amlcdk ${p.dim(d.id)}\n`);
          continue;
        }
        out.write(`${p.yellow('~')} ${d.address} ${p.dim(d.id)}\n`);
        for (const x of d.paths)
          out.write(`    ${x.path}: applied ${JSON.stringify(x.expected)}, now ${JSON.stringify(x.actual)}\n`);
      }
      if (opts.accept)
        out.write(
          p.green(
            `accepted into the state; the next plan proposes to restore the program's values unless you change the program`,
          ) + '\n',
        );
      else
        out.write(
          p.dim(
            "run `amlcdk plan` to restore the program's values, or `amlcdk drift --accept` to record them as applied",
          ) + '\n',
        );
    }
  }
  return reports.some((r) => r.drifted.length > 0) && !opts.accept ? 1 : 0;
}
