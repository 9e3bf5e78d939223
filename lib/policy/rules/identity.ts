/** Identity pack: local auth, credentials, managed identities, RBAC least privilege, personal instances. */
import type { ManifestResource } from '../../manifest/types.js';
import { assignmentScope, scopeCovers } from '../graph.js';
import type { FindingDraft, ResourceRule } from '../types.js';
import { T, computeType, effective, get, how, identityKinds, isManagedCompute, lower, text } from '../util.js';
import { resourceRule } from './define.js';

/** Built-in role GUIDs the rules reason about (reference/azureml-api.md §11). */
export const ROLES = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  rbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  dataScientist: 'f6c7c914-8db3-469d-8ca1-694a8f32e121',
  computeOperator: 'e503ece1-11d0-4e8e-8e2c-7a6c3bf38815',
  registryUser: '1823dd4f-9b8c-4ab6-ab4e-7397a3684615',
  metricsWriter: '635dd51f-9968-44d3-b7fb-6d9a6bd613ae',
  connectionSecretsReader: 'ea01e6af-a1c1-4350-9563-ad00f8c72ec5',
  aiDeveloper: '64702f94-c441-49e6-a78b-ef80e0188fee',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
} as const;

const ROLE_NAMES: Record<string, string> = {
  [ROLES.owner]: 'Owner',
  [ROLES.contributor]: 'Contributor',
  [ROLES.userAccessAdministrator]: 'User Access Administrator',
  [ROLES.rbacAdministrator]: 'Role Based Access Control Administrator',
};

const AZUREML_ROLES = new Set<string>([
  ROLES.dataScientist,
  ROLES.computeOperator,
  ROLES.registryUser,
  ROLES.metricsWriter,
  ROLES.connectionSecretsReader,
  ROLES.aiDeveloper,
]);

export function roleGuid(r: ManifestResource): string {
  const id = text(get(r.body, 'properties.roleDefinitionId') ?? '');
  return id.split('/').pop()!.toLowerCase();
}

function principalType(r: ManifestResource): string {
  return text(get(r.body, 'properties.principalType') ?? '');
}

function scopeKind(scope: string): 'subscription' | 'resourceGroup' | 'resource' | 'managementGroup' | 'root' {
  const s = scope.toLowerCase().replace(/\/+$/, '');
  if (s === '' || s === '/') return 'root';
  if (s.startsWith('/providers/microsoft.management/managementgroups/')) return 'managementGroup';
  if (/^\/subscriptions\/[^/]+$/.test(s)) return 'subscription';
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(s)) return 'resourceGroup';
  return 'resource';
}

const iam001 = resourceRule({
  id: 'AML-IAM-001',
  name: 'ComputeLocalAuthDisabled',
  title: 'Compute has local authentication disabled',
  pack: 'security',
  severity: 'high',
  types: [T.compute],
  scope: 'ComputeInstance and AmlCompute (attached compute excluded, unlike PSRule)',
  defaults: '`disableLocalAuth` absent means `false`: local auth stays on (reported as defaulted).',
  rationale:
    'Local (key-based) authentication bypasses Entra ID and its conditional access; with it disabled only managed identities and Entra ID tokens work.',
  anchors: {
    checkov: ['CKV_AZURE_142'],
    psrule: ['Azure.ML.DisableLocalAuth'],
    azurePolicy: ['e96a9a5f-07ca-471b-9bc5-6a0f33cbd68f', 'a6f9a2d0-cff7-4855-83ad-4cd750666512'],
    other: ['AzTS AuthN_Disable_SSH_Authentication'],
  },
  evaluate(c) {
    if (!isManagedCompute(c)) return 'not-applicable';
    const e = effective<boolean>(c, 'properties.disableLocalAuth', false);
    if (e.value === true || lower(e.value) === 'true') return [];
    return [
      {
        path: 'properties.disableLocalAuth',
        value: e.value,
        provenance: e.provenance,
        message: `${computeType(c)} "${c.name}" keeps local authentication enabled (disableLocalAuth=${text(e.value)}, ${how(e)})`,
        fix: 'set localAuth: false on the compute (or leave it out and keep computeLocalAuth: false on its Workspace)',
      },
    ];
  },
});

