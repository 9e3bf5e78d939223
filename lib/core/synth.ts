/**
 * The synth pipeline: aspects → prepare → validate → render → schema → canonical JSON + hash → write.
 *
 * Every problem is collected (construct-time errors recorded with `Annotations`, validation hooks, schema
 * violations, app-wide checks such as regional compute-name clashes) and reported at once.
 *
 * It lives in lib/core beside App because it walks the construct tree; lib/manifest holds what it produces (the
 * types, the JSON Schema, the canonical form) and imports nothing of the construct model.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IConstruct } from 'constructs';
import { SynthesisError, ValidationError, type Diagnostic } from './errors.js';
import { AzureResource } from './resource.js';
import { Stack } from './stack.js';
import { applyAspects } from './aspects.js';
import { diagnosticsOf } from './annotations.js';
import { beginSynth, runHooks } from './lifecycle.js';
import { safeValue } from './redact.js';
import { apiVersionFor } from '../catalog/api-versions.js';
import { canonicalJson } from '../manifest/canonical.js';
import {
  canonicalCopy,
  canonicalDiagnosticCopy,
  canonicalResourceCopy,
  objectTextAround,
  writeObjectText,
} from '../manifest/canonical-copy.js';
import { validateBody, validateManifest, type SchemaIssue } from '../manifest/schema.js';
import { computeDependsOn, findCycle } from '../manifest/dependencies.js';
import { checkReferences, mayHoldRefs } from '../manifest/refs.js';
import { declaredDependencies } from './construct-dependencies.js';
import {
  MANIFEST_SCHEMA_VERSION,
  OUTDIR_ENV,
  SYNTH_REPORT_FILE,
  type ContainerImageAsset,
  type Manifest,
  type ManifestResource,
  type SynthReport,
} from '../manifest/types.js';
import { isReadableObject } from './brand.js';
import { cleanProps } from './props.js';

/** Construct metadata type under which container image assets are recorded (see lib/constructs/assets). */
export const ASSET_METADATA_TYPE = 'amlcdk:asset';

const COMPUTE_TYPE = 'Microsoft.MachineLearningServices/workspaces/computes';

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /** Write files (under the CLI to `AMLCDK_OUTDIR`, else to the App's `outdir`). @default true */
  readonly write?: boolean;
}

/** Result of {@link synthesize}. */
export interface SynthesizeResult {
  readonly manifests: readonly Manifest[];
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly string[];
}

/** Anything usable as synthesis root: an App (or any construct; its stacks are synthesized). */
interface RootLike extends IConstruct {
  readonly outdir?: string;
}

/**
 * Synthesize every stack below `root`. Returns the manifests in memory; writes them as described on
 * `App.synth()`. Throws `SynthesisError` outside the CLI when there are errors.
 */
export function synthesize(root: RootLike, options: SynthesizeOptions = {}): SynthesizeResult {
  options = isReadableObject(options) ? cleanProps(options).props : {};
  const result = buildManifests(root);
  const errors = result.diagnostics.filter((d) => d.level === 'error');
  const cliOutdir = process.env[OUTDIR_ENV];
  const write = options.write ?? true;
  const outdir = cliOutdir ? resolve(cliOutdir) : root.outdir ? resolve(root.outdir) : undefined;

  if (errors.length) {
    if (write && cliOutdir) {
      writeReport(resolve(cliOutdir), { ok: false, manifests: [], diagnostics: result.diagnostics });
      process.exitCode = 1;
      return { manifests: [], diagnostics: result.diagnostics, files: [] };
    }
    throw new SynthesisError(result.diagnostics);
  }

  const files: string[] = [];
  if (write && outdir) {
    mkdirSync(outdir, { recursive: true });
    const names: string[] = [];
    for (const m of result.manifests) {
      const name = `${m.stack.name}.manifest.json`;
      const file = join(outdir, name);
      writeFileSync(file, canonicalJson(m, 2) + '\n');
      files.push(file);
      names.push(name);
    }
    writeReport(outdir, { ok: true, manifests: names, diagnostics: result.diagnostics });
  }
  return { manifests: result.manifests, diagnostics: result.diagnostics, files };
}

function writeReport(outdir: string, report: SynthReport): void {
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, SYNTH_REPORT_FILE), canonicalJson(report, 2) + '\n');
}

