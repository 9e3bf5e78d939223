/**
 * Runs the user's program (`--app` or `amlcdk.json` "app") in its own process and collects the manifests it
 * writes. The program learns where to write from the `AMLCDK_OUTDIR` environment variable (see App.synth()).
 *
 * The program writes into a fresh staging directory; only when its synth report says `ok` are the manifests
 * moved into the output directory, so a failed synthesis never leaves a partial or stale manifest behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import { InputError, SynthesisError, UsageError, type Diagnostic } from '../core/errors.js';
import { parseJsonText } from '../core/json.js';
import { redactSecrets } from '../core/redact.js';
import { OUTDIR_ENV, SYNTH_REPORT_FILE, type Manifest, type SynthReport } from '../manifest/types.js';
import { readManifestFile, type ReadManifestOptions } from '../manifest/read.js';
import { CONFIG_FILE, loadConfig } from './config.js';

export interface SynthAppOptions {
  /** Shell command, e.g. `npx tsx examples/quickstart/main.ts`. */
  readonly app: string;
  /** Output directory (created). */
  readonly outdir: string;
  readonly cwd?: string;
  /** Forwarded to the program's stderr/stdout (default: inherit stderr, swallow stdout). */
  readonly quiet?: boolean;
  /**
   * Stop the program (and every process it started) after this long: `AppTimeout`. @default 600000 (10 minutes;
   * `--app-timeout` / "appTimeout" in amlcdk.json, see `resolveAppTimeout`)
   */
  readonly timeoutMs?: number;
  /** `--app-timeout` as given (e.g. "90s", "20m"); used when `timeoutMs` is not set. @default - "appTimeout" of amlcdk.json, else 10 min */
  readonly appTimeout?: string;
}

export interface SynthesizedManifest {
  readonly file: string;
  readonly manifest: Manifest;
}

export interface SynthAppResult {
  readonly manifests: readonly SynthesizedManifest[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The default of `--app-timeout`. */
export const DEFAULT_APP_TIMEOUT_MS = 10 * 60_000;

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * An app timeout in milliseconds: `500ms`, `90s`, `20m`, `1h`, or a bare number of seconds (a JSON number in
 * amlcdk.json too). Anything else, zero or over 24 h is a UsageError naming where it came from.
 *
 * @example
 * parseAppTimeout('20m', '--app-timeout'); // 1200000
 */
export function parseAppTimeout(value: unknown, source: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)?$/.exec(text);
  const ms = m ? Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? 's']) : NaN;
  if (!Number.isFinite(ms) || ms < 1 || ms > 24 * 3_600_000) {
    throw new UsageError(
      'InvalidAppTimeout',
      `${source} must be a duration between 1 ms and 24 h such as "90s", "20m" or "1h" (a bare number counts as seconds), got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value}`,
    );
  }
  return ms;
}

/** `--app-timeout` if given, else "appTimeout" of amlcdk.json in `cwd`, else 10 minutes. */
export function resolveAppTimeout(flag: string | undefined, cwd: string): number {
  if (flag !== undefined) return parseAppTimeout(flag, '--app-timeout');
  const configured = loadConfig(cwd).appTimeout;
  if (configured !== undefined) return parseAppTimeout(configured, `"appTimeout" in ${CONFIG_FILE}`);
  return DEFAULT_APP_TIMEOUT_MS;
}