const iam002 = resourceRule({
  id: 'AML-IAM-002',
  name: 'ComputeNoPasswordCredentials',
  title: 'No password admin credentials on compute',
  pack: 'security',
  severity: 'high',
  types: [T.compute],
  scope: 'AmlCompute `userAccountCredentials` and attached VirtualMachine/HDInsight `administratorAccount`',
  rationale: 'Password logins can be brute-forced and are shared; SSH keys (or no login at all) are required.',
  anchors: { checkov: ['CKV_AZURE_1'], other: ['Trivy AVD-AZU-0039', 'tfsec AZU005'] },
  evaluate(c) {
    const paths = [
      'properties.properties.userAccountCredentials.adminUserPassword',
      'properties.properties.administratorAccount.password',
    ];
    const out: FindingDraft[] = [];
    for (const p of paths) {
      if (get(c.body, p) !== undefined)
        out.push({
          path: p,
          value: '(secret)',
          provenance: 'set',
          message: `${computeType(c) ?? 'compute'} "${c.name}" uses a password for its admin account`,
          fix: 'use sshAccess: SshAccess.enabled({ publicKey }) without a password, or SshAccess.disabled()',
        });
    }
    return out;
  },
});

const iam003 = resourceRule({
  id: 'AML-IAM-003',
  name: 'WorkspaceManagedIdentity',
  title: 'Workspace has a managed identity',
  pack: 'identity',
  severity: 'medium',
  types: [T.workspace],
  scope: 'Machine Learning workspaces',
  defaults: '`identity` absent means no identity. The combined value `SystemAssigned,UserAssigned` counts as both.',
  rationale:
    'The workspace reaches storage, key vault and registry with its identity; without one, keys and connection strings are used.',
  anchors: { other: ['AzTS AuthN_Use_Managed_Service_Identity', 'CloudSploit workspaceManagedIdentity'] },
  evaluate(ws) {
    if (identityKinds(ws.body).size > 0) return [];
    const e = effective(ws, 'identity.type', 'None');
    return [
      {
        path: 'identity.type',
        value: e.value,
        provenance: e.provenance,
        message: `workspace "${ws.name}" has no managed identity (${how(e)})`,
        fix: "define it with amlcdk's Workspace, which always has a system-assigned identity (userAssignedIdentity: true adds a user-assigned one)",
      },
    ];
  },
});

const iam004 = resourceRule({
  id: 'AML-IAM-004',
  name: 'WorkspaceUserAssignedIdentity',
  title: 'Workspace uses a user-assigned identity',
  pack: 'identity',
  severity: 'low',
  prodSeverity: 'medium',
  types: [T.workspace],
  scope: 'Machine Learning workspaces',
  rationale:
    'A user-assigned identity survives workspace re-creation and can be granted access before the workspace exists.',
  anchors: { psrule: ['Azure.ML.UserManagedIdentity'], azurePolicy: ['5f0c7d88-c7de-45b8-ac49-db49e72eaa78'] },
  evaluate(ws) {
    const kinds = identityKinds(ws.body);
    const primary = get(ws.body, 'properties.primaryUserAssignedIdentity');
    if (kinds.has('userassigned') && typeof primary === 'string' && primary) return [];
    if (!kinds.has('userassigned'))
      return [
        {
          path: 'identity.type',
          value: get(ws.body, 'identity.type') ?? 'None',
          provenance: get(ws.body, 'identity.type') ? 'set' : 'defaulted',
          message: `workspace "${ws.name}" has no user-assigned identity`,
          fix: 'set userAssignedIdentity: true on the Workspace (it defines a UserAssignedIdentity and makes it the primary identity)',
        },
      ];
    return [
      {
        path: 'properties.primaryUserAssignedIdentity',
        provenance: 'unknown',
        message: `workspace "${ws.name}" has a user-assigned identity but no primaryUserAssignedIdentity`,
        fix: 'set userAssignedIdentity: true on the Workspace, which also sets properties.primaryUserAssignedIdentity',
      },
    ];
  },
});

