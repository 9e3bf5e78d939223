/**
 * Base class of every construct that becomes one ARM resource in the manifest.
 *
 * Subclasses pass their ARM type, api-version, id and name to the constructor and implement `renderBody()`,
 * which returns exactly the ARM PUT body. Rendering happens at synthesis, after aspects and validation, so it
 * sees the final state of the tree.
 */
import { Construct, type IConstruct } from 'constructs';
import { checkConstructId } from './construct-id.js';
import type { SourceLocation } from './errors.js';
import { captureSource } from './source.js';
import { Names } from './names.js';
import { Reference, referencesToManifest } from './reference.js';
import { ValidationError } from './errors.js';
import { recordError } from './annotations.js';
import {
  SUPPRESSION_METADATA_TYPE,
  type DeletePolicy,
  type ManifestAction,
  type ManifestResource,
  type Suppression,
} from '../manifest/types.js';
import { hasBrand, isReadableObject } from './brand.js';
import { describeKind } from './text.js';

const AZURE_RESOURCE = Symbol.for('amlcdk.AzureResource');

/** Options every resource construct accepts. */
export interface ResourceOptionsProps {
  /**
   * Refuse to delete or replace the resource in `apply`/`destroy`.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * What `destroy` (or removing the construct) does to the real resource.
   * @default - `Delete`; attached compute `Detach`
   */
  readonly deletePolicy?: DeletePolicy;
  /**
   * Paths of the ARM body whose differences `plan` ignores once the resource exists, as Pulumi's and Terraform's
   * `ignoreChanges`: a value Azure Policy or another team sets there is neither reverted nor a reason to replace.
   * The create still sends the program's values. JSON pointers (`/tags/costCenter`) or dotted paths
   * (`properties.properties.scaleSettings.maxNodeCount`); a path covers everything below it.
   * @default - no paths are ignored
   * @example new ComputeCluster(ws, 'Cpu', { vmSize: VmSize.STANDARD_D4S_V5, ignoreChanges: ['tags'] })
   */
  readonly ignoreChanges?: readonly string[];
}

/** A dotted path or JSON pointer as a JSON pointer (`a.b` → `/a/b`); undefined when it is not a usable path. */
export function ignorePathPointer(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined;
  const p = path.trim();
  if (p.startsWith('/')) return /^(\/[^/]+)+$/.test(p) ? p : undefined;
  if (!/^[^./][^.]*(\.[^.]+)*$/.test(p) || p.includes('/')) return undefined;
  return '/' + p.split('.').join('/');
}

/** What a subclass tells the base class about its ARM resource. */
export interface AzureResourceInit {
  /** ARM type, e.g. `Microsoft.MachineLearningServices/workspaces/computes`. */
  readonly armType: string;
  readonly apiVersion: string;
  /** Full ARM id. */
  readonly resourceId: string;
  /** Last id segment. */
  readonly resourceName: string;
  readonly options?: ResourceOptionsProps;
  /** Default delete policy for this kind of resource. */
  readonly defaultDeletePolicy?: DeletePolicy;
}

/** A manifest entry while `toManifestResource` fills it in. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Segments of an override path (dotted, or a JSON pointer); an empty or non-string path is recorded as an error. */
function overridePath(c: AzureResource, path: string): string[] | undefined {
  const segs =
    typeof path !== 'string'
      ? []
      : path.startsWith('/')
        ? path
            .slice(1)
            .split('/')
            .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        : path.split('.');
  if (segs.length === 0 || segs.some((s) => s === '')) {
    recordError(
      c,
      new ValidationError('InvalidOverridePath', `override path ${JSON.stringify(path)} is not a property path`, c, {
        value: path,
        allowed: 'a dotted path (properties.properties.x) or a JSON pointer (/tags/a.b)',
        fix: 'name the property from the top of the ARM body, e.g. "properties.description"',
        ...(c.source ? { source: c.source } : {}),
      }),
    );
    return undefined;
  }
  return segs;
}

/** A copy of `body` with the overrides applied in order (objects created along a set path). */
function applyOverrides(
  body: Record<string, unknown>,
  overrides: ReadonlyArray<{ readonly segs: readonly string[]; readonly value?: unknown; readonly del: boolean }>,
): Record<string, unknown> {
  const out = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  for (const o of overrides) {
    let cur: Record<string, unknown> = out;
    for (const s of o.segs.slice(0, -1)) {
      const next = cur[s];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        if (o.del) {
          cur = {};
          break;
        }
        cur[s] = {};
      }
      cur = cur[s] as Record<string, unknown>;
    }
    const last = o.segs[o.segs.length - 1];
    if (o.del) delete cur[last];
    else cur[last] = o.value;
  }
  return out;
}

/** The `previousPath` a resource's props may carry (NamingProps), read from its options. */
function previousPathIn(options: unknown): string | undefined {
  const p = (options as { previousPath?: unknown } | undefined)?.previousPath;
  return typeof p === 'string' && p ? p : undefined;
}