/** Pure part of synthesis: the manifests and every diagnostic, without throwing for user errors. */
export function buildManifests(root: IConstruct): { manifests: Manifest[]; diagnostics: Diagnostic[] } {
  const timer = phaseTimer();
  beginSynth();
  applyAspects(root);
  timer('aspects');
  const all = root.node.findAll(); // pre-order, deterministic (insertion order)
  for (const c of all) runHooks(c, 'prepare');
  timer('prepare');

  const diagnostics: Diagnostic[] = [];
  const caught = (err: unknown, c: IConstruct): void => {
    if (err instanceof ValidationError) diagnostics.push(withSource(err.toDiagnostic(), c));
    else throw err;
  };
  for (const c of all) {
    // try/catch in the loop rather than a callback per construct and check: this runs for every construct.
    try {
      runHooks(c, 'validate');
    } catch (err) {
      caught(err, c);
    }
    try {
      for (const msg of c.node.validate()) {
        diagnostics.push(
          withSource({ level: 'error', code: 'ConstructValidation', path: c.node.path, message: msg }, c),
        );
      }
    } catch (err) {
      caught(err, c);
    }
  }
  // Diagnostics recorded on constructs (constructor-time and validation-time), in tree order.
  const perConstruct = new Map<IConstruct, Diagnostic[]>();
  for (const c of all) {
    const ds = diagnosticsOf(c);
    if (ds.length)
      perConstruct.set(
        c,
        ds.map((d) => withSource(d, c)),
      );
  }
  timer('validate');

  const stacks = all.filter((c): c is Stack => Stack.isStack(c));
  if (stacks.length === 0) {
    diagnostics.push({
      level: 'error',
      code: 'NoStacks',
      path: root.node.path || '<app>',
      message: 'the app has no Stack, so there is nothing to synthesize',
      fix: 'add a stack: new Stack(app, "Team", { subscriptionId, resourceGroup, location })',
    });
  }
  const hadErrors = (): boolean =>
    diagnostics.some((d) => d.level === 'error') ||
    [...perConstruct.values()].some((ds) => ds.some((d) => d.level === 'error'));

  // The stack that owns each construct, remembered for this synth (members of each stack, constructs outside stacks).
  const owners = new Map<IConstruct, Stack | undefined>();
  const ownerOf = (c: IConstruct): Stack | undefined => {
    if (owners.has(c)) return owners.get(c);
    const scope = c.node.scope;
    const owner = Stack.isStack(c) ? c : scope ? ownerOf(scope) : undefined;
    owners.set(c, owner);
    return owner;
  };
  const manifests: Manifest[] = [];
  const computeNames = new Map<string, string>(); // `${location}/${name}` → logicalId
  const stackNames = new Map<string, string>();
  for (const stack of stacks) {
    const lower = stack.stackName.toLowerCase();
    if (stackNames.has(lower)) {
      diagnostics.push(
        withSource(
          {
            level: 'error',
            code: 'DuplicateStackName',
            path: stack.node.path,
            value: stack.stackName,
            message: `stack name "${stack.stackName}" is used twice (manifest file names must differ, case-insensitively)`,
            allowed: 'one stack per name',
            fix: 'rename one of the stacks',
          },
          stack,
        ),
      );
    }
    stackNames.set(lower, stack.node.path);
    const members = stack.node.findAll().filter((c) => c === stack || ownerOf(c) === stack);
    const resources: ManifestResource[] = [];
    const stackDiagnostics: Diagnostic[] = [];
    for (const c of members) {
      const ds = perConstruct.get(c);
      if (ds) {
        stackDiagnostics.push(...ds);
        diagnostics.push(...ds);
      }
    }
    const stackHasTags = Object.keys(stack.tags).length > 0;
    const notes = stackDiagnostics.filter((d) => d.level !== 'error');
    const stackDoc = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      stack: {
        name: stack.stackName,
        subscriptionId: stack.subscriptionId,
        resourceGroup: stack.resourceGroupName,
        location: stack.location,
        tags: { ...stack.tags },
        ...(stack.ownAllTags ? { ownAllTags: true } : {}),
      },
    };
    // The hash is of canonicalJson(document without hash); its text is streamed into the hash, never built whole.
    // Without assets (whose `usedBy` may depend on the bodies) everything before and after `resources` is known now,
    // so each resource's text is hashed as soon as it is made and dies young instead of being kept to the end.
    const hash = createHash('sha256');
    const assetEntries = assetMetadata(members);
    let plain: Record<string, unknown> | undefined;
    let tail: string | undefined;
    const texts: string[] = [];
    if (assetEntries.length === 0) {
      plain = stackDocument(stackDoc, [], notes);
      const [before, after] = objectTextAround(plain, 'resources');
      hash.update(before + '[');
      tail = ']' + after;
    }
    let streamed = 0;
    const emit = (text: string): void => {
      if (tail === undefined) texts.push(text);
      else hash.update(streamed++ ? ',' + text : text);
    };
    const rgLogicalId = stack.createResourceGroup ? `${stack.node.path}/ResourceGroup` : undefined;
    if (rgLogicalId) {
      resources.push({
        logicalId: rgLogicalId,
        type: 'Microsoft.Resources/resourceGroups',
        apiVersion: apiVersionFor('Microsoft.Resources/resourceGroups'),
        id: stack.resourceGroupId,
        name: stack.resourceGroupName,
        body: { location: stack.location, ...(Object.keys(stack.tags).length ? { tags: { ...stack.tags } } : {}) },
        dependsOn: [],
        options: { protect: true, deletePolicy: 'Retain' },
        construct: 'Stack',
      });
      emit(JSON.stringify(canonicalCopy(resources[0])));
    }
    // Pass 1: render every resource (canonical copies), so the graph below sees every id and body.
    const declared = declaredDependencies(members, diagnostics);
    const rendered: Array<{ c: AzureResource; r: ManifestResource }> = [];
    for (const c of members) {
      if (!AzureResource.isAzureResource(c)) continue;
      let r: ManifestResource;
      timer('resources');
      try {
        r = c.toManifestResource();
      } catch (err) {
        if (err instanceof ValidationError) {
          const d = withSource(err.toDiagnostic(), c);
          diagnostics.push(d);
          continue;
        }
        // A crash while rendering a construct that already has errors is a consequence of those errors.
        if (hadErrors()) continue;
        throw err;
      }
      r = applyStackDefaults(r, stack, stackHasTags, rgLogicalId, declared.get(c));
      timer('render');
      r = canonicalResourceCopy(r) as ManifestResource;
      timer('canonical+hash');
      rendered.push({ c, r });
    }
    // Pass 2: the one dependency graph, written into each resource's `dependsOn` (sorted strings: still canonical).
    const graph = computeDependsOn([...resources, ...rendered.map((x) => x.r)]);
    const edges = new Map<string, readonly string[]>(resources.map((r, i) => [r.logicalId, graph[i]]));
    for (let i = 0; i < rendered.length; i++) {
      const deps = graph[resources.length + i];
      (rendered[i].r as { dependsOn: readonly string[] }).dependsOn = deps;
      edges.set(rendered[i].r.logicalId, deps);
    }
    const cycle = findCycle(edges);
    if (cycle) {
      diagnostics.push({
        level: 'error',
        code: 'DependencyCycle',
        path: cycle[0],
        value: cycle,
        message: `resources wait for each other in a cycle: ${cycle.join(' -> ')}`,
        allowed: 'an acyclic dependency graph',
        fix: 'remove one addDependency in the cycle, or a reference (ARM id or deploy-time value) that closes it',
      });
    }
    timer('dependencies');
    // Pass 3: text, hash and checks of each resource.
    let byLogicalId: Map<string, ManifestResource> | undefined;
    for (const { c, r } of rendered) {
      const resourceText = JSON.stringify(r);
      emit(resourceText);
      const bodyText = bodyTextOf(resourceText, r);
      timer('canonical+hash');
      resources.push(r);
      if (r.type === COMPUTE_TYPE) {
        const loc = typeof r.body.location === 'string' ? r.body.location : stack.location;
        const key = `${loc}/${r.name.toLowerCase()}`;
        const prev = computeNames.get(key);
        if (prev) {
          diagnostics.push(
            withSource(
              {
                level: 'error',
                code: 'DuplicateComputeName',
                path: r.logicalId,
                value: r.name,
                message: `compute name "${r.name}" is already used by ${prev} in region ${loc}; compute names are unique per region across all workspaces`,
                allowed: 'a compute name not used by any other compute in the same region',
                fix: 'give one of them another `computeName` (or leave it unset to derive a unique one)',
              },
              c,
            ),
          );
        } else computeNames.set(key, r.logicalId);
      }
      if (mayHoldRefs(bodyText)) {
        byLogicalId ??= new Map([...resources, ...rendered.map((x) => x.r)].map((x) => [x.logicalId, x]));
        for (const issue of checkReferences(r, byLogicalId, stack.stackName)) {
          diagnostics.push(
            withSource(
              {
                level: 'error',
                code: issue.code,
                path: r.logicalId,
                value: issue.value,
                message: issue.message,
                allowed: issue.allowed,
                fix: issue.fix,
              },
              c,
            ),
          );
        }
      }
      timer('resources');
      let bodyIssues = validateBody(r.type, r.body, bodyText);
      if (r.overrides?.length) {
        bodyIssues = bodyIssues.filter((i) => !r.overrides!.some((o) => coveredByOverride(i, o.path)));
        for (const o of r.overrides) {
          diagnostics.push(
            withSource(
              {
                level: 'warning',
                code: 'azureml:override:unvalidated',
                path: r.logicalId,
                value: o.path,
                message: `${o.path} is ${o.op === 'set' ? 'set' : 'removed'} by an escape hatch; amlcdk does not validate it (Azure does, at apply)`,
                fix: 'keep the override only until amlcdk models the property; acknowledge this warning once reviewed',
              },
              c,
            ),
          );
        }
      }
      timer('bodySchemas');
      for (const issue of bodyIssues) {
        diagnostics.push(
          withSource(
            {
              level: 'error',
              code: 'SchemaViolation',
              path: r.logicalId,
              // A field meant for a key, password or token is never echoed (users paste secrets there).
              ...(SENSITIVE_FIELD.test(issue.pointer) ? {} : { value: issue.value }),
              message: `${r.type} body ${issue.pointer || '/'} ${issue.message}`,
              allowed: issue.allowed,
              fix: 'this is what Azure would reject: change the construct props that produce this field',
            },
            c,
          ),
        );
      }
    }
    timer('resources');
    const assets = buildAssets(assetEntries, resources);
    const logicalIds = new Set<string>();
    for (const r of resources) {
      if (logicalIds.has(r.logicalId)) {
        diagnostics.push({
          level: 'error',
          code: 'DuplicateLogicalId',
          path: r.logicalId,
          value: r.logicalId,
          message: `two resources of stack ${stack.stackName} have the address ${r.logicalId}`,
          allowed: 'unique construct paths',
          fix:
            r.logicalId === rgLogicalId
              ? 'rename the construct with id "ResourceGroup": the stack uses that address for the resource group it creates'
              : 'rename one of the constructs',
        });
      }
      logicalIds.add(r.logicalId);
    }
    for (const r of resources) {
      for (const dep of r.dependsOn) {
        if (!logicalIds.has(dep)) {
          diagnostics.push({
            level: 'error',
            code: 'CrossStackDependency',
            path: r.logicalId,
            value: dep,
            message: `${r.logicalId} depends on ${dep}, which is not in stack ${stack.stackName}`,
            allowed: 'dependencies within one stack',
            fix: 'reference resources of another stack by id (e.g. Workspace.fromWorkspaceId) instead of the construct',
          });
        }
      }
    }
    // Every member is a canonical copy (sorted keys, plain JSON values), so the in-memory manifest equals what is
    // written and read back, and its text is exactly canonicalJson(document without hash).
    if (tail !== undefined) {
      hash.update(tail);
      plain!.resources = resources;
    } else {
      plain = stackDocument(stackDoc, assets, notes);
      plain.resources = resources;
      writeObjectText((piece) => hash.update(piece), plain, { resources: texts });
    }
    timer('assets+deps');
    const manifest = { ...plain, hash: `sha256:${hash.digest('hex')}` } as unknown as Manifest;
    timer('canonical+hash');
    const manifestIssues = checkManifest(manifest);
    timer('manifestSchema');
    for (const issue of manifestIssues) {
      diagnostics.push({
        level: 'error',
        code: 'ManifestSchemaViolation',
        path: stack.node.path,
        message: `manifest ${issue.pointer || '/'} ${issue.message}`,
        value: issue.value,
      });
    }
    manifests.push(manifest);
  }
  // Errors of constructs outside any stack.
  for (const [c, ds] of perConstruct) if (!stacks.some((s) => c === s || ownerOf(c) === s)) diagnostics.push(...ds);
  // Values go into errors, reports and CI logs: secret-looking strings redacted, exotic values made printable.
  const result = { manifests, diagnostics: dedupe(diagnostics).map(safeDiagnostic) };
  timer('finish');
  timer.report();
  return result;
}

