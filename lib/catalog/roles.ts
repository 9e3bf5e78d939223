/**
 * Azure built-in role definitions that Azure ML setups grant, with their exact role-definition GUIDs.
 *
 * Source: Azure/bicep-registry-modules `builtInRoleNames` maps in
 * `avm/res/{machine-learning-services/workspace, storage/storage-account, key-vault/vault, container-registry/registry,
 * network/virtual-network}/main.bicep` and `avm/ptn/azd/ml-project/main.bicep` (collected in
 * ../shared/reference/azureml-api.md §11). Built-in role GUIDs are the same in every public-cloud tenant.
 */
import { ValidationError, type PathLike } from '../core/errors.js';
import { editDistance } from './vm-sizes.js';
import { hasBrand } from '../core/brand.js';
import { describeKind, text } from '../core/text.js';

const BUILT_IN_ROLE = Symbol.for('amlcdk.BuiltInRole');
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a role is typically for (used in the generated docs). */
export type RoleArea =
  'General' | 'Azure ML' | 'Storage' | 'Container Registry' | 'Key Vault' | 'Network' | 'Compute' | 'Monitoring';

/**
 * A built-in Azure role. Use a constant, `BuiltInRole.fromName('AzureML Data Scientist')` or
 * `BuiltInRole.fromGuid('f6c7c914-…')`.
 *
 * @example
 * new RoleAssignment(stack, 'DsOnWs', { principal: team, role: BuiltInRole.AZUREML_DATA_SCIENTIST, scope: workspace });
 * BuiltInRole.fromName('acrpull').guid // '7f951dda-4ed3-4680-a7ca-43fe172d538d'
 */
export class BuiltInRole {
  private static readonly all: BuiltInRole[] = [];

