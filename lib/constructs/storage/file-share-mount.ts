/**
 * `FileShareMount`: an Azure Files share registered as an identity-based `AzureFile` datastore
 * (`workspaces/{ws}/datastores/{name}`), mountable on compute instances; and `WorkspaceDefaultFileShare`, the
 * workspace's own share that Azure ML mounts on every instance as the notebook directory.
 *
 * Identity based: `credentials: { credentialsType: 'None' }`, so no account key or SAS ever appears in the
 * manifest; users reach the data with their own identity, which is why mounting a share on an instance grants the
 * instance's assigned user a data role on the share (../shared/reference/azureml-api.md §9.1, §9.2, §11).
 *
 * Mount paths: Azure ML mounts the workspace's default share at `/home/azureuser/cloudfiles/code` (the "Users"
 * notebook tree). Additional shares default to `/home/azureuser/cloudfiles/mounts/<datastore name>`, next to it
 * and never over it.
 */
import { Construct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack } from '../../core/stack.js';
import { Names, NAME_RULES, type NamingProps } from '../../core/names.js';
import { recordError } from '../../core/annotations.js';
import { ValidationError } from '../../core/errors.js';
import { apiVersionFor } from '../../catalog/api-versions.js';
import { BuiltInRole } from '../../catalog/roles.js';
import type { IFileShareMountRef, IPrincipal, IShareMounter, IWorkspaceRef } from '../refs.js';
import { grant, type RoleAssignment } from '../rbac/role-assignment.js';
import { Principal } from '../rbac/principal.js';
import { FileShare } from './file-share.js';
import { prepareConstruct, reportPropProblems } from '../../core/props.js';
import { hasBrand } from '../../core/brand.js';

const MOUNT = Symbol.for('amlcdk.FileShareMount');
const TYPE = 'Microsoft.MachineLearningServices/workspaces/datastores';

/** Where Azure ML mounts the workspace's default file share on compute instances (the notebook directory). */
export const NOTEBOOK_DIRECTORY = '/home/azureuser/cloudfiles/code';
/** Datastore Azure ML registers for the workspace's default file share. */
export const DEFAULT_FILE_SHARE_DATASTORE = 'workspaceworkingdirectory';
/** Parent directory of additional mounts. */
export const MOUNT_ROOT = '/home/azureuser/cloudfiles/mounts';

/** Which identity the Azure ML service (e.g. Studio data preview) uses to read the datastore. */
export type ServiceDataAccessAuthIdentity =
  'None' | 'WorkspaceSystemAssignedIdentity' | 'WorkspaceUserAssignedIdentity';

/** Options shared by new and existing shares. */
export interface FileShareMountOptions extends ResourceOptionsProps, NamingProps {
  /** The workspace to register the datastore in. */
  readonly workspace: IWorkspaceRef;
  /**
   * Datastore name.
   * @default - derived from the construct path (letters, digits and `_`)
   */
  readonly datastoreName?: string;
  /**
   * Absolute mount path on compute instances.
   * @default `/home/azureuser/cloudfiles/mounts/<datastoreName>`
   */
  readonly mountPath?: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Identity the Azure ML service uses for the datastore (Studio preview, data profiling).
   * @default 'WorkspaceSystemAssignedIdentity'
   */
  readonly serviceDataAccessAuthIdentity?: ServiceDataAccessAuthIdentity;
  /**
   * Grant the assigned user of every instance that mounts the share a data role on the share.
   * @default true
   */
  readonly grantInstanceUsers?: boolean;
  /**
   * Role granted to instance users (and by `grantAccess`).
   * @default - `Storage File Data SMB Share Reader` when `readOnly`, else `Storage File Data SMB Share Contributor`
   */
  readonly userRole?: BuiltInRole;
  /**
   * Datastore description.
   * @default - none
   */
  readonly description?: string;
}

/** Props of a {@link FileShareMount} for a share defined in this program. */
export interface FileShareMountProps extends FileShareMountOptions {
  /** The share. */
  readonly share: FileShare;
}

/** Props of {@link FileShareMount.fromExistingShare}. */
export interface ExistingFileShareMountProps extends FileShareMountOptions {
  /** Storage account that holds the share. */
  readonly storageAccountName: string;
  /** Existing share name. */
  readonly shareName: string;
  /**
   * Resource group of the storage account.
   * @default - the workspace's resource group
   */
  readonly storageAccountResourceGroup?: string;
  /**
   * Subscription of the storage account.
   * @default - the workspace's subscription
   */
  readonly storageAccountSubscriptionId?: string;
}

