/**
 * Runs the user's program (`--app` or `amlcdk.json` "app") in its own process and collects the manifests it
 * writes. The program learns where to write from the `AMLCDK_OUTDIR` environment variable (see App.synth()).
 *
 * The program writes into a fresh staging directory; only when its synth report says `ok` are the manifests
 * moved into the output directory, so a failed synthesis never leaves a partial or stale manifest behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError, SynthesisError, type Diagnostic } from '../core/errors.js';
import { OUTDIR_ENV, SYNTH_REPORT_FILE, type Manifest, type SynthReport } from '../manifest/types.js';
import { readManifestFile, type ReadManifestOptions } from '../manifest/read.js';

export interface SynthAppOptions {
  /** Shell command, e.g. `npx tsx examples/quickstart/main.ts`. */
  readonly app: string;
  /** Output directory (created). */
  readonly outdir: string;
  readonly cwd?: string;
  /** Forwarded to the program's stderr/stdout (default: inherit stderr, swallow stdout). */
  readonly quiet?: boolean;
}

export interface SynthesizedManifest {
  readonly file: string;
  readonly manifest: Manifest;
}

export interface SynthAppResult {
  readonly manifests: readonly SynthesizedManifest[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Run the app and return its manifests. Throws SynthesisError (all diagnostics) or InputError. */
export async function synthApp(options: SynthAppOptions): Promise<SynthAppResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const outdir = resolve(cwd, options.outdir);
  mkdirSync(outdir, { recursive: true });
  const staging = mkdtempSync(join(outdir, '.staging-'));
  try {
    const { code, stderr } = await runShell(options.app, cwd, { ...process.env, [OUTDIR_ENV]: staging });
    const reportFile = join(staging, SYNTH_REPORT_FILE);
    if (!existsSync(reportFile)) {
      throw new InputError(
        'AppFailed',
        `the app command \`${options.app}\` exited with code ${code} without synthesizing${stderr.trim() ? `:\n${indent(lastLines(stderr, 20))}` : ''}`,
        { fix: 'make sure the program builds its stacks and calls app.synth(), and that the command runs on its own' },
      );
    }
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SynthReport;
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

function runShell(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const binDir = join(cwd, 'node_modules', '.bin');
    const path = existsSync(binDir) ? `${binDir}:${env.PATH ?? ''}` : env.PATH;
    const child = spawn(command, { cwd, env: { ...env, PATH: path }, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stderr }));
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
