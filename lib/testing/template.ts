/**
 * `Template`: one stack synthesized in memory, with assertions on its resources and diagnostics and a snapshot
 * view for jest's `toMatchSnapshot()`.
 */
import type { IConstruct } from 'constructs';
import { buildManifests } from '../core/synth.js';
import type { Stack } from '../core/stack.js';
import type { Diagnostic } from '../core/errors.js';
import type { Manifest, ManifestResource } from '../manifest/types.js';
import { validateManifestDeep, type SchemaIssue } from '../manifest/schema.js';
import { matchValue, type Matcher } from './match.js';
import { snapshotView, type ManifestSnapshot, type SnapshotOptions } from './snapshot.js';

/** Thrown by failed assertions (an Error with a readable report; works with node:assert and any runner). */
export class AssertionFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionFailure';
  }
}

/** Options of {@link Template.fromStack} and {@link Template.synthScope}. */
export interface TemplateOptions {
  /**
   * What `toJSON()` (and so a jest snapshot) keeps beyond the deployed state: source locations and the hash change
   * whenever an unrelated line of the program moves, so both are left out by default.
   * @default - neither source locations nor the hash
   */
  readonly snapshot?: SnapshotOptions;
}

/**
 * The in-memory synthesis of one stack (or of every stack below a scope).
 *
 * @example
 * const t = Template.fromStack(stack);
 * t.hasResourceProperties('Microsoft.MachineLearningServices/workspaces/computes', {
 *   properties: { computeType: 'AmlCompute' },
 * });
 * expect(t).toMatchSnapshot(); // toJSON(): no source locations, no hash
 */
export class Template {
  /**
   * Synthesize the app that holds `stack` in memory (nothing written, nothing thrown for validation errors) and
   * keep the stack's manifest and every diagnostic.
   */
  public static fromStack(stack: Stack, options: TemplateOptions = {}): Template {
    const root = stack.node.root;
    const { manifests, diagnostics } = buildManifests(root);
    const manifest = manifests.find((m) => m.stack.name === stack.stackName);
    if (!manifest) throw new AssertionFailure(`stack ${stack.node.path} produced no manifest`);
    const prefix = stack.node.path;
    const own = diagnostics.filter((d) => d.path === prefix || d.path.startsWith(`${prefix}/`));
    return new Template(options, manifest, own);
  }

  /** Synthesize the app that holds `scope` and keep every diagnostic (for tests of errors). */
  public static synthScope(scope: IConstruct, options: TemplateOptions = {}): Template {
    const { manifests, diagnostics } = buildManifests(scope.node.root);
    const stack = manifests[0];
    return new Template(options, stack ?? emptyManifest(), diagnostics, manifests);
  }

  private constructor(
    private readonly options: TemplateOptions,
    /** The stack's manifest. */
    public readonly manifest: Manifest,
    /** Every diagnostic (errors, warnings, info) of the stack. */
    public readonly diagnostics: readonly Diagnostic[],
    /** All manifests of the app (for synthScope). */
    public readonly manifests: readonly Manifest[] = [manifest],
  ) {}

  /** Resources of `type` (case-insensitive), optionally filtered by a pattern on the body. */
  public findResources(type: string, bodyPattern?: Record<string, unknown> | Matcher): ManifestResource[] {
    const t = type.toLowerCase();
    return this.allResources().filter(
      (r) => r.type.toLowerCase() === t && (!bodyPattern || matchValue(bodyPattern, r.body, '', false).length === 0),
    );
  }

  /** The resource with this logicalId (construct path). */
  public resource(logicalId: string): ManifestResource {
    const r = this.allResources().find((x) => x.logicalId === logicalId);
    if (!r)
      throw new AssertionFailure(
        `no resource ${logicalId}; have: ${this.allResources()
          .map((x) => x.logicalId)
          .join(', ')}`,
      );
    return r;
  }

  /** Assert that at least one resource of `type` exists. */
  public hasResource(type: string): void {
    if (this.findResources(type).length === 0)
      throw new AssertionFailure(
        `no resource of type ${type}; have: ${[...new Set(this.allResources().map((r) => r.type))].join(', ') || '(none)'}`,
      );
  }

