/**
 * The `amlcdk` command line. Each command lives in lib/cli/commands/<name>.ts and exports `register`.
 * Exit codes: 0 success, 1 failure (validation errors, findings at or above --fail-on, a failed apply),
 * 2 usage or input error.
 */
import { Command, CommanderError } from 'commander';
import { AmlcdkError, InputError, UsageError } from '../core/errors.js';
import { printError } from './output.js';
import { ExitCode } from './exit-code.js';
import { register as registerSynth } from './commands/synth.js';
import { register as registerMainJob } from './commands/main-job.js';
import { register as registerPlan } from './commands/plan.js';
import { register as registerApply } from './commands/apply.js';
import { register as registerDestroy } from './commands/destroy.js';
import { register as registerDrift } from './commands/drift.js';
import { register as registerState } from './commands/state.js';
import { register as registerCheck } from './commands/check.js';
import { register as registerEmulator } from './commands/emulator.js';
import { register as registerImport } from './commands/import.js';

export function buildProgram(): Command {
  const program = new Command('amlcdk')
    .description('Infrastructure as code for Azure Machine Learning compute')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerSynth(program);
  registerMainJob(program);
  registerPlan(program);
  registerApply(program);
  registerDestroy(program);
  registerDrift(program);
  registerState(program);
  registerCheck(program);
  registerEmulator(program);
  registerImport(program);
  return program;
}

/** Runs the CLI and resolves the process exit code (never throws for user errors). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError || err instanceof InputError) {
      printError(err);
      return 2;
    }
    if (err instanceof AmlcdkError) {
      printError(err);
      return 1;
    }
    process.stderr.write(
      `amlcdk: internal error (please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 1;
  }
}
