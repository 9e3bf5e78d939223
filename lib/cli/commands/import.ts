/**
 * `amlcdk import <armId> --as <construct path> [--app <cmd> | --manifest <path>] [--target local|azure] [--state <spec>] [--stack <name>] [--json]`
 *   adopts an existing resource into the stack's state (read with one GET; nothing is written to Azure). The
 *   construct must exist in the program and name exactly that resource. Afterwards `plan` shows no change, or an
 *   update with the paths where the program differs from what exists; never a create.
 *
 * `amlcdk import --from-azml-yaml <file> [--out <file.ts>]`
 *   converts az ml CLI v2 compute YAML into amlcdk construct code (stdout, or written atomically to --out).
 *
 * Exit 0 imported (or already owned: a notice) / converted, 1 failure (not found in Azure, owned by another
 * stack, locked), 2 usage or input error (unknown construct path, id mismatch, bad YAML).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { InputError, UsageError } from '../../core/errors.js';
import type { Manifest } from '../../manifest/types.js';
import { closestAddresses, importResource, type ImportResult } from '../../reconciler/import.js';
import { FileStateStore } from '../../state/file-store.js';
import type { StateStore } from '../../state/types.js';
import { ExitCode } from '../exit-code.js';
import { generateComputeCode } from '../azml-yaml/codegen.js';
import { readAzmlComputeYaml, yamlProblemsError } from '../azml-yaml/read.js';
import { connect, loadDesired, openStore, painterFor, type TargetOptions } from './plan.js';
import { addTargetOptions } from '../target-options.js';

export interface ImportCommandOptions extends TargetOptions {
  /** Construct path that will manage the resource. */
  readonly as?: string;
  readonly json?: boolean;
  /** Convert this az ml CLI v2 compute YAML file instead of adopting a resource. */
  readonly fromAzmlYaml?: string;
  /** Where the generated TypeScript goes (atomically). @default stdout */
  readonly out?: string;
}

