/**
 * Base class of every construct that becomes one ARM resource in the manifest.
 *
 * Subclasses pass their ARM type, api-version, id and name to the constructor and implement `renderBody()`,
 * which returns exactly the ARM PUT body. Rendering happens at synthesis, after aspects and validation, so it
 * sees the final state of the tree.
 */
import { Construct, type IConstruct } from 'constructs';
import type { SourceLocation } from './errors.js';
import { captureSource } from './source.js';
import {
  SUPPRESSION_METADATA_TYPE,
  type DeletePolicy,
  type ManifestAction,
  type ManifestResource,
  type Suppression,
} from '../manifest/types.js';

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

export abstract class AzureResource extends Construct {
  /** True for any AzureResource, across copies of the library (symbol-based, not `instanceof`). */
  public static isAzureResource(x: unknown): x is AzureResource {
    return typeof x === 'object' && x !== null && AZURE_RESOURCE in x;
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
  private readonly actions: ManifestAction[] = [];
  private readonly defaultedPointers = new Set<string>();

  protected constructor(scope: Construct, id: string, init: AzureResourceInit) {
    super(scope, id);
    Object.defineProperty(this, AZURE_RESOURCE, { value: true });
    this.armType = init.armType;
    this.apiVersion = init.apiVersion;
    this.resourceId = init.resourceId;
    this.resourceName = init.resourceName;
    this.source = captureSource();
    this.protect = init.options?.protect ?? false;
    this.deletePolicy = init.options?.deletePolicy ?? init.defaultDeletePolicy ?? 'Delete';
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
    for (const o of others) if (o !== this) this.node.addDependency(o);
  }

  /** Ask the engine to run a POST action after the resource is created. */
  protected addAction(action: ManifestAction): void {
    this.actions.push(action);
  }

  /** The manifest entry. `logicalId` is the construct path. Called by synthesis. */
  public toManifestResource(): ManifestResource {
    const secrets = this.secretPaths();
    const suppressions = this.collectSuppressions();
    this.defaultedPointers.clear();
    const body = this.renderBody();
    const defaults = [...this.defaultedPointers].sort();
    return {
      logicalId: this.node.path,
      type: this.armType,
      apiVersion: this.apiVersion,
      id: this.resourceId,
      name: this.resourceName,
      body,
      // The direct resource dependencies; synthesis computes the whole graph (lib/manifest/dependencies.ts).
      dependsOn: this.node.dependencies
        .filter((d) => AzureResource.isAzureResource(d))
        .map((d) => d.node.path)
        .sort(),
      ...(this.actions.length ? { actions: [...this.actions] } : {}),
      options: { protect: this.protect, deletePolicy: this.deletePolicy },
      ...(secrets.length ? { secrets } : {}),
      ...(defaults.length ? { defaults } : {}),
      construct: this.constructor.name,
      ...(this.source ? { source: this.source } : {}),
      ...(suppressions.length ? { suppressions } : {}),
    };
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
