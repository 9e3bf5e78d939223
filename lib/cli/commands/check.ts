/**
 * `amlcdk check [--app <cmd> | --manifest <file|dir> | --arm-template <file>] [--format text|json|sarif|junit|markdown] [--output <file>]
 *   [--fail-on <severity>] [--pack <name...>] [--profile dev|prod] [--config <file>]
 *   [--azure-policy <file|dir>] [--azure-policy-params <file>]`
 *
 * Reviews the desired state before anything is deployed. Exit 0 clean, 1 findings at or above --fail-on (or an
 * Azure Policy Deny), 2 usage or input error.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { InputError, SynthesisError, UsageError } from '../../core/errors.js';
import type { Manifest } from '../../manifest/types.js';
import { loadConfig } from '../config.js';
import { loadManifests, synthApp } from '../app-runner.js';
import { colors, printDiagnostics, printOpenWarnings } from '../output.js';
import { ExitCode } from '../exit-code.js';
import { resolveApp } from './synth.js';
import { check, type CheckOptions } from '../../policy/engine.js';
import { loadPolicyConfig, parsePolicyConfig, type PolicyConfig } from '../../policy/config.js';
import { RULES_BY_ID } from '../../policy/rules/index.js';
import { PACKS, SEVERITIES, type CheckReport } from '../../policy/types.js';
import { loadAzurePolicyInput } from '../../policy/azure-policy/load.js';
import { renderText } from '../../policy/reporters/text.js';
import { renderJson } from '../../policy/reporters/json.js';
import { renderSarif } from '../../policy/reporters/sarif.js';
import { renderJunit } from '../../policy/reporters/junit.js';
import { renderMarkdown } from '../../policy/reporters/markdown.js';
import { readArmParameters, readArmTemplate, type ReadTemplateResult } from '../../policy/arm-template/read.js';
import { onTemplate } from '../../policy/arm-template/report.js';

export type CheckFormat = 'text' | 'json' | 'sarif' | 'junit' | 'markdown';
const FORMATS: readonly CheckFormat[] = ['text', 'json', 'sarif', 'junit', 'markdown'];

export interface CheckCommandOptions {
  readonly app?: string;
  /** Stop the program after this long (`--app-timeout`). @default - "appTimeout" in amlcdk.json, else 10 min */
  readonly appTimeout?: string;
  readonly manifest?: string;
  readonly armTemplate?: string;
  readonly armParameters?: string;
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  readonly location?: string;
  readonly tenantId?: string;
  readonly outdir?: string;
  readonly format?: string;
  readonly output?: string;
  readonly failOn?: string;
  readonly pack?: readonly string[];
  readonly profile?: string;
  readonly config?: string;
  readonly azurePolicy?: string;
  readonly azurePolicyParams?: string;
  readonly includePasses?: boolean;
}