/** Whether a schema issue is about an overridden path: at or below it, or its parent missing/refusing that member. */
function coveredByOverride(issue: SchemaIssue, path: string): boolean {
  if (issue.pointer === path || issue.pointer.startsWith(`${path}/`)) return true;
  const cut = path.lastIndexOf('/');
  const parent = path.slice(0, cut);
  const member = path
    .slice(cut + 1)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
  return issue.pointer === parent && (issue.message.includes(`"${member}"`) || issue.message.includes(`'${member}'`));
}

/** Body fields whose values are never echoed in a diagnostic. */
const SENSITIVE_FIELD = /(?:key|password|secret|token|credential)[^/]*$/i;

function safeDiagnostic(d: Diagnostic): Diagnostic {
  if (d.value === undefined || d.value === null || typeof d.value === 'number' || typeof d.value === 'boolean')
    return d;
  const value = safeValue(d.value);
  return value === d.value ? d : { ...d, value };
}

/**
 * The body's canonical text, cut out of the resource's canonical text (keys are sorted, so `body` follows
 * `apiVersion` and is followed by `construct` or `dependsOn`, which never occur unescaped inside a string).
 * Falls back to stringifying the body when either marker is missing.
 */
function bodyTextOf(resourceText: string, r: ManifestResource): string {
  const start = resourceText.indexOf('"body":');
  let end = resourceText.lastIndexOf(',"construct":"');
  if (end < 0) end = resourceText.lastIndexOf(',"dependsOn":[');
  if (start < 0 || end <= start) return JSON.stringify(r.body);
  return resourceText.slice(start + 7, end);
}

