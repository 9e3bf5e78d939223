/**
 * Values Azure assigns at deploy time that a program may reference (`cluster.identity.principalId`,
 * `uai.clientId`): for each ARM type, the attributes it exposes, as dotted paths into the resource as ARM returns
 * it (GET), with what they are and where that is written.
 *
 * A reference is `{ "ref": { "resource": "<logicalId>", "attribute": "<path>" } }` in a manifest body; synthesis
 * checks it against this table, the reconciler reads the path from the observed resource, Pulumi from the resource's
 * outputs.
 */

/** The kind of value, for checks that need a stand-in before the value exists (schemas, policy). */
export type AttributeFormat = 'guid';

/** One attribute a resource type exposes. */
export interface DeployTimeAttribute {
  /** ARM type (matched case-insensitively). */
  readonly armType: string;
  /** Dotted path into the resource as ARM returns it, e.g. `identity.principalId`. */
  readonly attribute: string;
  readonly format: AttributeFormat;
  /** Only present when the resource has a system-assigned identity (`identity.type` contains `SystemAssigned`). */
  readonly needsSystemIdentity?: boolean;
  readonly description: string;
  /** Evidence: the spec (repository, path, commit) that says ARM returns it. */
  readonly source: string;
}

const MSI_SPEC =
  'Azure/azure-rest-api-specs specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json @16c9ca7681ac3c81b41c6159d60e8bfabb32bc65: UserAssignedIdentityProperties.principalId / clientId / tenantId, readOnly, format uuid';
const MSI_COMMON =
  'Azure/azure-rest-api-specs specification/common-types/resource-management/v5/managedidentity.json @1e74a8be95df3e53fd3a158bebcc5c558c62c0a4: ManagedServiceIdentity.principalId / tenantId, readOnly, format uuid, "only provided for a system assigned identity"; the Azure ML identity of workspaces and computes';

const systemIdentity = (armType: string): DeployTimeAttribute[] => [
  {
    armType,
    attribute: 'identity.principalId',
    format: 'guid',
    needsSystemIdentity: true,
    description: 'object id of the system-assigned identity (its service principal), to grant roles to',
    source: MSI_COMMON,
  },
  {
    armType,
    attribute: 'identity.tenantId',
    format: 'guid',
    needsSystemIdentity: true,
    description: 'tenant of the system-assigned identity',
    source: MSI_COMMON,
  },
];

/** Every attribute amlcdk can reference, by ARM type. */
export const DEPLOY_TIME_ATTRIBUTES: readonly DeployTimeAttribute[] = [
  ...systemIdentity('Microsoft.MachineLearningServices/workspaces'),
  ...systemIdentity('Microsoft.MachineLearningServices/workspaces/computes'),
  {
    armType: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    attribute: 'properties.principalId',
    format: 'guid',
    description: 'object id of the identity (its service principal), to grant roles to',
    source: MSI_SPEC,
  },
  {
    armType: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    attribute: 'properties.clientId',
    format: 'guid',
    description: 'client (application) id of the identity, used by code to ask for its tokens',
    source: MSI_SPEC,
  },
  {
    armType: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    attribute: 'properties.tenantId',
    format: 'guid',
    description: 'tenant of the identity',
    source: MSI_SPEC,
  },
];

const byType = new Map<string, DeployTimeAttribute[]>();
for (const a of DEPLOY_TIME_ATTRIBUTES) {
  const k = a.armType.toLowerCase();
  byType.set(k, [...(byType.get(k) ?? []), a]);
}

/** The attributes an ARM type exposes (empty when none). */
export function attributesOf(armType: string): readonly DeployTimeAttribute[] {
  return byType.get(armType.toLowerCase()) ?? [];
}

/** The attribute of a type, or undefined when the type does not expose it. */
export function attributeOf(armType: string, attribute: string): DeployTimeAttribute | undefined {
  return attributesOf(armType).find((a) => a.attribute === attribute);
}

/** A stand-in of the right shape, for checks that run before the value exists (schemas). Never sent to Azure. */
export function placeholderFor(format: AttributeFormat | undefined): string {
  switch (format) {
    case 'guid':
    default:
      return '00000000-0000-0000-0000-000000000000';
  }
}
