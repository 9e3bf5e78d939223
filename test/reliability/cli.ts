/**
 * The `amlcdk` command as a child process for the reliability suite: `node bin/amlcdk.js <args>` with its
 * stdout and stderr captured (the secret scan reads them), pointed at a test emulator through
 * `AMLCDK_ARM_ENDPOINT` / `AMLCDK_ARM_CA_FILE`. Every child started here is killed by `killAll()` (call it in
 * `after`), so a failing test never leaves one behind.
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

const started = new Set<ChildProcess>();

/** Start `amlcdk <args>` in `cwd`; `emu` (when given) is the local target. */
export function startCli(args: readonly string[], cwd: string, options: { emu?: RunningEmulator; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...(options.env ?? {}) };
  if (options.emu) {
    env.AMLCDK_ARM_ENDPOINT = options.emu.url;
    env.AMLCDK_ARM_CA_FILE = options.emu.certPath;
  }
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  const done = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      started.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Run `amlcdk <args>` to the end. */
export function runCli(args: readonly string[], cwd: string, options: { emu?: RunningEmulator; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return startCli(args, cwd, options).done;
}

/** Kill every child still running (for `after`). */
export function killAll(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  started.clear();
}

/** A raw stack trace line (`    at fn (file:line:col)`): user errors must never print one. */
export const STACK_TRACE = /^\s+at .+[:(].*\d+:\d+\)?$/m;