/**
 * Phase timings of synthesis, printed to stderr when `AMLCDK_SYNTH_PROFILE=1` (to see where a large program
 * spends its synth time). A no-op otherwise.
 */
function phaseTimer(): ((phase: string) => void) & { report(): void } {
  if (process.env.AMLCDK_SYNTH_PROFILE !== '1') return Object.assign(() => undefined, { report: () => undefined });
  const totals = new Map<string, number>();
  let last = performance.now();
  const mark = (phase: string): void => {
    const now = performance.now();
    totals.set(phase, (totals.get(phase) ?? 0) + (now - last));
    last = now;
  };
  return Object.assign(mark, {
    report: () =>
      process.stderr.write(`synth phases (ms): ${[...totals].map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}\n`),
  });
}

/**
 * `validateManifest`, cheaper for many diagnostics that differ only in their path (e.g. one warning on thousands of
 * computes): the schema only requires `path` to be a string, so a document with one diagnostic per distinct rest
 * gives the same verdict. Any issue there, and the whole document is checked, so reported issues are unchanged.
 */
function checkManifest(manifest: Manifest): SchemaIssue[] {
  const ds = manifest.diagnostics;
  if (ds && ds.length > 1) {
    // Representatives by code and message (a warning's copies share both), so the scan below stays short even
    // when thousands of diagnostics share a code with distinct messages.
    const byCode = new Map<unknown, Map<unknown, Diagnostic[]>>();
    const representatives: Diagnostic[] = [];
    for (const d of ds) {
      let byMessage = byCode.get(d.code);
      if (!byMessage) byCode.set(d.code, (byMessage = new Map<unknown, Diagnostic[]>()));
      let same = byMessage.get(d.message);
      if (!same) byMessage.set(d.message, (same = []));
      if (typeof d.path === 'string' && same.some((x) => sameJsonExceptPath(x, d))) continue;
      same.push(d);
      representatives.push(d);
    }
    if (
      representatives.length < ds.length &&
      validateManifest({ ...manifest, diagnostics: representatives }).length === 0
    )
      return [];
  }
  return validateManifest(manifest);
}

