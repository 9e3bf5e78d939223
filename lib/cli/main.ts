/**
 * The `amlcdk` command line. Each command lives in lib/cli/commands/<name>.ts and exports `register`.
 * Exit codes: 0 success, 1 failure (validation errors, findings at or above --fail-on, a failed apply),
 * 2 usage or input error.
 */
import { Command, CommanderError } from 'commander';
import { AmlcdkError, InputError, UsageError } from '../core/errors.js';
import { printError } from './output.js';
import { ExitCode } from './exit-code.js';
import { redactSecrets } from '../core/redact.js';
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
    .option('--verbose', 'print the stack trace of an error (also AMLCDK_DEBUG=1)')
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

/** `--verbose` anywhere on the command line, or `AMLCDK_DEBUG` set (not "0"): stack traces are printed. */
export function debugRequested(argv: readonly string[]): boolean {
  const env = process.env.AMLCDK_DEBUG;
  return argv.includes('--verbose') || (env !== undefined && env !== '' && env !== '0');
}

/**
 * Every failure as a coded error: amlcdk's own errors as they are, file-system failures (a path the user named that
 * is missing, a directory where a file belongs…) as `FileSystemError` (exit 2), anything else as `InternalError`
 * (exit 1). The message never carries a stack trace.
 */
export function codedError(err: unknown): { error: AmlcdkError; exitCode: 1 | 2 } {
  if (err instanceof UsageError || err instanceof InputError) return { error: err, exitCode: 2 };
  if (err instanceof AmlcdkError) return { error: err, exitCode: 1 };
  const sys = err as NodeJS.ErrnoException | undefined;
  if (sys instanceof Error && typeof sys.code === 'string' && typeof sys.syscall === 'string' && sys.path) {
    return {
      error: new InputError(
        'FileSystemError',
        `${sys.syscall} ${sys.path} failed: ${sys.code} (${describeErrno(sys.code)})`,
        {
          file: sys.path,
          fix: 'check that the path exists, is of the right kind (file or directory) and is readable/writable',
        },
      ),
      exitCode: 2,
    };
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    error: new AmlcdkError(
      'InternalError',
      `amlcdk failed unexpectedly (${message.split('\n')[0].slice(0, 500)}). This is a bug in amlcdk: please report it with the command you ran; rerun with --verbose (or AMLCDK_DEBUG=1) for the stack trace.`,
      { cause: err },
    ),
    exitCode: 1,
  };
}

function describeErrno(code: string): string {
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    ENOTDIR: 'a path component is not a directory',
    EISDIR: 'it is a directory',
    EEXIST: 'it exists already',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the device',
    EROFS: 'read-only file system',
  };
  return known[code] ?? 'a system error';
}

/** Print a failure (coded, redacted) and return its exit code; the stack trace only when debugging. */
export function reportFailure(err: unknown, argv: readonly string[]): 1 | 2 {
  const { error, exitCode } = codedError(err);
  printError(error);
  if (debugRequested(argv)) {
    const original = err instanceof Error ? err : error;
    process.stderr.write(`${redactSecrets(original.stack ?? String(original))}\n`);
  }
  return exitCode;
}

/** Runs the CLI and resolves the process exit code (never throws, never prints a stack trace unless debugging). */
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
    return reportFailure(err, argv);
  }
}
