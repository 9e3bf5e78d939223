/**
 * `amlcdk synth [--app <cmd>] [--outdir <dir>] [--json]`: run the program, write one manifest per stack, print
 * the resource tree and the warnings. Exit 0 ok, 1 validation errors (all printed, no stack trace), 2 usage.
 */
import type { Command } from 'commander';
import { SynthesisError, UsageError, type Diagnostic } from '../../core/errors.js';
import { loadConfig } from '../config.js';
import { synthApp, type SynthAppResult } from '../app-runner.js';
import { colors, printDiagnostics } from '../output.js';
import type { Manifest, ManifestResource } from '../../manifest/types.js';
import { ExitCode } from '../exit-code.js';
import { text } from '../../core/text.js';

export interface SynthCommandOptions {
  readonly app?: string;
  /** Stop the program after this long (`--app-timeout`). @default - "appTimeout" in amlcdk.json, else 10 min */
  readonly appTimeout?: string;
  readonly outdir?: string;
  readonly json?: boolean;
}

export const DEFAULT_OUTDIR = 'amlcdk.out';

export function register(program: Command): void {
  program
    .command('synth')
    .description('synthesize the program into one desired-state manifest per stack, validated against the schemas')
    .option('--app <command>', 'command that runs the program (default: "app" in amlcdk.json)')
    .option(
      '--app-timeout <duration>',
      'stop the program after this long, e.g. 90s, 20m (default: "appTimeout" in amlcdk.json, else 10m)',
    )
    .option(
      '-o, --outdir <dir>',
      `where to write the manifests (default: "outdir" in amlcdk.json, else ${DEFAULT_OUTDIR})`,
    )
    .option('--json', 'print a JSON summary instead of the tree')
    .action(async (opts: SynthCommandOptions) => {
      const code = await runSynth(opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

/** Resolve the app command and outdir from flags and amlcdk.json. Throws UsageError when there is no app. */
export function resolveApp(opts: SynthCommandOptions, cwd = process.cwd()): { app: string; outdir: string } {
  const cfg = loadConfig(cwd);
  const app = opts.app ?? cfg.app;
  if (!app || !app.trim()) {
    throw new UsageError(
      'NoApp',
      'no program to synthesize: pass --app "<command>" or set "app" in amlcdk.json (e.g. { "app": "tsx main.ts" })',
    );
  }
  return { app, outdir: opts.outdir ?? cfg.outdir ?? DEFAULT_OUTDIR };
}

/** Synthesize and print. Returns the exit code (SynthesisError → 1, printed). */
export async function runSynth(opts: SynthCommandOptions, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const { app, outdir } = resolveApp(opts);
  let result: SynthAppResult;
  try {
    result = await synthApp({ app, outdir, appTimeout: opts.appTimeout });
  } catch (err) {
    if (err instanceof SynthesisError) {
      if (opts.json) out.write(JSON.stringify({ ok: false, diagnostics: err.diagnostics }, null, 2) + '\n');
      const n = printDiagnostics(err.diagnostics);
      process.stderr.write(`\nsynthesis failed: ${n} error(s); no manifest written\n`);
      return 1;
    }
    throw err;
  }
  if (opts.json) {
    out.write(
      JSON.stringify(
        {
          ok: true,
          manifests: result.manifests.map((m) => ({
            file: m.file,
            stack: m.manifest.stack.name,
            resources: m.manifest.resources.length,
            hash: m.manifest.hash,
          })),
          diagnostics: result.diagnostics,
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  for (const m of result.manifests) out.write(renderTree(m.manifest, out) + '\n');
  const warnings = result.diagnostics.filter((d) => d.level !== 'error');
  printNotes(warnings, out);
  const c = colors(out);
  const open = warnings.filter((d) => d.level === 'warning' && !d.acknowledged).length;
  out.write(
    c.green(`✓ synthesized ${result.manifests.length} stack(s) to ${outdir}`) +
      (open ? c.yellow(` with ${open} warning(s)`) : '') +
      '\n',
  );
  return 0;
}

/**
 * Open warnings in full; acknowledged ones as one line per id (with how many constructs and the reason), so a
 * program that acknowledged its risks prints a short report.
 */
export function printNotes(notes: readonly Diagnostic[], out: NodeJS.WriteStream = process.stdout): void {
  const open = notes.filter((d) => !d.acknowledged);
  if (open.length) printDiagnostics(open, out);
  const acked = new Map<string, { count: number; reasons: Set<string> }>();
  for (const d of notes) {
    if (!d.acknowledged) continue;
    const e = acked.get(d.code) ?? { count: 0, reasons: new Set<string>() };
    e.count += 1;
    e.reasons.add(d.acknowledged.reason);
    acked.set(d.code, e);
  }
  const c = colors(out);
  for (const [id, e] of acked)
    out.write(c.dim(`acknowledged ${id} on ${e.count} construct(s): ${[...e.reasons].join('; ')}\n`));
}

/** Short type name for the tree: `workspaces/computes` → `compute`. */
export function shortType(type: string): string {
  const map: Record<string, string> = {
    'microsoft.machinelearningservices/workspaces': 'workspace',
    'microsoft.machinelearningservices/workspaces/computes': 'compute',
    'microsoft.machinelearningservices/workspaces/datastores': 'datastore',
    'microsoft.storage/storageaccounts': 'storage',
    'microsoft.storage/storageaccounts/fileservices/shares': 'file share',
    'microsoft.keyvault/vaults': 'key vault',
    'microsoft.insights/components': 'app insights',
    'microsoft.operationalinsights/workspaces': 'log analytics',
    'microsoft.containerregistry/registries': 'registry',
    'microsoft.managedidentity/userassignedidentities': 'identity',
    'microsoft.authorization/roleassignments': 'role',
    'microsoft.network/virtualnetworks': 'vnet',
    'microsoft.network/virtualnetworks/subnets': 'subnet',
    'microsoft.network/networksecuritygroups': 'nsg',
    'microsoft.network/privateendpoints': 'private endpoint',
    'microsoft.network/privatednszones': 'dns zone',
    'microsoft.network/privatednszones/virtualnetworklinks': 'dns link',
    'microsoft.network/privateendpoints/privatednszonegroups': 'dns zone group',
    'microsoft.network/networksecuritygroups/securityrules': 'nsg rule',
    'microsoft.resources/resourcegroups': 'resource group',
  };
  return map[type.toLowerCase()] ?? type.split('/').slice(-1)[0];
}

/** Key facts of a resource, one short phrase. Bodies may have any shape: every read is optional. */
export function keyFacts(r: ManifestResource): string {
  const b = r.body;
  const get = (path: string): string =>
    text(
      path
        .split('.')
        .reduce<unknown>(
          (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
          b,
        ),
    );
  const facts: string[] = [];
  const isCompute = r.type.toLowerCase().endsWith('/computes');
  if (isCompute) {
    const inner = (k: string): string => get(`properties.properties.${k}`);
    facts.push(get('properties.computeType'));
    facts.push(inner('vmSize'));
    if (get('properties.computeType') === 'AmlCompute' && inner('scaleSettings'))
      facts.push(`${inner('scaleSettings.minNodeCount') || 0}-${inner('scaleSettings.maxNodeCount')} nodes`);
    if (inner('vmPriority') === 'LowPriority') facts.push('low priority (Spot)');
    const user = inner('personalComputeInstanceSettings.assignedUser.objectId');
    if (user) facts.push(`user ${user.slice(0, 8)}…`);
    if (inner('enableNodePublicIp') === 'false') facts.push('no public IP');
    if (inner('sshSettings.sshPublicAccess') === 'Enabled' || inner('remoteLoginPortPublicAccess') === 'Enabled')
      facts.push('SSH on');
    if (inner('idleTimeBeforeShutdown')) facts.push(`idle ${inner('idleTimeBeforeShutdown')}`);
    const attach = get('properties.resourceId');
    if (attach) facts.push(`attach ${attach.split('/').slice(-1)[0]}`);
  } else if (r.type === 'Microsoft.MachineLearningServices/workspaces') {
    const access = get('properties.publicNetworkAccess');
    if (access) facts.push(`public access ${access}`);
    const isolation = get('properties.managedNetwork.isolationMode');
    if (isolation) facts.push(`isolation ${isolation}`);
  } else if (r.type === 'Microsoft.Authorization/roleAssignments') {
    facts.push(`${get('properties.principalType') || 'principal'} ${get('properties.principalId').slice(0, 8)}…`);
  } else if (get('sku.name')) facts.push(get('sku.name'));
  if (typeof b.location === 'string' && !isCompute) facts.push(b.location);
  return facts.filter(Boolean).join(', ');
}

/** The readable tree of one manifest. */
export function renderTree(m: Manifest, stream: NodeJS.WriteStream = process.stdout): string {
  const c = colors(stream);
  const lines = [
    `${c.bold(m.stack.name)} ${c.dim(`(${m.stack.subscriptionId} / ${m.stack.resourceGroup} / ${m.stack.location}, ${m.resources.length} resources)`)}`,
  ];
  m.resources.forEach((r, i) => {
    const last = i === m.resources.length - 1;
    const facts = keyFacts(r);
    lines.push(
      `${last ? '└─' : '├─'} ${c.cyan(shortType(r.type).padEnd(16))} ${r.name}${facts ? c.dim(`  ${facts}`) : ''}  ${c.dim(r.logicalId)}`,
    );
  });
  return lines.join('\n');
}

export type { Diagnostic };