function withSource(d: Diagnostic, c: IConstruct): Diagnostic {
  if (d.source) return d;
  const src = AzureResource.isAzureResource(c) ? c.source : sourceOfNearest(c);
  return src ? { ...d, source: src } : d;
}

function sourceOfNearest(c: IConstruct): AzureResource['source'] {
  // Non-resource constructs (e.g. PersonalComputeInstances) report the source of their first resource child.
  for (const child of c.node.children) if (AzureResource.isAzureResource(child) && child.source) return child.source;
  return undefined;
}

/** Whether two diagnostics (canonical copies: plain JSON values) are equal but for their `path` string. */
function sameJsonExceptPath(a: Diagnostic, b: Diagnostic): boolean {
  if (typeof a.path !== 'string') return false;
  let n = 0;
  for (const k in b) {
    n++;
    if (
      k !== 'path' &&
      !sameJson((a as unknown as Record<string, unknown>)[k], (b as unknown as Record<string, unknown>)[k])
    )
      return false;
  }
  for (const _ in a) n--;
  return n === 0 && Object.hasOwn(a, 'path') === Object.hasOwn(b, 'path');
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    a === null ||
    b === null ||
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in y) {
    n++;
    if (!Object.hasOwn(x, k) || !sameJson(x[k], y[k])) return false;
  }
  for (const _ in x) n--;
  return n === 0;
}