/** Run the app and return its manifests. Throws SynthesisError (all diagnostics) or InputError. */
export async function synthApp(options: SynthAppOptions): Promise<SynthAppResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const outdir = resolve(cwd, options.outdir);
  prepareOutdir(outdir, options.outdir);
  const staging = mkdtempSync(join(outdir, '.staging-'));
  const timeoutMs = options.timeoutMs ?? resolveAppTimeout(options.appTimeout, cwd);
  try {
    const { code, stderr, timedOut } = await runShell(
      options.app,
      cwd,
      { ...process.env, [OUTDIR_ENV]: staging },
      timeoutMs,
      staging,
    );
    if (timedOut) {
      throw new InputError(
        'AppTimeout',
        `the app command \`${options.app}\` did not finish within ${formatDuration(timeoutMs)}; it was stopped, with every process it started, and nothing was written${stderr.trim() ? `. Its last output:\n${indent(lastLines(redactForLog(stderr), 20))}` : ''}`,
        {
          fix: 'make sure the program exits after app.synth() (close servers, clear intervals), or allow it more time with --app-timeout <duration> or "appTimeout" in amlcdk.json (e.g. "20m")',
        },
      );
    }
    const reportFile = join(staging, SYNTH_REPORT_FILE);
    if (!existsSync(reportFile)) {
      throw new InputError(
        'AppFailed',
        `the app command \`${options.app}\` exited with code ${code} without synthesizing${stderr.trim() ? `:\n${indent(lastLines(redactForLog(stderr), 20))}` : ''}`,
        { fix: 'make sure the program builds its stacks and calls app.synth(), and that the command runs on its own' },
      );
    }
    const report = readReport(reportFile);
    if (!report.ok) throw new SynthesisError(report.diagnostics);
    const manifests: SynthesizedManifest[] = [];
    for (const name of report.manifests) {
      const staged = join(staging, name);
      manifests.push({ file: join(outdir, name), manifest: readManifestFile(staged) });
    }
    // All read and valid: now replace the previous output in one step per file.
    for (const old of readdirSync(outdir)) {
      if (old.endsWith('.manifest.json') && !report.manifests.includes(old)) rmSync(join(outdir, old), { force: true });
    }
    for (const name of report.manifests) renameSync(join(staging, name), join(outdir, basename(name)));
    return { manifests, diagnostics: report.diagnostics };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Create the output directory, or say why it cannot be one (a file of that name, no permission). */
function prepareOutdir(outdir: string, shown: string): void {
  if (existsSync(outdir) && !statSync(outdir).isDirectory()) {
    throw new UsageError(
      'OutdirNotDirectory',
      `the output directory ${shown} is a file, not a directory; manifests are written into a directory. Fix: pass another --outdir (or "outdir" in amlcdk.json), or move the file away`,
    );
  }
  try {
    mkdirSync(outdir, { recursive: true });
  } catch (err) {
    throw new UsageError(
      'OutdirNotDirectory',
      `cannot create the output directory ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Fix: pass a directory you can write with --outdir (or "outdir" in amlcdk.json)`,
    );
  }
}

/** The program's synth report, checked: junk is an InputError, never a TypeError later. */
function readReport(file: string): SynthReport {
  const doc = parseJsonText(readFileSync(file, 'utf8'), {
    code: 'SynthReportInvalid',
    file: SYNTH_REPORT_FILE,
    what: `the synth report the program wrote (${SYNTH_REPORT_FILE})`,
    fix: 'let App.synth() write the report; do not write files into AMLCDK_OUTDIR yourself',
  }) as Partial<SynthReport> | null;
  const ok =
    doc !== null &&
    typeof doc === 'object' &&
    typeof doc.ok === 'boolean' &&
    Array.isArray(doc.manifests) &&
    doc.manifests.every((m) => typeof m === 'string' && /^[^/\\]+\.manifest\.json$/.test(m) && !m.startsWith('.')) &&
    Array.isArray(doc.diagnostics) &&
    doc.diagnostics.every(
      (d) =>
        d !== null &&
        typeof d === 'object' &&
        typeof (d as Diagnostic).code === 'string' &&
        typeof (d as Diagnostic).message === 'string' &&
        typeof (d as Diagnostic).path === 'string',
    );
  if (!ok) {
    throw new InputError(
      'SynthReportInvalid',
      `the synth report the program wrote (${SYNTH_REPORT_FILE}) is not one App.synth() writes: it needs "ok" (true/false), "manifests" (file names of *.manifest.json in the output directory) and "diagnostics" (each with code, path and message)`,
      {
        file: SYNTH_REPORT_FILE,
        fix: 'let App.synth() write the report; do not write files into AMLCDK_OUTDIR yourself',
      },
    );
  }
  return doc as SynthReport;
}

/**
 * Read manifests from a file or from every `*.manifest.json` in a directory. `schema` also validates the document
 * and every resource body (manifests from elsewhere: another process, another version, or written by hand).
 */
export function loadManifests(path: string, options: ReadManifestOptions = {}): SynthesizedManifest[] {
  const full = resolve(path);
  if (!existsSync(full))
    throw new InputError('ManifestNotFound', `no manifest at ${path}`, {
      file: path,
      fix: 'run `amlcdk synth` first or pass --app',
    });
  if (statSync(full).isDirectory()) {
    const files = readdirSync(full)
      .filter((f) => f.endsWith('.manifest.json'))
      .sort();
    if (files.length === 0)
      throw new InputError('ManifestNotFound', `no *.manifest.json in ${path}`, {
        file: path,
        fix: 'run `amlcdk synth` first or pass --app',
      });
    return files.map((f) => ({ file: join(full, f), manifest: readManifestFile(join(full, f), options) }));
  }
  return [{ file: full, manifest: readManifestFile(full, options) }];
}

/** Environment variables whose names say they hold a secret: their values are cut out of the app's output too. */
const SECRET_ENV_NAME = /(?:pass(?:word)?|pwd|secret|token|key|credential|connection_?string|sas)/i;

/** Names that match the pattern but hold no secret (PWD is the working directory). */
const NOT_SECRET_ENV = new Set(['PWD', 'OLDPWD', 'INIT_CWD', 'SSH_AUTH_SOCK', 'GPG_AGENT_INFO']);

/** The app's stderr as it may be shown: secret-looking strings and the values of secret-named variables removed. */
function redactForLog(text: string): string {
  let out = text;
  for (const [k, v] of Object.entries(process.env))
    if (v && v.length >= 6 && SECRET_ENV_NAME.test(k) && !NOT_SECRET_ENV.has(k))
      out = out.split(v).join(`<redacted: value of ${k}>`);
  return redactSecrets(out);
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** Kill a process and everything it started (its process group on POSIX; `taskkill /T` on Windows). */
function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32')
      spawnSync('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore' });
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function runShell(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  staging: string,
): Promise<{ code: number; stderr: string; timedOut: boolean }> {
  return new Promise((resolvePromise, reject) => {
    const binDir = join(cwd, 'node_modules', '.bin');
    const path = existsSync(binDir) ? `${binDir}${delimiter}${env.PATH ?? ''}` : env.PATH;
    // Its own process group, so a timeout or Ctrl-C stops the shell and everything the program started.
    const child = spawn(command, {
      cwd,
      env: { ...env, PATH: path },
      shell: true,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, timeoutMs);
    // Ctrl-C or a termination request while the program runs: stop it, remove the staging dir, then exit as the
    // signal would have (the group is not the terminal's foreground group, so it does not see the signal itself).
    const onSignal = (signal: NodeJS.Signals): void => {
      killTree(child);
      rmSync(staging, { recursive: true, force: true });
      process.stderr.write(`amlcdk: stopped by ${signal}; the program was stopped and nothing was written\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const done = (): void => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    child.on('error', (err) => {
      done();
      reject(err);
    });
    child.on('close', (code) => {
      done();
      // The shell may be gone while something it started still runs: stop the whole group.
      if (!timedOut) killTree(child);
      resolvePromise({ code: code ?? 1, stderr, timedOut });
    });
  });
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