/**
 * A file share registered in a workspace as an identity-based AzureFile datastore and mountable on compute
 * instances (`fileShareMounts` of `ComputeInstance`).
 *
 * @example
 * const share = new FileShare(stack, 'Shared', { storageAccount: ws.storageAccount, quotaGiB: 1024 });
 * const mount = new FileShareMount(stack, 'SharedMount', { workspace: ws, share });
 * new ComputeInstance(ws, 'Alice', { ..., fileShareMounts: [mount] });  // alice gets SMB Share Contributor on the share
 * FileShareMount.fromExistingShare(stack, 'Datasets', { workspace: ws, storageAccountName: 'corpdata', shareName: 'datasets', readOnly: true });
 */
export class FileShareMount extends AzureResource implements IFileShareMountRef {
  public static isFileShareMount(x: unknown): x is FileShareMount {
    return hasBrand(x, MOUNT);
  }

  /** Register (and mount) a share that already exists. */
  public static fromExistingShare(scope: Construct, id: string, props: ExistingFileShareMountProps): FileShareMount {
    return new FileShareMount(scope, id, props);
  }

  /** @attribute */
  public readonly datastoreName: string;
  /** @attribute */
  public readonly datastoreId: string;
  public readonly storageAccountName: string;
  public readonly shareName: string;
  public readonly mountPath: string;
  public readonly readOnly: boolean;
  public readonly workspace: IWorkspaceRef;
  /** The share, when it is defined in this program. */
  public readonly share?: FileShare;
  /** Role-assignment scope of the share. */
  public readonly shareScopeId: string;
  /** Role granted to users of the instances it is mounted on. */
  public readonly userRole: BuiltInRole;
  private readonly opts: FileShareMountOptions & Partial<ExistingFileShareMountProps>;
  private readonly mounters = new Set<IShareMounter>();

