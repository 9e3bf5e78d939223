/**
 * `amlcdk main-job` (what `npm start` runs): the project's main job, one small function per step.
 * Today: synthesize the app of amlcdk.json (the quickstart in this repository), validate every manifest and print
 * the resource tree. The reconciler extends it with check → plan → apply steps.
 */
import type { Command } from 'commander';
import { SynthesisError } from '../../core/errors.js';
import { synthApp, type SynthAppResult } from '../app-runner.js';
import { colors, printDiagnostics } from '../output.js';
import { validateManifestDeep } from '../../manifest/schema.js';
import { ExitCode } from '../main.js';
import { printNotes, renderTree, resolveApp } from './synth.js';

export interface MainJobOptions {
  readonly app?: string;
  readonly outdir?: string;
}

export function register(program: Command): void {
  program
    .command('main-job')
    .description('the main job (npm start): synthesize and validate the app, print its resources')
    .option('--app <command>', 'command that runs the program (default: "app" in amlcdk.json)')
    .option('-o, --outdir <dir>', 'where to write the manifests')
    .action(async (opts: MainJobOptions) => {
      const code = await runMainJob(opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

/** Step 1: synthesize. Returns undefined (after printing every diagnostic) when synthesis fails. */
export async function stepSynth(opts: MainJobOptions, out: NodeJS.WriteStream = process.stdout): Promise<SynthAppResult | undefined> {
  const { app, outdir } = resolveApp(opts);
  out.write(colors(out).dim(`synth: ${app} → ${outdir}\n`));
  try {
    return await synthApp({ app, outdir });
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
  let problems = 0;
  for (const m of result.manifests) {
    const issues = validateManifestDeep(m.manifest);
    problems += issues.length;
    for (const i of issues) process.stderr.write(`schema: ${m.manifest.stack.name}${i.pointer} ${i.message}\n`);
  }
  const c = colors(out);
  const count = result.manifests.reduce((n, m) => n + m.manifest.resources.length, 0);
  out.write(problems ? c.red(`validate: ${problems} schema problem(s)\n`) : c.dim(`validate: ${result.manifests.length} manifest(s), ${count} resources, all bodies schema-valid\n`));
  return problems;
}

/** Step 3: print the resource tree and the warnings. */
export function stepPrint(result: SynthAppResult, out: NodeJS.WriteStream = process.stdout): void {
  for (const m of result.manifests) out.write(renderTree(m.manifest, out) + '\n');
  printNotes(result.diagnostics.filter((d) => d.level !== 'error'), out);
}

/** The whole job. Returns the exit code. */
export async function runMainJob(opts: MainJobOptions = {}, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const result = await stepSynth(opts, out);
  if (!result) return 1;
  if (stepValidate(result, out) > 0) return 1;
  stepPrint(result, out);
  return 0;
}