const iam005 = resourceRule({
  id: 'AML-IAM-005',
  name: 'ComputeManagedIdentity',
  title: 'Compute has a managed identity',
  pack: 'identity',
  severity: 'medium',
  types: [T.compute],
  scope: 'ComputeInstance and AmlCompute',
  defaults: '`identity` absent means none.',
  rationale:
    'Jobs and notebooks reach data and registries with the compute identity instead of embedded credentials; idle shutdown also needs it.',
  anchors: { other: ['WAF: Managed identity', 'Learn: Set up a managed identity for the cluster'] },
  evaluate(c) {
    if (!isManagedCompute(c)) return 'not-applicable';
    if (identityKinds(c.body).size > 0) return [];
    const e = effective(c, 'identity.type', 'None');
    return [
      {
        path: 'identity.type',
        value: e.value,
        provenance: e.provenance,
        message: `${computeType(c)} "${c.name}" has no managed identity (${how(e)})`,
        fix: 'set identity: ComputeIdentity.systemAssigned() (or ComputeIdentity.userAssigned(uai)) on the compute',
      },
    ];
  },
});

const iam006 = resourceRule({
  id: 'AML-IAM-006',
  name: 'DatastoreIdentityAccess',
  title: 'Datastores use identity-based access, not keys',
  pack: 'identity',
  severity: 'high',
  types: [T.datastore, T.workspace],
  scope: 'Datastores (file share mounts) and the workspace system datastores',
  defaults: 'Workspace `systemDatastoresAuthMode` absent means `AccessKey`.',
  rationale:
    'Account keys and SAS tokens grant full access to the storage account, never expire on their own and cannot be audited per user.',
  anchors: { other: ['AzTS AuthN_Disable_Credential_Based_Access_On_Datastore'] },
  evaluate(r) {
    if (r.type.toLowerCase() === T.workspace) {
      const e = effective<string>(r, 'properties.systemDatastoresAuthMode', 'AccessKey');
      if (lower(e.value) === 'identity') return [];
      return [
        {
          path: 'properties.systemDatastoresAuthMode',
          value: e.value,
          provenance: e.provenance,
          severity: 'medium',
          message: `workspace "${r.name}" registers its system datastores with ${text(e.value)} (${how(e)})`,
          fix: "set systemDatastoresAuthMode: 'Identity'",
        },
      ];
    }
    const t = get(r.body, 'properties.credentials.credentialsType');
    if (typeof t !== 'string' || lower(t) === 'none') return [];
    return [
      {
        path: 'properties.credentials.credentialsType',
        value: t,
        provenance: 'set',
        message: `datastore "${r.name}" authenticates with ${t}`,
        fix: 'register the share with FileShareMount, which uses identity-based access (properties.credentials.credentialsType None), and grant the compute identity Storage File Data roles',
      },
    ];
  },
});

const rbac001 = resourceRule({
  id: 'AML-RBAC-001',
  name: 'NoPrivilegedRolesForPeople',
  title: 'People do not get Owner, Contributor or access-admin roles',
  pack: 'identity',
  severity: 'high',
  types: [T.roleAssignment],
  scope: 'Role assignments to User and Group principals',
  rationale:
    'Owner and the access-admin roles let data scientists change security settings and grant themselves more; use AzureML Data Scientist / Compute Operator.',
  anchors: {
    checkov: ['CKV_AZURE_39'],
    other: ['WAF: Strict workspace access controls', 'Learn: how-to-assign-roles'],
  },
  evaluate(r) {
    const pt = principalType(r);
    if (pt !== 'User' && pt !== 'Group') return 'not-applicable';
    const name = ROLE_NAMES[roleGuid(r)];
    if (!name) return [];
    return [
      {
        path: 'properties.roleDefinitionId',
        value: name,
        provenance: 'set',
        message: `${pt.toLowerCase()} ${text(get(r.body, 'properties.principalId'))} is granted ${name} at ${assignmentScope(r).split('/').slice(-2).join('/') || 'root'}`,
        fix: 'grant workspace.grants.dataScientist(principal) (or workspace.grants.computeOperator(principal)) instead',
      },
    ];
  },
});