export abstract class AzureResource extends Construct {
  /** True for any AzureResource, across copies of the library (symbol-based, not `instanceof`). */
  public static isAzureResource(x: unknown): x is AzureResource {
    return hasBrand(x, AZURE_RESOURCE);
  }

  public readonly armType: string;
  public readonly apiVersion: string;
  /** Full ARM resource id. @attribute */
  public readonly resourceId: string;
  /** ARM resource name. @attribute */
  public readonly resourceName: string;
  /** file:line of the `new` in the user's program. */
  public readonly source?: SourceLocation;
  public readonly protect: boolean;
  public readonly deletePolicy: DeletePolicy;
  private readonly previousPath?: string;
  /** JSON pointers whose differences plan ignores (the `ignoreChanges` resource option). */
  public readonly ignoreChanges: readonly string[];
  private readonly actions: ManifestAction[] = [];
  private readonly defaultedPointers = new Set<string>();
  private readonly overrides: Array<{
    readonly segs: readonly string[];
    readonly value?: unknown;
    readonly del: boolean;
  }> = [];

  protected constructor(scope: Construct, id: string, init: AzureResourceInit) {
    super(scope, checkConstructId(scope, id));
    Object.defineProperty(this, AZURE_RESOURCE, { value: true });
    this.armType = init.armType;
    this.apiVersion = init.apiVersion;
    this.resourceId = init.resourceId;
    this.resourceName = init.resourceName;
    this.source = captureSource();
    this.protect = init.options?.protect ?? false;
    this.deletePolicy = init.options?.deletePolicy ?? init.defaultDeletePolicy ?? 'Delete';
    this.previousPath = previousPathIn(init.options);
    const ignore = init.options?.ignoreChanges;
    const paths: string[] = [];
    if (ignore !== undefined && !Array.isArray(ignore)) {
      recordError(
        this,
        new ValidationError('InvalidIgnoreChanges', 'ignoreChanges must be a list of paths', this, {
          value: ignore,
          allowed: "JSON pointers ('/tags/costCenter') or dotted paths ('properties.description')",
          fix: "pass an array, e.g. ignoreChanges: ['tags']",
        }),
      );
    }
    for (const raw of Array.isArray(ignore) ? (ignore as readonly unknown[]) : []) {
      const pointer = ignorePathPointer(raw);
      if (pointer === undefined) {
        recordError(
          this,
          new ValidationError(
            'InvalidIgnoreChanges',
            `ignoreChanges entry ${JSON.stringify(raw)} is not a path`,
            this,
            {
              value: raw,
              allowed: "JSON pointers ('/tags/costCenter') or dotted paths ('properties.description'), not empty",
              fix: 'write the path of the ARM body property to ignore, as shown by `amlcdk plan`',
            },
          ),
        );
      } else if (!paths.includes(pointer)) paths.push(pointer);
    }
    this.ignoreChanges = paths;
  }

  /** The ARM PUT body (no id/name/type). Secret values must be `SecretRef`s listed by `secretPaths()`. */
  protected abstract renderBody(): Record<string, unknown>;

  /** JSON pointers into the body where a `SecretRef` stands. */
  protected secretPaths(): string[] {
    return [];
  }

  /**
   * For `renderBody()`: the prop's value, or `fallback` when the program left it out, in which case the body
   * pointer is recorded in the manifest's `defaults` (reports then say "default of amlcdk", not "set in the
   * program").
   */
  protected defaulted<T>(pointer: string, given: T | undefined, fallback: T): T {
    if (given !== undefined) return given;
    this.defaultedPointers.add(pointer);
    return fallback;
  }

  /**
   * Make this resource wait for other constructs: a resource, or any construct (a wrapper), which stands for every
   * resource below it (as cdk8s expands dependencies). Same as `node.addDependency`. Synthesis reports a dependency
   * on a construct that renders no resource as `DependencyWithoutResource`.
   *
   * @example
   * cluster.addDependency(networkSetup); // waits for every resource defined below the networkSetup construct
   */
  public addDependency(...others: IConstruct[]): void {
    for (const o of others as unknown[]) {
      if (o === this) continue;
      // The constructs library keeps anything and throws an uncoded error later, when synthesis reads the list.
      if (!isReadableObject(o) || !Construct.isConstruct(o)) {
        recordError(
          this,
          new ValidationError('InvalidDependency', `a dependency must be a construct, not ${describeKind(o)}`, this, {
            allowed: 'a construct of this app (a resource, or a construct holding resources)',
            fix: 'pass the construct itself (e.g. the VirtualNetwork or PrivateDnsZone object)',
          }),
        );
        continue;
      }
      this.node.addDependency(o);
    }
  }