  constructor(scope: Construct, id: string, props: FileShareMountProps | ExistingFileShareMountProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const p = (props ?? {}) as Partial<FileShareMountProps & ExistingFileShareMountProps>;
    const stack = Stack.of(scope);
    const ws = p.workspace;
    const name =
      p.datastoreName !== undefined
        ? String(p.datastoreName)
        : Names.derive('datastore', p.previousPath ?? `${Names.pathFor(scope)}/${id}`);
    const wsId =
      typeof ws?.workspaceId === 'string'
        ? ws.workspaceId
        : `${stack.providerPrefix()}Microsoft.MachineLearningServices/workspaces/missing`;
    const resourceId = `${wsId}/datastores/${name}`;
    super(scope, id, { armType: TYPE, apiVersion: apiVersionFor(TYPE), resourceId, resourceName: name, options: p });
    reportPropProblems(this, prepared.problems);
    Object.defineProperty(this, MOUNT, { value: true });
    this.opts = p as FileShareMountOptions & Partial<ExistingFileShareMountProps>;
    this.datastoreName = name;
    this.datastoreId = resourceId;
    this.workspace = ws as IWorkspaceRef;
    this.mountPath = p.mountPath ?? `${MOUNT_ROOT}/${name}`;
    this.readOnly = p.readOnly === true;
    const defaultRole = this.readOnly
      ? BuiltInRole.STORAGE_FILE_DATA_SMB_SHARE_READER
      : BuiltInRole.STORAGE_FILE_DATA_SMB_SHARE_CONTRIBUTOR;
    this.userRole = BuiltInRole.isBuiltInRole(p.userRole) ? p.userRole : defaultRole;
    if (p.userRole !== undefined && !BuiltInRole.isBuiltInRole(p.userRole)) {
      this.err(
        'UnknownRole',
        'userRole must be a BuiltInRole',
        typeof p.userRole === 'string' ? p.userRole : '(not a BuiltInRole)',
        'a BuiltInRole constant, e.g. BuiltInRole.STORAGE_FILE_DATA_SMB_SHARE_READER',
        `use BuiltInRole.fromName(...) or leave userRole unset (${defaultRole.roleName})`,
      );
    }
    if (p.readOnly !== undefined && typeof p.readOnly !== 'boolean') {
      this.err(
        'InvalidPropType',
        'readOnly must be true or false',
        p.readOnly,
        'a boolean',
        'set readOnly: true or false',
      );
    }

    if (!ws || typeof ws.workspaceId !== 'string') {
      this.err(
        'MissingWorkspace',
        'a FileShareMount needs the workspace to register the datastore in',
        undefined,
        'a Workspace or Workspace.fromWorkspaceId(...)',
        'set workspace',
      );
    } else if (AzureResource.isAzureResource(ws)) this.addDependency(ws);

    if (p.share !== undefined) {
      const share = p.share;
      if (!FileShare.isFileShare(share)) {
        this.err(
          'InvalidFileShare',
          'share must be a FileShare construct',
          undefined,
          'new FileShare(...), or FileShareMount.fromExistingShare for a share defined elsewhere',
          'pass a FileShare',
        );
        this.storageAccountName = '';
        this.shareName = '';
        this.shareScopeId = '';
      } else {
        this.share = share;
        this.storageAccountName = share.storageAccountName;
        this.shareName = share.shareName;
        this.shareScopeId = share.roleScopeId;
        this.addDependency(share);
        if (share.protocol === 'NFS') {
          this.err(
            'NfsShareNotSupported',
            `share ${share.node.path} uses NFS; Azure ML AzureFile datastores and instance mounts need SMB`,
            'NFS',
            'SMB',
            'use protocol: "SMB" for shares mounted through Azure ML',
          );
        }
      }
    } else {
      this.storageAccountName = typeof p.storageAccountName === 'string' ? p.storageAccountName : '';
      this.shareName = typeof p.shareName === 'string' ? p.shareName : '';
      if (!/^[a-z0-9]{3,24}$/.test(this.storageAccountName)) {
        this.err(
          'InvalidStorageAccountName',
          `storageAccountName "${String(p.storageAccountName)}" is not a storage account name`,
          p.storageAccountName,
          NAME_RULES.storageAccount.description,
          'copy the name from `az storage account list --query [].name`',
        );
      }
      if (!/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(this.shareName)) {
        this.err(
          'InvalidShareName',
          `shareName "${String(p.shareName)}" is not a file share name`,
          p.shareName,
          '3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit, no "--"',
          'copy the name from `az storage share-rm list`',
        );
      }
      const sub = p.storageAccountSubscriptionId ?? ws?.subscriptionId ?? stack.subscriptionId;
      const rg = p.storageAccountResourceGroup ?? ws?.resourceGroupName ?? stack.resourceGroupName;
      this.shareScopeId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${this.storageAccountName}/fileServices/default/fileshares/${this.shareName}`;
    }

    if (
      p.datastoreName !== undefined &&
      (Names.check('datastore', name) || name.toLowerCase() === DEFAULT_FILE_SHARE_DATASTORE)
    ) {
      this.err(
        'InvalidDatastoreName',
        `datastore name "${name}" is not valid${name.toLowerCase() === DEFAULT_FILE_SHARE_DATASTORE ? ' (reserved for the workspace default share)' : ''}`,
        name,
        `${NAME_RULES.datastore.description}; not one of workspaceblobstore, workspacefilestore, ${DEFAULT_FILE_SHARE_DATASTORE}, workspaceartifactstore`,
        'rename the datastore or leave datastoreName unset',
      );
    } else if (
      p.datastoreName !== undefined &&
      ['workspaceblobstore', 'workspacefilestore', 'workspaceartifactstore'].includes(name.toLowerCase())
    ) {
      this.err(
        'InvalidDatastoreName',
        `datastore name "${name}" is reserved for the workspace's own datastores`,
        name,
        'a name not used by Azure ML itself',
        'rename the datastore',
      );
    }
    const mp = mountPathProblem(this.mountPath);
    if (mp)
      this.err(
        'InvalidMountPath',
        `mountPath "${this.mountPath}" ${mp}`,
        this.mountPath,
        `an absolute path without "..", not ${NOTEBOOK_DIRECTORY} or below it`,
        `leave mountPath unset (${MOUNT_ROOT}/<datastore>) or choose another absolute path`,
      );
    const sda = p.serviceDataAccessAuthIdentity;
    if (
      sda !== undefined &&
      !['None', 'WorkspaceSystemAssignedIdentity', 'WorkspaceUserAssignedIdentity'].includes(sda)
    ) {
      this.err(
        'InvalidServiceDataAccessIdentity',
        `serviceDataAccessAuthIdentity "${String(sda)}" is not valid`,
        sda,
        'None | WorkspaceSystemAssignedIdentity | WorkspaceUserAssignedIdentity',
        'pick one of the allowed values',
      );
    }
  }

  /** Instances registered as mounting this share. */
  public get mountedOn(): readonly IShareMounter[] {
    return [...this.mounters];
  }

  /**
   * Called by compute instances that mount the share: grants the instance's assigned user {@link userRole} on the
   * share (once per user), unless `grantInstanceUsers` is false.
   */
  public registerMount(compute: IShareMounter): void {
    if (this.mounters.has(compute)) return;
    this.mounters.add(compute);
    const u = compute.assignedUser;
    if ((this.opts.grantInstanceUsers ?? true) && u && Principal.isPrincipalLike(u)) this.grantAccess(u);
  }

  /** Grant a principal {@link userRole} (or `role`) on the share. */
  public grantAccess(principal: IPrincipal, role: BuiltInRole = this.userRole): RoleAssignment {
    const ra = grant(this.shareScopeId, principal, role, {
      parent: this,
      description: `amlcdk: ${role.roleName} on file share ${this.shareName} (datastore ${this.datastoreName})`,
    });
    if (this.share) ra.addDependency(this.share);
    return ra;
  }

  protected renderBody(): Record<string, unknown> {
    const o = this.opts;
    const external = !this.share;
    // Empty names and invalid enum values only occur after a coded error was recorded (and then nothing is written);
    // render neutral values so the schema check does not report the same mistake a second time.
    const sda = ['None', 'WorkspaceSystemAssignedIdentity', 'WorkspaceUserAssignedIdentity'].includes(
      o.serviceDataAccessAuthIdentity as string,
    )
      ? o.serviceDataAccessAuthIdentity
      : 'WorkspaceSystemAssignedIdentity';
    return {
      properties: {
        datastoreType: 'AzureFile',
        accountName: this.storageAccountName || '-',
        fileShareName: this.shareName || '-',
        endpoint: 'core.windows.net',
        protocol: 'https',
        credentials: { credentialsType: 'None' },
        serviceDataAccessAuthIdentity: sda,
        ...(external && o.storageAccountResourceGroup !== undefined
          ? { resourceGroup: o.storageAccountResourceGroup }
          : {}),
        ...(external && o.storageAccountSubscriptionId !== undefined
          ? { subscriptionId: o.storageAccountSubscriptionId }
          : {}),
        ...(o.description !== undefined ? { description: o.description } : {}),
      },
    };
  }

  private err(code: string, message: string, value: unknown, allowed: string, fix: string): void {
    recordError(
      this,
      new ValidationError(code, message, this, {
        value,
        allowed,
        fix,
        ...(this.source ? { source: this.source } : {}),
      }),
    );
  }
}

