/**
 * The `amlcdk` command as a real child process: `node bin/amlcdk.js <args>` with its stdout and stderr captured,
 * pointed at a test emulator through `AMLCDK_ARM_ENDPOINT` / `AMLCDK_ARM_CA_FILE` when one is given. Always
 * asynchronous: the emulator the child talks to usually runs in the test process, so a blocking spawn would
 * deadlock it. The child does not inherit this process's AMLCDK_OUTDIR or ARM target, is killed after
 * `timeoutMs`, and every child still running is killed by `killAll()` (call it in `after`), so a failing test
 * never leaves one behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { RunningEmulator } from '../../lib/emulator/index.js';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'amlcdk.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
}

export interface CliOptions {
  /** The emulator to target. @default - none: the child gets no ARM endpoint from this process */
  readonly emu?: RunningEmulator;
  /** Extra environment, applied last. @default - none */
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the child (SIGKILL) after this long. @default 120_000 */
  readonly timeoutMs?: number;
}

const started = new Set<ChildProcess>();

/** Start `amlcdk <args>` in `cwd`. */
export function startCli(args: readonly string[], cwd: string, options: CliOptions = {}): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of ['AMLCDK_OUTDIR', 'AMLCDK_ARM_ENDPOINT', 'AMLCDK_ARM_CA_FILE']) delete env[k];
  if (options.emu) {
    env.AMLCDK_ARM_ENDPOINT = options.emu.url;
    env.AMLCDK_ARM_CA_FILE = options.emu.certPath;
  }
  Object.assign(env, options.env ?? {});
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      started.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Run `amlcdk <args>` to the end. */
export function runCli(args: readonly string[], cwd: string, options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, cwd, options).done;
}

/** Kill every child still running (for `after`). */
export function killAll(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  started.clear();
}

/** A raw stack trace line (`    at fn (file:line:col)`): user errors must never print one. */
export const STACK_TRACE = /^\s+at .+[:(].*\d+:\d+\)?$/m;
