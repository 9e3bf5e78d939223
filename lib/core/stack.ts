/**
 * A Stack is one deployment target: a subscription, a resource group and a region. Each stack synthesizes to one
 * manifest (`<stack>.manifest.json`). Resource constructs find their stack with `Stack.of(this)`.
 */
import { types } from 'node:util';
import { STACK_NAME_ALLOWED, stackNameProblem } from './stack-name.js';
import { checkConstructId } from './construct-id.js';
import { Construct, type IConstruct } from 'constructs';
import { ValidationError } from './errors.js';
import { recordError } from './annotations.js';
import { T, cleanProps, reportPropProblems } from './props.js';
import { safeJson } from './redact.js';
import { hasBrand } from './brand.js';

const STACK = Symbol.for('amlcdk.Stack');

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Resource group names: 1-90 of alphanumerics, underscore, parentheses, hyphen, period; not ending in a period. */
const RG_RE = /^[-\w._()\p{L}\p{N}]{1,90}$/u;
const LOCATION_RE = /^[a-z][a-z0-9]{2,39}$/;

/** Props of a {@link Stack}. */
export interface StackProps {
  /**
   * Subscription id (GUID) the stack deploys into.
   * @example '00000000-0000-0000-0000-000000000000'
   */
  readonly subscriptionId: string;
  /** Resource group that holds every resource of the stack. */
  readonly resourceGroup: string;
  /**
   * Azure region, e.g. `westeurope` (`West Europe` is accepted and normalized to the ARM form).
   */
  readonly location: string;
  /**
   * Tags put on every resource of the stack that accepts tags (a resource's own tags win on conflicts).
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Also create (and own) the resource group, at address `<stack>/ResourceGroup`. It is protected and retained
   * (deletePolicy `Retain`): destroying the stack never deletes the group. When false, the group must exist already.
   * @default false
   */
  readonly createResourceGroup?: boolean;
  /**
   * Own every tag of the stack's resources: tags added outside the program (Azure Policy `modify`/`append`, the
   * portal) are removed by the next apply, which replaces resources whose tags are create-only (compute
   * instances). When false they show in `amlcdk drift` and are kept, and an update sends them back unchanged.
   * @default false
   */
  readonly ownAllTags?: boolean;
}

/**
 * One deployment target.
 *
 * @example
 * const app = new App();
 * const team = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg-ml-team', location: 'westeurope' });
 */
export class Stack extends Construct {
  /** True for any Stack (symbol-based, works across copies of the library). */
  public static isStack(x: unknown): x is Stack {
    return hasBrand(x, STACK);
  }