/** Diagnostics without repeats (same level, code, path and message), in order. Grouped by path: no key strings. */
function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const byPath = new Map<string, Diagnostic[]>();
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const same = byPath.get(d.path);
    if (same) {
      if (same.some((x) => x.level === d.level && x.code === d.code && x.message === d.message)) continue;
      same.push(d);
    } else byPath.set(d.path, [d]);
    out.push(d);
  }
  return out;
}

/**
 * Stack tags on every tracked resource (one with a location), the dependency on a stack-owned resource group and the
 * declared dependencies (expanded). Synthesis adds the rest of the graph (lib/manifest/dependencies.ts).
 */
function applyStackDefaults(
  r: ManifestResource,
  stack: Stack,
  stackHasTags: boolean,
  rgLogicalId: string | undefined,
  declared: readonly string[] | undefined,
): ManifestResource {
  let body = r.body;
  if (stackHasTags && 'location' in body && r.type !== 'Microsoft.Authorization/roleAssignments') {
    const own = (body.tags ?? {}) as Record<string, string>;
    body = { ...body, tags: { ...stack.tags, ...own } };
  }
  let dependsOn = r.dependsOn;
  if (rgLogicalId && !dependsOn.includes(rgLogicalId)) dependsOn = [rgLogicalId, ...dependsOn];
  if (declared?.length) dependsOn = [...new Set([...dependsOn, ...declared])];
  return body === r.body && dependsOn === r.dependsOn ? r : { ...r, body, dependsOn };
}

/**
 * The canonical copy of the manifest without `resources` and `hash`: what `canonicalCopy` gives for
 * `{ schemaVersion, stack, assets?, diagnostics? }` (members in sorted order), diagnostics copied by their known shape.
 */
function stackDocument(
  doc: { schemaVersion: number; stack: object },
  assets: ContainerImageAsset[],
  notes: Diagnostic[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (assets.length) out.assets = canonicalCopy(assets);
  if (notes.length) out.diagnostics = notes.map((d) => canonicalDiagnosticCopy(d) ?? null);
  out.schemaVersion = doc.schemaVersion;
  out.stack = canonicalCopy(doc.stack);
  return out;
}

/** The container image assets recorded on a stack's members (see lib/constructs/assets), in member order. */
function assetMetadata(members: IConstruct[]): ContainerImageAsset[] {
  const out: ContainerImageAsset[] = [];
  for (const c of members) {
    for (const m of c.node.metadata) if (m.type === ASSET_METADATA_TYPE) out.push(m.data as ContainerImageAsset);
  }
  return out;
}

function buildAssets(entries: ContainerImageAsset[], resources: ManifestResource[]): ContainerImageAsset[] {
  const out: ContainerImageAsset[] = [];
  for (const a of entries) {
    const placeholder = `\${asset:${a.id}}`;
    const usedBy = a.usedBy?.length
      ? a.usedBy
      : resources.filter((r) => JSON.stringify(r.body).includes(placeholder)).map((r) => r.logicalId);
    out.push({ ...a, usedBy: [...usedBy].sort() });
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}