const rbac002 = resourceRule({
  id: 'AML-RBAC-002',
  name: 'AssignRolesToGroups',
  title: 'Roles go to groups, not individual users',
  pack: 'identity',
  severity: 'medium',
  graph: true,
  types: [T.roleAssignment],
  scope: 'Role assignments to User principals, except assigned users of personal compute instances',
  rationale:
    "Per-user grants drift and are forgotten when people move; Entra ID groups keep access reviewable. A personal instance's own user is the exception.",
  anchors: { other: ['WAF: Use Microsoft Entra ID groups'] },
  evaluate(r, ctx) {
    if (principalType(r) !== 'User') return 'not-applicable';
    const pid = text(get(r.body, 'properties.principalId') ?? '').toLowerCase();
    if (ctx.graph.assignedUserIds().has(pid)) return [];
    return [
      {
        path: 'properties.principalType',
        value: 'User',
        provenance: 'set',
        message: `role assignment "${r.name}" grants a role to an individual user (${pid})`,
        fix: "grant the role to Principal.group('<group object id>') for an Entra ID group the user belongs to",
      },
    ];
  },
});

const rbac003 = resourceRule({
  id: 'AML-RBAC-003',
  name: 'AzureMlRolesAtWorkspaceScope',
  title: 'AzureML roles are scoped to the workspace',
  pack: 'identity',
  severity: 'medium',
  types: [T.roleAssignment],
  scope: 'Assignments of AzureML built-in roles',
  rationale:
    'An AzureML role at subscription or resource group scope applies to every workspace there, including future ones.',
  anchors: { other: ['MCSB PA-7', 'WAF least privilege'] },
  evaluate(r) {
    if (!AZUREML_ROLES.has(roleGuid(r))) return 'not-applicable';
    const kind = scopeKind(assignmentScope(r));
    if (kind === 'resource') return [];
    return [
      {
        path: 'scope',
        value: kind,
        provenance: 'set',
        message: `AzureML role assignment "${r.name}" is scoped to the ${kind}`,
        fix: 'assign the role on the workspace (workspace.grants.dataScientist(principal)) instead of the subscription or resource group',
      },
    ];
  },
});

const rbac004 = resourceRule({
  id: 'AML-RBAC-004',
  name: 'NoWildcardCustomRoles',
  title: 'Custom roles have no wildcard actions',
  pack: 'identity',
  severity: 'high',
  types: [T.roleDefinition],
  scope: 'Custom role definitions',
  rationale:
    '`*`, `Microsoft.MachineLearningServices/*` or `Microsoft.Authorization/*/write` actions grant far more than intended, including future operations.',
  anchors: { checkov: ['CKV_AZURE_39'], other: ['Trivy AVD-AZU-0030'] },
  evaluate(r) {
    const perms = get(r.body, 'properties.permissions');
    const out: FindingDraft[] = [];
    if (!Array.isArray(perms)) return out;
    perms.forEach((p, i) => {
      const actions = get(p, 'actions');
      if (!Array.isArray(actions)) return;
      for (const a of actions) {
        const s = text(a);
        if (
          s === '*' ||
          /^microsoft\.machinelearningservices\/\*$/i.test(s) ||
          /^microsoft\.machinelearningservices\/\*\/(write|delete|\*)$/i.test(s) ||
          /^microsoft\.authorization\/\*/i.test(s)
        ) {
          out.push({
            path: `properties.permissions.${i}.actions`,
            value: s,
            provenance: 'set',
            message: `custom role "${text(get(r.body, 'properties.roleName') ?? r.name)}" allows the wildcard action ${s}`,
            fix: 'list the exact actions the role needs, or grant a BuiltInRole such as BuiltInRole.AZUREML_DATA_SCIENTIST',
          });
        }
      }
    });
    return out;
  },
});