export function register(program: Command): void {
  program
    .command('check')
    .description(
      'review the desired state against the Azure ML policy packs (and, optionally, Azure Policy definitions)',
    )
    .option('--app <command>', 'command that runs the program (default: "app" in amlcdk.json)')
    .option(
      '--app-timeout <duration>',
      'stop the program after this long, e.g. 90s, 20m (default: "appTimeout" in amlcdk.json, else 10m)',
    )
    .option('--manifest <file|dir>', 'check manifests written by `amlcdk synth` instead of running the program')
    .option('--arm-template <file>', 'check an ARM template (or `az bicep build` output) instead of a program')
    .option('--arm-parameters <file>', 'parameter values for --arm-template (an ARM parameters file)')
    .option('--subscription-id <id>', 'subscription().subscriptionId for --arm-template (else unknown)')
    .option('--resource-group <name>', 'resourceGroup().name for --arm-template (else unknown)')
    .option('--location <region>', 'resourceGroup().location for --arm-template (else unknown)')
    .option('--tenant-id <id>', 'subscription().tenantId for --arm-template (else unknown)')
    .option(
      '-o, --outdir <dir>',
      'where the program writes its manifests (default: "outdir" in amlcdk.json, else amlcdk.out)',
    )
    .option('--format <format>', `report format: ${FORMATS.join(', ')}`, 'text')
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option(
      '--fail-on <severity>',
      `exit 1 when a finding is at or above this severity: ${SEVERITIES.join(', ')} (default: high)`,
    )
    .option('--pack <name...>', `rule packs to run (default: all): ${PACKS.join(', ')}`)
    .option('--profile <profile>', 'environment profile: dev or prod (default: "profile" in amlcdk.json, else dev)')
    .option('--config <file>', 'policy config file (JSON or YAML): thresholds, rule overrides, packs, profile')
    .option('--azure-policy <file|dir>', 'Azure Policy definition JSON file(s) to evaluate offline')
    .option('--azure-policy-params <file>', 'assignment parameter values for --azure-policy')
    .option('--include-passes', 'also list passing (rule, resource) pairs in the JSON report (JUnit always has them)')
    .action(async (opts: CheckCommandOptions) => {
      const code = await runCheck(opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase() as T;
  if (!allowed.includes(v))
    throw new UsageError('InvalidOption', `${flag} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  return v;
}

/** Turn flags, the policy config file and amlcdk.json into check options (flags win). */
export function resolveCheckOptions(
  opts: CheckCommandOptions,
  cwd = process.cwd(),
): { options: CheckOptions; format: CheckFormat } {
  const format = oneOf(opts.format ?? 'text', FORMATS, '--format')!;
  const project = loadConfig(cwd);
  const known = new Set(RULES_BY_ID.keys());
  let fileCfg: PolicyConfig = {};
  if (opts.config) fileCfg = loadPolicyConfig(resolve(cwd, opts.config), known);
  else if (project.policy !== undefined)
    fileCfg = parsePolicyConfig(JSON.stringify(project.policy), 'amlcdk.json (policy)', known);
  const packsRaw = opts.pack
    ?.flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  const packs = packsRaw?.map((p) => oneOf(p, PACKS, '--pack')!);
  const profile =
    oneOf(opts.profile, ['dev', 'prod'] as const, '--profile') ?? fileCfg.profile ?? project.profile ?? 'dev';
  if (profile !== 'dev' && profile !== 'prod')
    throw new InputError(
      'ConfigInvalidValue',
      `"profile" in amlcdk.json must be "dev" or "prod", got ${JSON.stringify(profile)}`,
      { file: 'amlcdk.json', fix: 'set "profile": "dev" or "prod"' },
    );
  const failOn = oneOf(opts.failOn, SEVERITIES, '--fail-on') ?? fileCfg.failOn ?? 'high';
  if (opts.azurePolicyParams && !opts.azurePolicy)
    throw new UsageError('InvalidOption', '--azure-policy-params needs --azure-policy');
  const azurePolicy = opts.azurePolicy
    ? loadAzurePolicyInput(
        resolve(cwd, opts.azurePolicy),
        opts.azurePolicyParams ? resolve(cwd, opts.azurePolicyParams) : undefined,
      )
    : undefined;
  return {
    format,
    options: {
      ...fileCfg,
      profile,
      failOn: failOn,
      ...(packs ? { packs } : {}),
      ...(azurePolicy ? { azurePolicy } : {}),
      recordPasses: format === 'junit' || (opts.includePasses === true && format === 'json'),
    },
  };
}

/** Render a report in a format. */
export function renderReport(
  report: CheckReport,
  format: CheckFormat,
  stream?: NodeJS.WriteStream,
  manifestFile?: string,
): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, manifestFile ? { fallbackUri: manifestFile } : {});
    case 'junit':
      return renderJunit(report);
    case 'markdown':
      return renderMarkdown(report);
    default:
      return renderText(report, stream ? { colors: colors(stream) } : {});
  }
}

/** Load or synthesize the manifests to check (with their files, relative to `cwd`). */
export async function manifestsFor(
  opts: CheckCommandOptions,
  cwd = process.cwd(),
): Promise<{ manifests: Manifest[]; files: string[]; template?: ReadTemplateResult }> {
  const inputs = [opts.app && '--app', opts.manifest && '--manifest', opts.armTemplate && '--arm-template'].filter(
    Boolean,
  );
  if (inputs.length > 1)
    throw new UsageError(
      'ConflictingOptions',
      `pass one of --app, --manifest or --arm-template, not ${inputs.join(' and ')}`,
    );
  const scopeFlags = [
    opts.armParameters && '--arm-parameters',
    opts.subscriptionId && '--subscription-id',
    opts.resourceGroup && '--resource-group',
    opts.location && '--location',
    opts.tenantId && '--tenant-id',
  ].filter(Boolean);
  if (!opts.armTemplate && scopeFlags.length > 0)
    throw new UsageError('InvalidOption', `${scopeFlags.join(', ')} only apply to --arm-template`);
  if (opts.armTemplate) {
    // Files are named as given, relative to the working directory: never as an absolute path of this machine.
    const shown = (f: string): string => relative(cwd, resolve(cwd, f)).split(sep).join('/');
    const file = resolve(cwd, opts.armTemplate);
    const display = shown(opts.armTemplate);
    const template = readArmTemplate(file, {
      displayFile: display,
      ...(opts.armParameters
        ? { parameters: readArmParameters(resolve(cwd, opts.armParameters), shown(opts.armParameters)) }
        : {}),
      scope: {
        ...(opts.subscriptionId ? { subscriptionId: opts.subscriptionId } : {}),
        ...(opts.resourceGroup ? { resourceGroup: opts.resourceGroup } : {}),
        ...(opts.location ? { location: opts.location.toLowerCase() } : {}),
        ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
      },
    });
    return { manifests: [template.manifest], files: [display], template };
  }
  let loaded;
  // Manifests from elsewhere (another process, version, or hand-made) are checked against the body schemas too: a
  // compute without computeType would otherwise pass every compute rule unseen.
  if (opts.manifest) loaded = loadManifests(resolve(cwd, opts.manifest), { schema: true });
  else {
    const { app, outdir } = resolveApp({ app: opts.app, outdir: opts.outdir }, cwd);
    loaded = (await synthApp({ app, outdir, cwd, appTimeout: opts.appTimeout })).manifests;
  }
  return {
    manifests: loaded.map((m) => m.manifest),
    files: loaded.map((m) => relative(cwd, m.file).split(sep).join('/')),
  };
}

/** Run the check and write the report. Returns the exit code. */
export async function runCheck(
  opts: CheckCommandOptions,
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): Promise<number> {
  const { options, format } = resolveCheckOptions(opts, cwd);
  let manifests: Manifest[];
  let files: string[];
  let template: ReadTemplateResult | undefined;
  try {
    ({ manifests, files, template } = await manifestsFor(opts, cwd));
  } catch (err) {
    if (err instanceof SynthesisError) {
      const n = printDiagnostics(err.diagnostics);
      process.stderr.write(`\nsynthesis failed: ${n} error(s); nothing was checked\n`);
      return 1;
    }
    throw err;
  }
  printOpenWarnings(manifests);
  const checked = check(manifests, options);
  const report = template ? onTemplate(checked, template) : checked;
  if (template)
    for (const n of template.notes)
      process.stderr.write(`warning: ${files[0]}${n.line ? `:${n.line}` : ''}: ${n.message}\n`);
  if (opts.output) {
    const file = resolve(cwd, opts.output);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileAtomic.sync(file, renderReport(report, format, undefined, files[0]));
    } catch (e) {
      throw new InputError('OutputNotWritable', `cannot write the report to ${opts.output}: ${(e as Error).message}`, {
        file: opts.output,
        fix: 'choose a writable --output path',
      });
    }
    const c = colors(out);
    const s = report.summary;
    out.write(
      `${report.failed ? c.red('✗') : c.green('✓')} ${s.total - s.suppressed - s.undetermined} finding(s), ${s.suppressed} suppressed, ${s.undetermined ? `${s.undetermined} not judged, ` : ''}${s.failing} at or above ${report.failOn}${report.azurePolicy ? `, ${s.azurePolicyDeny} Azure Policy deny` : ''}; ${format} report written to ${opts.output}\n`,
    );
  } else {
    out.write(renderReport(report, format, format === 'text' ? out : undefined, files[0]));
  }
  return report.failed ? 1 : 0;
}