/** Props of {@link WorkspaceDefaultFileShare}. */
export interface WorkspaceDefaultFileShareProps {
  /** The workspace. */
  readonly workspace: IWorkspaceRef;
  /**
   * The workspace's storage account name, when known.
   * @default - unknown ('')
   */
  readonly storageAccountName?: string;
}

/**
 * The workspace's default file share: Azure ML creates it with the workspace, registers it as the
 * `workspaceworkingdirectory` datastore and mounts it on every compute instance at
 * `/home/azureuser/cloudfiles/code`, where Jupyter, JupyterLab, RStudio and VS Code open ("Users" files). It is a
 * reference only: it renders no resource and compute adds no data mount for it (`isWorkspaceDefault`).
 *
 * @example
 * const notebooks = new WorkspaceDefaultFileShare(ws, 'DefaultShare', { workspace: ws });
 * notebooks.mountPath // '/home/azureuser/cloudfiles/code'
 */
export class WorkspaceDefaultFileShare extends Construct implements IFileShareMountRef {
  public readonly datastoreName = DEFAULT_FILE_SHARE_DATASTORE;
  public readonly storageAccountName: string;
  /** Assigned by Azure ML (`code-<workspace guid>`); unknown at synthesis. */
  public readonly shareName = '';
  public readonly mountPath = NOTEBOOK_DIRECTORY;
  public readonly readOnly = false;
  public readonly isWorkspaceDefault = true;
  /** It is the default notebook directory of every compute instance. */
  public readonly isNotebookDirectory = true;
  public readonly workspace: IWorkspaceRef;

  constructor(scope: Construct, id: string, props: WorkspaceDefaultFileShareProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    super(scope, id);
    reportPropProblems(this, prepared.problems);
    this.workspace = props.workspace;
    this.storageAccountName = props.storageAccountName ?? '';
  }
}

function mountPathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return 'is not an absolute path';
  if (path.split('/').some((seg) => seg === '..' || seg === '.')) return 'contains "." or ".." segments';
  if (/[\s\\:*?"<>|]/.test(path)) return 'contains whitespace or characters not allowed in mount paths';
  const norm = path.replace(/\/+$/, '');
  if (norm === NOTEBOOK_DIRECTORY || norm.startsWith(`${NOTEBOOK_DIRECTORY}/`))
    return `would hide the notebook directory ${NOTEBOOK_DIRECTORY} (the workspace default share)`;
  if (norm === '' || norm === '/home/azureuser' || norm === '/home/azureuser/cloudfiles')
    return 'would mount over a system directory';
  return undefined;
}