  /** The stack a construct belongs to. Throws ValidationError `NoStack` when the construct is not inside one. */
  public static of(construct: IConstruct): Stack {
    for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
      if (Stack.isStack(c)) return c;
    }
    throw new ValidationError(
      'NoStack',
      `construct ${construct.node.path || '<root>'} is not inside a Stack`,
      construct.node.path || '<root>',
      {
        fix: 'create resource constructs inside a Stack: new Stack(app, "Team", {...}) and pass the stack (or a construct below it) as scope',
      },
    );
  }

  /** Stack name (its construct id); also the manifest file name. */
  public readonly stackName: string;
  public readonly subscriptionId: string;
  public readonly resourceGroupName: string;
  /** Region, lower-case ARM form (`westeurope`). */
  public readonly location: string;
  public readonly tags: Readonly<Record<string, string>>;
  public readonly createResourceGroup: boolean;
  /** Whether amlcdk owns every tag of the stack's resources, also those added out of band (`StackProps.ownAllTags`). */
  public readonly ownAllTags: boolean;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, checkConstructId(scope, id));
    Object.defineProperty(this, STACK, { value: true });
    if (types.isProxy(props))
      throw new ValidationError('InvalidPropType', 'Stack props must be a plain object, not a Proxy', id, {
        fix: 'pass an object literal { subscriptionId, resourceGroup, location }',
      });
    // Unusable values (BigInt, circular, huge…) are dropped and reported; the checks below then report them missing.
    const cleaned = props !== null && typeof props === 'object' ? cleanProps(props) : { props: {}, problems: [] };
    reportPropProblems(this, cleaned.problems);
    const p = cleaned.props as Partial<StackProps>;
    this.stackName = id;
    this.subscriptionId =
      typeof p.subscriptionId === 'string' ? p.subscriptionId.toLowerCase() : printable(p.subscriptionId);
    this.resourceGroupName = typeof p.resourceGroup === 'string' ? p.resourceGroup : printable(p.resourceGroup);
    this.location = normalizeLocation(p.location);
    if (p.tags !== undefined && !T.record.test(p.tags))
      recordError(
        this,
        new ValidationError('InvalidPropType', 'tags must be an object literal', this, {
          allowed: 'an object of string values',
          fix: 'pass tags such as { team: "ml" }, or leave them unset',
        }),
      );
    this.tags = T.record.test(p.tags) ? { ...p.tags } : {};
    this.createResourceGroup = p.createResourceGroup ?? false;
    this.ownAllTags = p.ownAllTags === true;

    const nameProblem = stackNameProblem(id);
    if (nameProblem) {
      recordError(
        this,
        new ValidationError(
          'InvalidStackName',
          `stack id "${id}" cannot name the stack's manifest and state files: ${nameProblem}`,
          this,
          { value: id, allowed: STACK_NAME_ALLOWED, fix: 'rename the stack' },
        ),
      );
    }
    if (typeof p.subscriptionId !== 'string' || !GUID_RE.test(p.subscriptionId)) {
      recordError(
        this,
        new ValidationError('InvalidSubscriptionId', 'subscriptionId must be a GUID', this, {
          value: p.subscriptionId,
          allowed: 'a GUID like 00000000-0000-0000-0000-000000000000',
          fix: 'copy the id from `az account show --query id`',
        }),
      );
    }
    if (typeof p.resourceGroup !== 'string' || !RG_RE.test(p.resourceGroup) || p.resourceGroup.endsWith('.')) {
      recordError(
        this,
        new ValidationError('InvalidResourceGroupName', 'resourceGroup is not a valid resource group name', this, {
          value: p.resourceGroup,
          allowed: '1-90 letters, digits, "_", "-", ".", "(", ")", not ending in "."',
          fix: 'rename the resource group',
        }),
      );
    }
    if (!LOCATION_RE.test(this.location)) {
      recordError(
        this,
        new ValidationError('InvalidLocation', 'location is not an Azure region name', this, {
          value: p.location,
          allowed: 'a region such as westeurope, eastus2, swedencentral',
          fix: 'use the `name` column of `az account list-locations -o table`',
        }),
      );
    }
    for (const [k, v] of Object.entries(this.tags)) {
      if (typeof v !== 'string' || k.length > 512 || v.length > 256 || /[<>%&\\?/]/.test(k)) {
        recordError(
          this,
          new ValidationError('InvalidTag', `tag "${k}" is not a valid Azure tag`, this, {
            value: { [k]: v },
            allowed: 'string values; names ≤ 512 chars without < > % & \\ ? /; values ≤ 256 chars',
            fix: 'rename or shorten the tag',
          }),
        );
      }
    }
  }

  /** ARM id of the stack's resource group. */
  public get resourceGroupId(): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.resourceGroupName}`;
  }

  /** Prefix of every resource id in the resource group: `/subscriptions/…/resourceGroups/…/providers/`. */
  public providerPrefix(): string {
    return `${this.resourceGroupId}/providers/`;
  }
}

/** `West Europe` → `westeurope`. */
export function normalizeLocation(location: unknown): string {
  return typeof location === 'string' ? location.replace(/\s+/g, '').toLowerCase() : printable(location);
}

/** A non-string value as text for later validation messages (never runs its toString: it may throw). */
function printable(v: unknown): string {
  return typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null ? String(v) : safeJson(v);
}
