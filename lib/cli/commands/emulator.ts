/**
 * `amlcdk emulator [--port <n>] [--data-dir <dir>] [--seed <n>] [--config <file>] [--json]`: run the local ARM
 * emulator in the foreground until Ctrl-C (SIGINT) or SIGTERM. It writes `<data-dir>/emulator.json` so that the
 * `local` target of plan/apply in other terminals reuses it instead of starting their own.
 *
 * The config file is JSON with any of: durations, quotas, throttle, faults, seed, pageSize, listLagMs, retryAfterSeconds
 * (see docs/emulator.md). Exit 0 after a clean stop, 1 when it could not start, 2 on bad flags or config.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, UsageError } from '../../core/errors.js';
import { parseJsonText } from '../../core/json.js';
import { ensureLocalEmulator } from '../../emulator/local.js';
import type { EmulatorOptions, RuntimeConfig } from '../../emulator/options.js';
import { validateConfig } from '../../emulator/server.js';
import { ArmHttpError } from '../../emulator/errors.js';
import { colors } from '../output.js';
import { ExitCode } from '../exit-code.js';

export interface EmulatorCommandOptions {
  readonly port?: string;
  readonly dataDir?: string;
  readonly seed?: string;
  readonly config?: string;
  readonly json?: boolean;
}

export const DEFAULT_EMULATOR_DIR = '.amlcdk/emulator';

export function register(program: Command): void {
  program
    .command('emulator')
    .description('run the local ARM emulator (HTTPS on 127.0.0.1) until Ctrl-C; plan/apply with target "local" use it')
    .option('-p, --port <port>', 'port to listen on (default: a free port)')
    .option(
      '-d, --data-dir <dir>',
      `where the state (state.json + state.log) and cert.pem live (default: ${DEFAULT_EMULATOR_DIR})`,
    )
    .option('--seed <n>', 'seed of the fault injection (default: 1)')
    .option(
      '-c, --config <file>',
      'JSON file with durations, quotas, throttle, faults, seed, pageSize, listLagMs, retryAfterSeconds',
    )
    .option('--json', 'print the endpoint as one JSON line')
    .action(async (opts: EmulatorCommandOptions) => {
      const code = await runEmulatorCommand(opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

function parseIntFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError('InvalidOption', `--${name} must be an integer between ${min} and ${max} (got '${value}')`);
  return n;
}

/** Read and check the --config file; errors carry the file and, for JSON syntax errors, the line. */
export function loadEmulatorConfig(file: string): RuntimeConfig {
  if (!existsSync(file))
    throw new InputError('EmulatorConfigNotFound', `emulator config file '${file}' does not exist`, {
      file,
      fix: 'pass an existing JSON file to --config',
    });
  const text = readFileSync(file, 'utf8');
  const parsed = parseJsonText(text, {
    code: 'EmulatorConfigInvalidJson',
    file,
    what: 'emulator config',
    fix: 'fix the JSON syntax',
  });
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InputError('EmulatorConfigInvalid', 'emulator config must be a JSON object', {
      file,
      fix: 'use { "durations": ..., "faults": [...] }',
    });
  try {
    validateConfig(parsed);
  } catch (err) {
    if (err instanceof ArmHttpError) {
      throw new InputError('EmulatorConfigInvalid', `emulator config: ${err.message}`, {
        file,
        fix: 'see docs/emulator.md for the allowed settings',
      });
    }
    throw err;
  }
  return parsed;
}

export async function runEmulatorCommand(
  opts: EmulatorCommandOptions,
  out: NodeJS.WriteStream = process.stdout,
  waitForStop: () => Promise<void> = waitForSignal,
): Promise<number> {
  const port = parseIntFlag('port', opts.port, 0, 65535);
  const seed = parseIntFlag('seed', opts.seed, -2147483648, 2147483647);
  const fileConfig = opts.config ? loadEmulatorConfig(opts.config) : {};
  const options: EmulatorOptions = {
    ...fileConfig,
    ...(seed !== undefined ? { seed } : {}),
    ...(port !== undefined ? { port } : {}),
  };
  const dataDir = opts.dataDir ?? DEFAULT_EMULATOR_DIR;
  const emu = await ensureLocalEmulator({ ...options, dataDir });
  const c = colors(out);
  if (emu.reused) {
    await emu.close();
    process.stderr.write(
      `${c.red('error')} EmulatorAlreadyRunning: an emulator already serves ${dataDir} at ${emu.url}\n  fix: use it, stop it, or pass another --data-dir\n`,
    );
    return 1;
  }
  try {
    const certPath = `${dataDir.replace(/\/+$/, '')}/cert.pem`;
    if (opts.json) out.write(JSON.stringify({ url: emu.url, dataDir, certPath }) + '\n');
    else {
      out.write(`${c.green('amlcdk ARM emulator')} listening on ${c.bold(emu.url)}\n`);
      out.write(`  data dir: ${dataDir} (state.json + state.log, cert.pem)\n`);
      out.write(`  trust it: NODE_EXTRA_CA_CERTS=${certPath}\n`);
      out.write(`  admin:    ${emu.url}/_emulator/health | log | counters | config | reset\n`);
      out.write('  stop with Ctrl-C\n');
    }
    await waitForStop();
  } finally {
    await emu.close();
  }
  return 0;
}

function waitForSignal(): Promise<void> {
  // The listeners stay installed: write-file-atomic's signal-exit re-raises a signal when it is the only
  // listener left, which would kill the process before the emulator has closed. A second signal forces exit.
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (): void => {
      if (stopping) process.exit(130);
      stopping = true;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