const rbac006 = resourceRule({
  id: 'AML-RBAC-006',
  name: 'PersonalInstanceUserHasRole',
  title: 'Each personal compute instance has an assigned user with a workspace role',
  pack: 'identity',
  severity: 'medium',
  prodSeverity: 'high',
  graph: true,
  types: [T.compute],
  scope: 'ComputeInstance',
  defaults: 'Without assignedUser, the deploying principal (often a pipeline service principal) owns the instance.',
  rationale:
    'An instance created on behalf of a user is useless unless that user can reach the workspace; an instance without an assigned user belongs to the deployment identity. No other scanner checks this pairing.',
  anchors: { other: ['Learn: create a compute instance on behalf of a user'] },
  evaluate(c, ctx) {
    if (computeType(c) !== 'ComputeInstance') return 'not-applicable';
    const oid = get(c.body, 'properties.properties.personalComputeInstanceSettings.assignedUser.objectId');
    if (typeof oid !== 'string' || !oid) {
      return [
        {
          path: 'properties.properties.personalComputeInstanceSettings.assignedUser',
          provenance: 'unknown',
          message: `compute instance "${c.name}" has no assigned user; the deploying identity will own it`,
          fix: "set assignedUser: Principal.user('<object id>', { tenantId }) on the ComputeInstance, or use PersonalComputeInstances",
        },
      ];
    }
    const ws = ctx.graph.workspaceOf(c);
    const wsId = ws?.id ?? c.id.replace(/\/computes\/[^/]+$/i, '');
    const holds = ctx.graph
      .roleAssignmentsOf(oid)
      .some((ra) => scopeCovers(assignmentScope(ra), wsId) || scopeCovers(assignmentScope(ra), c.id));
    if (holds) return [];
    return [
      {
        path: 'properties.properties.personalComputeInstanceSettings.assignedUser.objectId',
        value: oid,
        provenance: 'set',
        message: `assigned user ${oid} of compute instance "${c.name}" holds no role on the workspace in this program`,
        fix: 'grant the user a workspace role: workspace.grants.dataScientist(user)',
      },
    ];
  },
});

const rbac007 = resourceRule({
  id: 'AML-RBAC-007',
  name: 'InstanceApplicationsPersonal',
  title: 'Compute instance applications are not shared',
  pack: 'identity',
  severity: 'low',
  types: [T.compute],
  scope: 'ComputeInstance',
  defaults: '`applicationSharingPolicy` absent means the API default `Shared`.',
  rationale:
    "With Shared, every workspace user can open Jupyter and terminals on someone else's instance and act with its identity.",
  anchors: { other: ['Az PowerShell New-AzMLWorkspaceComputeInstanceObject ApplicationSharingPolicy'] },
  evaluate(c) {
    if (computeType(c) !== 'ComputeInstance') return 'not-applicable';
    const e = effective<string>(c, 'properties.properties.applicationSharingPolicy', 'Shared');
    if (lower(e.value) === 'personal') return [];
    return [
      {
        path: 'properties.properties.applicationSharingPolicy',
        value: e.value,
        provenance: e.provenance,
        message: `compute instance "${c.name}" shares its applications with all workspace users (${how(e)})`,
        fix: "define the instance with amlcdk's ComputeInstance, which always sends properties.properties.applicationSharingPolicy Personal",
      },
    ];
  },
});

export const identityRules: readonly ResourceRule[] = [
  iam001,
  iam002,
  iam003,
  iam004,
  iam005,
  iam006,
  rbac001,
  rbac002,
  rbac003,
  rbac004,
  rbac006,
  rbac007,
];