export function register(program: Command): void {
  addTargetOptions(program.command('import'), {
    manifest: 'use a manifest file or a directory of *.manifest.json instead of running the program',
    stack: 'the stack to import into (default: the one that has the construct)',
  })
    .description('adopt an existing Azure resource into the state of a stack (no write to Azure)')
    .argument('[armId]', 'ARM id of the existing resource')
    .option('--as <path>', 'construct path (manifest address) that will manage it, e.g. Team/Ws/GpuCluster')
    .option('--json', 'print the result as JSON')
    .option(
      '--from-azml-yaml <file>',
      'convert az ml CLI v2 compute YAML (one compute per --- document) into amlcdk construct code',
    )
    .option('--out <file.ts>', 'with --from-azml-yaml: write the code to this file (default: stdout)')
    .action(async (armId: string | undefined, opts: ImportCommandOptions) => {
      const code = opts.fromAzmlYaml !== undefined ? await runConvertYaml(armId, opts) : await runImport(armId, opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

/** The stack whose program has the construct (or the only stack, so the error can list close matches). */
function pickManifest(manifests: readonly Manifest[], address: string): Manifest {
  const having = manifests.filter((m) => m.resources.some((r) => r.logicalId === address));
  if (having.length === 1) return having[0];
  if (manifests.length === 1) return manifests[0];
  const byName = manifests.find((m) => m.stack.name === address.split('/')[0]);
  if (byName) return byName;
  const close = manifests.flatMap((m) => closestAddresses(m, address));
  throw new InputError(
    'ImportConstructNotFound',
    `no stack of the program has a construct at path ${JSON.stringify(address)}${close.length ? ` (close matches: ${close.slice(0, 3).join(', ')})` : ''}`,
    {
      fix: 'pass the full construct path, starting with the stack name (e.g. Team/Ws/GpuCluster), and --stack when the program has several stacks',
    },
  );
}

/** Stacks a state store knows besides the program's (file stores only: their state directory lists them). */
function storedStacks(store: StateStore): string[] {
  if (!(store instanceof FileStateStore)) return [];
  try {
    // <stack>.json only: <stack>.prev.json is the store's copy of the previous state, not another stack.
    return readdirSync(join(store.dir, 'state'))
      .filter((f) => f.endsWith('.json') && !f.endsWith('.prev.json') && !f.startsWith('.'))
      .map((f) => f.slice(0, -'.json'.length));
  } catch {
    return [];
  }
}

/**
 * `--from-azml-yaml`: read, check (every problem with its line), generate; write only when the whole file is good.
 * Secrets the YAML held are listed on stderr (names of the environment variables to set, never the values).
 */
export async function runConvertYaml(
  armId: string | undefined,
  opts: ImportCommandOptions,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
  cwd = process.cwd(),
): Promise<number> {
  const file = opts.fromAzmlYaml!;
  if (armId !== undefined || opts.as !== undefined)
    throw new UsageError(
      'ConflictingOptions',
      '--from-azml-yaml converts a YAML file; it takes no ARM id and no --as (adopt a resource with: amlcdk import <armId> --as <path>)',
    );
  if (opts.out !== undefined && !/\.(ts|mts)$/.test(opts.out))
    throw new UsageError('ImportOutNotTypeScript', `--out ${JSON.stringify(opts.out)} must name a .ts file`);
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new InputError(
      'YamlUnreadable',
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { file, fix: 'check the path of the az ml YAML file' },
    );
  }
  const { specs, problems } = readAzmlComputeYaml(text);
  if (problems.length > 0) throw yamlProblemsError(file, problems);
  const { code, secrets } = generateComputeCode(specs, { source: basename(file) });
  if (opts.out !== undefined) {
    await writeFileAtomic(resolve(cwd, opts.out), code);
    err.write(`wrote ${specs.length} compute(s) from ${file} to ${opts.out}\n`);
  } else out.write(code);
  for (const s of secrets)
    err.write(
      `notice: ${s.from} was not copied into the code; set ${s.env} in the environment where amlcdk apply runs\n`,
    );
  return 0;
}

export async function runImport(
  armId: string | undefined,
  opts: ImportCommandOptions,
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): Promise<number> {
  if (opts.out !== undefined) throw new UsageError('ConflictingOptions', '--out goes with --from-azml-yaml only');
  if (!armId)
    throw new UsageError(
      'ImportNeedsId',
      'import what? pass the ARM id of an existing resource and --as <construct path>, or --from-azml-yaml <file>',
    );
  if (!opts.as)
    throw new UsageError(
      'ImportNeedsAddress',
      `which construct manages ${armId}? pass --as <construct path> (e.g. --as Team/Ws/GpuCluster; \`amlcdk synth\` lists the paths)`,
    );
  const manifests = await loadDesired(opts, cwd);
  const manifest = pickManifest(manifests, opts.as);
  const store = await openStore(opts, cwd);
  const otherStacks = [...new Set([...manifests.map((m) => m.stack.name), ...storedStacks(store)])].filter(
    (s) => s !== manifest.stack.name,
  );
  const conn = await connect(opts, cwd);
  let result: ImportResult;
  try {
    result = await importResource({ client: conn.client, store, manifest, armId, address: opts.as, otherStacks });
  } finally {
    await conn.close();
  }
  if (opts.json) {
    out.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  const p = painterFor(out);
  if (result.recovered > 0)
    out.write(p.dim(`resumed an unfinished run first (${result.recovered} operation(s))`) + '\n');
  if (result.status === 'already-owned') {
    const where =
      result.ownedAs === result.address
        ? `as ${result.address}`
        : `as ${result.ownedAs} (the next plan moves it to ${result.address}, without replacing it)`;
    out.write(
      `${p.yellow('notice')} ${result.id} is already owned by stack ${result.stack} ${where}; nothing to import.\n`,
    );
    return 0;
  }
  out.write(
    p.green(`✓ imported ${result.id} into stack ${result.stack} as ${result.address}`) +
      p.dim(' (ownership "adopted"; nothing was written to Azure)') +
      '\n',
  );
  const c = result.change;
  if (!c || c.change.actions[0] === 'no-op') {
    out.write(`plan: no changes for ${result.address}: the program matches what exists.\n`);
  } else {
    out.write(`plan: ${c.change.actions.join(', ')} ${result.address}, where the program differs from what exists:\n`);
    for (const x of c.change.paths)
      out.write(`    ${x.path}: ${JSON.stringify(x.before)} → ${JSON.stringify(x.after)}  ${p.dim(x.reason)}\n`);
    for (const n of c.notes ?? []) out.write(p.dim(`    note: ${n}`) + '\n');
    out.write(
      p.dim('change the program to keep what exists, or run `amlcdk apply` to make Azure match the program') + '\n',
    );
  }
  return 0;
}