  /** Assert that exactly `count` resources of `type` exist. */
  public resourceCountIs(type: string, count: number): void {
    const n = this.findResources(type).length;
    if (n !== count) throw new AssertionFailure(`expected ${count} ${type}, found ${n}`);
  }

  /** Assert that at least one resource of `type` has a body matching `pattern` (deep partial). */
  public hasResourceProperties(type: string, pattern: Record<string, unknown> | Matcher): void {
    const candidates = this.findResources(type);
    if (candidates.length === 0) throw new AssertionFailure(`no resource of type ${type}`);
    const reports: string[] = [];
    for (const r of candidates) {
      const problems = matchValue(pattern, r.body, '', false);
      if (problems.length === 0) return;
      reports.push(`${r.logicalId}:\n    ${problems.slice(0, 8).join('\n    ')}`);
    }
    throw new AssertionFailure(`no ${type} matches:\n  ${reports.join('\n  ')}`);
  }

  /** Assert there is an error with this code (optionally on a construct path). */
  public hasError(code: string, path?: string): Diagnostic {
    return this.find('error', code, path);
  }

  /** Assert there is a warning with this id (optionally on a construct path). */
  public hasWarning(id: string, path?: string): Diagnostic {
    return this.find('warning', id, path);
  }

  /** Assert there is no error at all (reports every error otherwise). */
  public hasNoErrors(): void {
    const errs = this.errors();
    if (errs.length)
      throw new AssertionFailure(
        `expected no errors, got:\n  ${errs.map((e) => `${e.code} [${e.path}] ${e.message}`).join('\n  ')}`,
      );
  }

  /** Assert there is no warning with this id. */
  public hasNoWarning(id: string): void {
    const w = this.diagnostics.find((d) => d.level === 'warning' && d.code === id);
    if (w) throw new AssertionFailure(`unexpected warning ${id} at ${w.path}: ${w.message}`);
  }

  /** Every synthesis error. */
  public errors(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.level === 'error');
  }

  /** Every synthesis warning. */
  public warnings(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.level === 'warning');
  }

  /** Schema issues of the manifest and every body (empty when valid). */
  public schemaIssues(): SchemaIssue[] {
    return this.manifests.flatMap((m) => validateManifestDeep(m));
  }

  /** Assert that the manifests and every resource body are valid against amlcdk's JSON Schemas. */
  public hasValidSchema(): void {
    const issues = this.schemaIssues();
    if (issues.length)
      throw new AssertionFailure(
        `schema violations:\n  ${issues
          .slice(0, 20)
          .map((i) => `${i.pointer || '/'}: ${i.message}`)
          .join('\n  ')}`,
      );
  }

  /**
   * The manifest for snapshots (jest's `toMatchSnapshot()` calls this): everything deployed, without source
   * locations and hash unless {@link TemplateOptions.snapshot} asks for them. `manifest` keeps them all.
   */
  public toJSON(): ManifestSnapshot {
    return snapshotView(this.manifest, this.options.snapshot);
  }

  private allResources(): ManifestResource[] {
    return this.manifests.flatMap((m) => [...m.resources]);
  }

  private find(level: 'error' | 'warning', code: string, path?: string): Diagnostic {
    const hit = this.diagnostics.find(
      (d) => d.level === level && d.code === code && (path === undefined || d.path === path),
    );
    if (!hit) {
      const have = this.diagnostics.map((d) => `${d.level} ${d.code} [${d.path}]`).join('\n  ');
      throw new AssertionFailure(
        `expected ${level} ${code}${path ? ` at ${path}` : ''}; diagnostics:\n  ${have || '(none)'}`,
      );
    }
    return hit;
  }
}

function emptyManifest(): Manifest {
  return {
    schemaVersion: 1,
    stack: { name: '', subscriptionId: '', resourceGroup: '', location: '', tags: {} },
    resources: [],
    hash: '',
  };
}