  // General
  public static readonly OWNER = new BuiltInRole('Owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'General');
  public static readonly CONTRIBUTOR = new BuiltInRole(
    'Contributor',
    'b24988ac-6180-42a0-ab88-20f7382dd24c',
    'General',
  );
  public static readonly READER = new BuiltInRole('Reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7', 'General');
  public static readonly USER_ACCESS_ADMINISTRATOR = new BuiltInRole(
    'User Access Administrator',
    '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    'General',
  );
  public static readonly ROLE_BASED_ACCESS_CONTROL_ADMINISTRATOR = new BuiltInRole(
    'Role Based Access Control Administrator',
    'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    'General',
  );
  // Azure ML
  public static readonly AZUREML_DATA_SCIENTIST = new BuiltInRole(
    'AzureML Data Scientist',
    'f6c7c914-8db3-469d-8ca1-694a8f32e121',
    'Azure ML',
  );
  public static readonly AZUREML_COMPUTE_OPERATOR = new BuiltInRole(
    'AzureML Compute Operator',
    'e503ece1-11d0-4e8e-8e2c-7a6c3bf38815',
    'Azure ML',
  );
  public static readonly AZUREML_REGISTRY_USER = new BuiltInRole(
    'AzureML Registry User',
    '1823dd4f-9b8c-4ab6-ab4e-7397a3684615',
    'Azure ML',
  );
  public static readonly AZUREML_METRICS_WRITER = new BuiltInRole(
    'AzureML Metrics Writer (preview)',
    '635dd51f-9968-44d3-b7fb-6d9a6bd613ae',
    'Azure ML',
  );
  public static readonly AZUREML_WORKSPACE_CONNECTION_SECRETS_READER = new BuiltInRole(
    'Azure Machine Learning Workspace Connection Secrets Reader',
    'ea01e6af-a1c1-4350-9563-ad00f8c72ec5',
    'Azure ML',
  );
  public static readonly AZURE_AI_DEVELOPER = new BuiltInRole(
    'Azure AI Developer',
    '64702f94-c441-49e6-a78b-ef80e0188fee',
    'Azure ML',
  );
  // Storage
  public static readonly STORAGE_BLOB_DATA_READER = new BuiltInRole(
    'Storage Blob Data Reader',
    '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
    'Storage',
  );
  public static readonly STORAGE_BLOB_DATA_CONTRIBUTOR = new BuiltInRole(
    'Storage Blob Data Contributor',
    'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    'Storage',
  );
  public static readonly STORAGE_BLOB_DATA_OWNER = new BuiltInRole(
    'Storage Blob Data Owner',
    'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    'Storage',
  );
  public static readonly STORAGE_BLOB_DELEGATOR = new BuiltInRole(
    'Storage Blob Delegator',
    'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
    'Storage',
  );
  public static readonly STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR = new BuiltInRole(
    'Storage File Data Privileged Contributor',
    '69566ab7-960f-475b-8e7c-b3118f30c6bd',
    'Storage',
  );
  public static readonly STORAGE_FILE_DATA_PRIVILEGED_READER = new BuiltInRole(
    'Storage File Data Privileged Reader',
    'b8eda974-7b85-4f76-af95-65846b26df6d',
    'Storage',
  );
  public static readonly STORAGE_FILE_DATA_SMB_SHARE_CONTRIBUTOR = new BuiltInRole(
    'Storage File Data SMB Share Contributor',
    '0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb',
    'Storage',
  );
  public static readonly STORAGE_FILE_DATA_SMB_SHARE_ELEVATED_CONTRIBUTOR = new BuiltInRole(
    'Storage File Data SMB Share Elevated Contributor',
    'a7264617-510b-434b-a828-9731dc254ea7',
    'Storage',
  );
  public static readonly STORAGE_FILE_DATA_SMB_SHARE_READER = new BuiltInRole(
    'Storage File Data SMB Share Reader',
    'aba4ae5f-2193-4029-9191-0cb91df5e314',
    'Storage',
  );
  public static readonly STORAGE_ACCOUNT_CONTRIBUTOR = new BuiltInRole(
    'Storage Account Contributor',
    '17d1049b-9a84-46fb-8f53-869881c3d3ab',
    'Storage',
  );
  public static readonly READER_AND_DATA_ACCESS = new BuiltInRole(
    'Reader and Data Access',
    'c12c1c16-33a1-487b-954d-41c89c60f349',
    'Storage',
  );
  public static readonly STORAGE_QUEUE_DATA_CONTRIBUTOR = new BuiltInRole(
    'Storage Queue Data Contributor',
    '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    'Storage',
  );
  public static readonly STORAGE_TABLE_DATA_CONTRIBUTOR = new BuiltInRole(
    'Storage Table Data Contributor',
    '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    'Storage',
  );
  // Container Registry
  public static readonly ACR_PULL = new BuiltInRole(
    'AcrPull',
    '7f951dda-4ed3-4680-a7ca-43fe172d538d',
    'Container Registry',
  );
  public static readonly ACR_PUSH = new BuiltInRole(
    'AcrPush',
    '8311e382-0749-4cb8-b61a-304f252e45ec',
    'Container Registry',
  );
  public static readonly ACR_DELETE = new BuiltInRole(
    'AcrDelete',
    'c2f4ef07-c644-48eb-af81-4b1b4947fb11',
    'Container Registry',
  );
  // Key Vault
  public static readonly KEY_VAULT_ADMINISTRATOR = new BuiltInRole(
    'Key Vault Administrator',
    '00482a5a-887f-4fb3-b363-3b7fe8e74483',
    'Key Vault',
  );
  public static readonly KEY_VAULT_SECRETS_USER = new BuiltInRole(
    'Key Vault Secrets User',
    '4633458b-17de-408a-b874-0445c86b69e6',
    'Key Vault',
  );
  public static readonly KEY_VAULT_SECRETS_OFFICER = new BuiltInRole(
    'Key Vault Secrets Officer',
    'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    'Key Vault',
  );
  public static readonly KEY_VAULT_READER = new BuiltInRole(
    'Key Vault Reader',
    '21090545-7ca7-4776-b22c-e363652d74d2',
    'Key Vault',
  );
  public static readonly KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER = new BuiltInRole(
    'Key Vault Crypto Service Encryption User',
    'e147488a-f6f5-4113-8e2d-b22465e65bf6',
    'Key Vault',
  );
  // Network, compute, identity, monitoring
  public static readonly NETWORK_CONTRIBUTOR = new BuiltInRole(
    'Network Contributor',
    '4d97b98b-1d4f-4787-a291-c67834d212e7',
    'Network',
  );
  public static readonly VIRTUAL_MACHINE_CONTRIBUTOR = new BuiltInRole(
    'Virtual Machine Contributor',
    '9980e02c-c2be-4d73-94e8-173b1dc7cf3c',
    'Compute',
  );
  public static readonly MANAGED_IDENTITY_OPERATOR = new BuiltInRole(
    'Managed Identity Operator',
    'f1a07417-d97a-45cb-824c-7a7467783830',
    'General',
  );
  public static readonly AKS_CLUSTER_USER = new BuiltInRole(
    'Azure Kubernetes Service Cluster User Role',
    '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
    'Compute',
  );
  public static readonly MONITORING_METRICS_PUBLISHER = new BuiltInRole(
    'Monitoring Metrics Publisher',
    '3913510d-42f4-4e42-8a64-420c390055eb',
    'Monitoring',
  );

  /** True for any BuiltInRole (symbol-based). */
  public static isBuiltInRole(x: unknown): x is BuiltInRole {
    return hasBrand(x, BUILT_IN_ROLE);
  }

  /** Every known built-in role, in declaration order. */
  public static values(): readonly BuiltInRole[] {
    return [...BuiltInRole.all];
  }

  /**
   * A role by its display name, ignoring case, spaces, hyphens and a trailing " (preview)". Throws
   * `ValidationError` `UnknownRole` listing the closest known names.
   *
   * @param scope where the name came from (construct or path), for the error.
   */
  public static fromName(name: string, scope: PathLike = '<catalog>'): BuiltInRole {
    if (typeof name !== 'string')
      throw new ValidationError('UnknownRole', `a role name must be a string, not ${describeKind(name)}`, scope, {
        allowed: `a built-in role name (${BuiltInRole.all.length} known, see docs/roles.md) or a role-definition GUID`,
        fix: 'use a BuiltInRole constant, or pass the role name as a string',
      });
    const key = roleKey(name);
    const hit = BuiltInRole.all.find(
      (r) => roleKey(r.roleName) === key || roleKey(r.roleName.replace(/\s*\(preview\)$/i, '')) === key,
    );
    if (hit) return hit;
    const close = BuiltInRole.closest(String(name));
    throw new ValidationError(
      'UnknownRole',
      `unknown built-in role "${String(name)}"${close.length ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''}`,
      scope,
      {
        value: name,
        allowed: `a built-in role name (${BuiltInRole.all.length} known, see docs/roles.md) or a role-definition GUID`,
        fix: close.length
          ? `use BuiltInRole.fromName('${close[0]}') or a BuiltInRole constant`
          : 'use a BuiltInRole constant, or pass the role-definition GUID of a custom role',
      },
    );
  }

  /**
   * A role by role-definition GUID. Known GUIDs return their constant; other well-formed GUIDs (custom roles)
   * return a role named `custom:<guid>`. Throws `ValidationError` `InvalidRoleId` for a malformed GUID.
   */
  public static fromGuid(guid: string, scope: PathLike = '<catalog>'): BuiltInRole {
    const g = typeof guid === 'string' ? guid.trim().toLowerCase() : '';
    if (!GUID_RE.test(g)) {
      throw new ValidationError('InvalidRoleId', `role-definition id "${text(guid)}" is not a GUID`, scope, {
        value: guid,
        allowed: 'a GUID like f6c7c914-8db3-469d-8ca1-694a8f32e121',
        fix: 'use a BuiltInRole constant or copy the id from `az role definition list --name "<role>" --query [].name`',
      });
    }
    return BuiltInRole.all.find((r) => r.guid === g) ?? new BuiltInRole(`custom:${g}`, g, 'General', false);
  }

  /**
   * A role from either a name or a GUID (what `RoleAssignment` accepts as a string). A full role-definition id
   * (`/subscriptions/…/roleDefinitions/<guid>` or `/providers/Microsoft.Authorization/roleDefinitions/<guid>`) is accepted too.
   */
  public static parse(nameOrGuid: string, scope: PathLike = '<catalog>'): BuiltInRole {
    const s = typeof nameOrGuid === 'string' ? nameOrGuid.trim() : '';
    const m = /\/roleDefinitions\/([^/]+)$/i.exec(s);
    if (m) return BuiltInRole.fromGuid(m[1], scope);
    if (GUID_RE.test(s)) return BuiltInRole.fromGuid(s, scope);
    return BuiltInRole.fromName(s, scope);
  }

  /** Up to `max` known role names closest to `name`. */
  public static closest(name: string, max = 3): string[] {
    if (typeof name !== 'string') return [];
    const key = roleKey(name);
    return BuiltInRole.all
      .map((r) => {
        const rk = roleKey(r.roleName);
        // A substring match is a strong hint ("smbsharecontributor" in "storagefiledatasmbsharecontributor").
        const d = key.length >= 4 && rk.includes(key) ? 0 : editDistance(key, rk);
        return { n: r.roleName, d };
      })
      .filter((x) => x.d <= Math.max(3, Math.floor(key.length / 2)))
      .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
      .slice(0, max)
      .map((x) => x.n);
  }

  /** Display name, e.g. `AzureML Data Scientist` (`custom:<guid>` for custom roles). */
  public readonly roleName: string;
  /** Role-definition GUID (lower case). */
  public readonly guid: string;
  public readonly area: RoleArea;
  /** False for custom roles created with `fromGuid`. */
  public readonly builtIn: boolean;

  private constructor(roleName: string, guid: string, area: RoleArea, register = true) {
    Object.defineProperty(this, BUILT_IN_ROLE, { value: true });
    this.roleName = roleName;
    this.guid = guid.toLowerCase();
    this.area = area;
    this.builtIn = register;
    if (register) BuiltInRole.all.push(this);
  }

  /** Subscription-scoped role-definition id, the form ARM echoes back in role assignments. */
  public definitionId(subscriptionId: string): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${this.guid}`;
  }

  public toString(): string {
    return this.roleName;
  }
}

function roleKey(name: unknown): string {
  return text(name)
    .toLowerCase()
    .replace(/[\s_\-()]/g, '');
}