  /**
   * Escape hatch: set a property of the ARM body that amlcdk does not model (AWS CDK's name). `path` is dotted
   * (`properties.properties.enableOSPatching`) or a JSON pointer (`/tags/a.b`). The manifest records the path, the
   * body schema is relaxed at it (and only there), and synthesis warns `azureml:override:unvalidated` per path.
   * Plan, apply, drift and the Pulumi component then treat it as any other property.
   *
   * @example
   * workspace.addPropertyOverride('properties.allowRoleAssignmentOnRG', true);
   */
  public addPropertyOverride(path: string, value: unknown): void {
    const segs = overridePath(this, path);
    if (segs) this.overrides.push({ segs, value, del: false });
  }

  /**
   * Escape hatch: remove a property amlcdk renders from the ARM body. Same `path` forms and recording as
   * {@link addPropertyOverride}.
   *
   * @example
   * cluster.addPropertyDeletion('properties.disableLocalAuth');
   */
  public addPropertyDeletion(path: string): void {
    const segs = overridePath(this, path);
    if (segs) this.overrides.push({ segs, del: true });
  }

  /** Ask the engine to run a POST action after the resource is created. */
  protected addAction(action: ManifestAction): void {
    this.actions.push(action);
  }

  /** The manifest entry. `logicalId` is the construct path. Called by synthesis. */
  public toManifestResource(): ManifestResource {
    // Built member by member rather than with `...(cond ? {…} : {})`: this runs once per resource of the program,
    // and synthesis copies the result canonically (sorted members) anyway, so the order here does not matter.
    const secrets = this.secretPaths();
    const suppressions = this.collectSuppressions();
    this.defaultedPointers.clear();
    let body = this.renderBody();
    const overrides = this.overrides.length
      ? this.overrides.map((o) => ({
          path: '/' + o.segs.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/'),
          op: o.del ? ('delete' as const) : ('set' as const),
        }))
      : undefined;
    if (this.overrides.length) body = applyOverrides(body, this.overrides);
    const previous = Names.previousPathOf(this, this.previousPath);
    if (Reference.anyIssued) body = this.referencesInBody(body);
    const deps = this.node.dependencies;
    const dependsOn: string[] = [];
    for (const d of deps) if (AzureResource.isAzureResource(d)) dependsOn.push(d.node.path);
    const options: ManifestResource['options'] =
      this.ignoreChanges.length === 0
        ? { protect: this.protect, deletePolicy: this.deletePolicy }
        : { protect: this.protect, deletePolicy: this.deletePolicy, ignoreChanges: [...this.ignoreChanges] };
    const out: Mutable<ManifestResource> = {
      logicalId: this.node.path,
      type: this.armType,
      apiVersion: this.apiVersion,
      id: this.resourceId,
      name: this.resourceName,
      body,
      // The direct resource dependencies; synthesis computes the whole graph (lib/manifest/dependencies.ts).
      dependsOn: dependsOn.length > 1 ? dependsOn.sort() : dependsOn,
      options,
      construct: this.constructor.name,
    };
    if (this.actions.length) out.actions = [...this.actions];
    if (previous) out.aliases = [previous];
    if (overrides) out.overrides = overrides;
    if (secrets.length) out.secrets = secrets;
    if (this.defaultedPointers.size) {
      // A default an escape hatch replaced or removed is the program's value, not amlcdk's.
      const defaults = [...this.defaultedPointers]
        .filter((d) => !overrides?.some((o) => d === o.path || d.startsWith(`${o.path}/`)))
        .sort();
      if (defaults.length) out.defaults = defaults;
    }
    if (this.source) out.source = this.source;
    if (suppressions.length) out.suppressions = suppressions;
    return out;
  }

  /**
   * Deploy-time reference strings (`cluster.identity.principalId`) in the body become manifest references. One
   * inside a longer string, a member name, the name or the id cannot be resolved by ARM: `ReferenceInString`.
   */
  private referencesInBody(body: Record<string, unknown>): Record<string, unknown> {
    const misplaced: string[] = [];
    if (Reference.contains(this.resourceId)) misplaced.push('(the resource name)');
    const out = referencesToManifest(body, (p) => misplaced.push(p)) as Record<string, unknown>;
    if (misplaced.length) {
      throw new ValidationError(
        'ReferenceInString',
        `a deploy-time value (such as identity.principalId) is used inside a longer string or a name at ${misplaced.join(', ')}`,
        this,
        {
          allowed: 'a deploy-time value as a whole property value (e.g. principalId: cluster.identity.principalId)',
          fix: 'pass the value on its own; names, ids and text cannot contain values that exist only after deployment',
          ...(this.source ? { source: this.source } : {}),
        },
      );
    }
    return out;
  }

  /** Suppressions recorded on this construct or any ancestor (construct-scoped, see lib/policy Suppressions). */
  private collectSuppressions(): Suppression[] {
    const out: Suppression[] = [];
    for (const scope of this.node.scopes) {
      for (const entry of scope.node.metadata) {
        if (entry.type === SUPPRESSION_METADATA_TYPE) out.push(entry.data as Suppression);
      }
    }
    return out;
  }
}
