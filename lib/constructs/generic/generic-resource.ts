/**
 * `GenericResource`: any ARM resource type and api-version amlcdk does not model, with the PUT body you write. It is
 * synthesized, planned, applied, checked for drift and destroyed like any other resource (the field table of an
 * unknown type updates by PUT and replaces on a location change); the Pulumi component deploys it as
 * azure-native's generic `resources.Resource`. Its body is not checked against a schema: Azure validates it.
 */
import type { Construct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack } from '../../core/stack.js';
import { Annotations } from '../../core/annotations.js';
import { resourceIdOf, type ResourceIdLike } from '../rbac/scope.js';
import type { ManifestResource } from '../../manifest/types.js';
import { prepareConstruct, reportPropProblems } from '../../core/props.js';
import { hasBrand } from '../../core/brand.js';

const GENERIC = Symbol.for('amlcdk.GenericResource');
const TYPE_RE = /^[A-Za-z][A-Za-z0-9.]*\/[A-Za-z][A-Za-z0-9]*(\/[A-Za-z][A-Za-z0-9]*)*$/;
const API_RE = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Props of {@link GenericResource}. */
export interface GenericResourceProps extends ResourceOptionsProps {
  /** ARM resource type, e.g. `Microsoft.Network/routeTables` or `Microsoft.Storage/storageAccounts/blobServices/containers`. */
  readonly type: string;
  /** The api-version the body is written for, e.g. `2024-05-01`. */
  readonly apiVersion: string;
  /** Resource name (the last segment of its id). */
  readonly name: string;
  /**
   * The parent of a child type (a construct with an ARM id, or the id): the resource's id is the parent's id plus
   * the last type segment and the name.
   * @default - a top-level resource in the stack's resource group
   */
  readonly parent?: ResourceIdLike;
  /**
   * The ARM PUT body (`location`, `tags`, `properties`, …), exactly as ARM takes it.
   * @default {}
   */
  readonly body?: Readonly<Record<string, unknown>>;
}

/**
 * An ARM resource of any type.
 *
 * @example
 * new GenericResource(stack, 'Routes', {
 *   type: 'Microsoft.Network/routeTables', apiVersion: '2024-05-01', name: 'rt-ml',
 *   body: { location: 'westeurope', properties: { disableBgpRoutePropagation: true } },
 * });
 */
export class GenericResource extends AzureResource {
  public static isGenericResource(x: unknown): x is GenericResource {
    return hasBrand(x, GENERIC);
  }

  private readonly body: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: GenericResourceProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const stack = Stack.of(scope);
    const p = props ?? ({} as GenericResourceProps);
    const type = typeof p.type === 'string' ? p.type : '';
    const name = typeof p.name === 'string' ? p.name : '';
    const parentId = p.parent !== undefined ? resourceIdOf(p.parent) : undefined;
    const last = type.split('/').pop() ?? '';
    const resourceId = parentId ? `${parentId}/${last}/${name}` : `${stack.providerPrefix()}${type}/${name}`;
    super(scope, id, {
      armType: type,
      apiVersion: typeof p.apiVersion === 'string' ? p.apiVersion : '',
      resourceId,
      resourceName: name,
      options: p,
    });
    reportPropProblems(this, prepared.problems);
    Object.defineProperty(this, GENERIC, { value: true });
    const bad = (code: string, message: string, value: unknown, allowed: string, fix: string): void =>
      Annotations.of(this).addError(code, message, { value, allowed, fix });
    let body = p.body && typeof p.body === 'object' && !Array.isArray(p.body) ? p.body : {};
    try {
      JSON.stringify(body);
    } catch {
      // A construct or another class instance inside the body: ARM takes JSON only.
      bad(
        'InvalidGenericBody',
        'body must be plain JSON data',
        'a value that is not JSON',
        'objects, arrays, strings, numbers, booleans and null, as ARM takes them',
        'put ids and names in the body (e.g. vnet.virtualNetworkId), not constructs',
      );
      body = {};
    }
    this.body = body;
    if (!TYPE_RE.test(type))
      bad(
        'InvalidResourceType',
        'type is not an ARM resource type',
        p.type,
        'Namespace/type[/childType…]',
        'e.g. "Microsoft.Network/routeTables"',
      );
    else if (type.split('/').length > 2 && !parentId)
      bad(
        'MissingParent',
        `${type} is a child type: it needs parent`,
        type,
        'parent: the parent construct or its ARM id',
        'set parent',
      );
    if (typeof p.apiVersion !== 'string' || !API_RE.test(p.apiVersion))
      bad(
        'InvalidApiVersion',
        'apiVersion is not an ARM api-version',
        p.apiVersion,
        'YYYY-MM-DD or YYYY-MM-DD-preview',
        'copy it from the REST reference of the type',
      );
    if (!name || name.includes('/'))
      bad(
        'InvalidResourceName',
        'name must be a non-empty name without "/"',
        p.name,
        'the last segment of the id',
        'set name',
      );
    if (p.parent !== undefined && !parentId)
      bad(
        'InvalidParent',
        'parent has no ARM id',
        typeof p.parent,
        'a construct with an ARM id or an id',
        'pass the parent construct or its id',
      );
    if (p.parent !== undefined && typeof p.parent === 'object' && AzureResource.isAzureResource(p.parent))
      this.addDependency(p.parent);
  }

  /** The manifest entry, marked `generic` (Pulumi deploys it as azure-native's generic resource). */
  public override toManifestResource(): ManifestResource {
    return { ...super.toManifestResource(), generic: true };
  }

  protected renderBody(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.body)) as Record<string, unknown>;
  }
}
