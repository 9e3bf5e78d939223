/**
 * `FileShare`: an Azure Files share (`Microsoft.Storage/storageAccounts/fileServices/shares`, api 2024-01-01).
 *
 * Limits (../shared/reference/azureml-api.md §9.3): name 3–63 lower-case letters, digits and single hyphens;
 * `shareQuota` 1–5120 GiB, or up to 102400 GiB on accounts with large file shares (and premium FileStorage);
 * `enabledProtocols` SMB or NFS, fixed at creation; `rootSquash` only for NFS.
 */
import type { Construct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack } from '../../core/stack.js';
import { Names, hash32, type NamingProps } from '../../core/names.js';
import { recordError } from '../../core/annotations.js';
import { ValidationError } from '../../core/errors.js';
import { parseArmId } from '../../core/validators.js';
import { apiVersionFor } from '../../catalog/api-versions.js';
import { prepareConstruct, reportPropProblems } from '../../core/props.js';
import { hasBrand } from '../../core/brand.js';

const SHARE = Symbol.for('amlcdk.FileShare');
const TYPE = 'Microsoft.Storage/storageAccounts/fileServices/shares';
const SHARE_NAME_RE = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** A storage account: a construct that has a name and an ARM id (e.g. the workspace's `WorkspaceStorageAccount`). */
export interface IStorageAccount {
  readonly storageAccountName: string;
  /** Full ARM id of the account. */
  readonly resourceId: string;
}

/** Access tiers of a standard file share. */
export type FileShareAccessTier = 'TransactionOptimized' | 'Hot' | 'Cool' | 'Premium';

/** Props of a {@link FileShare}. */
export interface FileShareProps extends ResourceOptionsProps, NamingProps {
  /** The storage account: a construct (e.g. `workspace.storageAccount`) or the account's ARM id. */
  readonly storageAccount: IStorageAccount | string;
  /**
   * Share name.
   * @default - derived from the construct path (lower case, with a short hash)
   */
  readonly shareName?: string;
  /**
   * Provisioned size in GiB: 1–5120, or up to 102400 with `largeFileShares`.
   * @default 100
   */
  readonly quotaGiB?: number;
  /**
   * Access tier (standard accounts); `Premium` for premium FileStorage accounts.
   * @default - Azure's default, `TransactionOptimized`
   */
  readonly accessTier?: FileShareAccessTier;
  /**
   * Protocol, fixed at creation. NFS needs a premium FileStorage account and cannot be an Azure ML datastore.
   * @default 'SMB'
   */
  readonly protocol?: 'SMB' | 'NFS';
  /**
   * NFS root squash.
   * @default - Azure's default (`NoRootSquash`); only valid with NFS
   */
  readonly rootSquash?: 'NoRootSquash' | 'RootSquash' | 'AllSquash';
  /**
   * The account has large file shares enabled (or is premium), so quotas above 5120 GiB are allowed.
   * @default false
   */
  readonly largeFileShares?: boolean;
  /**
   * Share metadata.
   * @default - none
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * An Azure Files share.
 *
 * @example
 * const share = new FileShare(stack, 'TeamShare', { storageAccount: workspace.storageAccount, quotaGiB: 1024 });
 * new FileShareMount(stack, 'TeamMount', { workspace, share });
 */
export class FileShare extends AzureResource {
  public static isFileShare(x: unknown): x is FileShare {
    return hasBrand(x, SHARE);
  }

  /** @attribute */
  public readonly shareName: string;
  /** @attribute */
  public readonly shareId: string;
  /** Name of the storage account. */
  public readonly storageAccountName: string;
  /** ARM id of the storage account. */
  public readonly storageAccountId: string;
  /**
   * Scope id for share-level role assignments (`…/fileServices/default/fileshares/<share>`, the form Azure RBAC
   * uses for Azure Files share scopes).
   */
  public readonly roleScopeId: string;
  public readonly protocol: 'SMB' | 'NFS';
  public readonly quotaGiB: number;
  private readonly props: FileShareProps;

  constructor(scope: Construct, id: string, props: FileShareProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    Stack.of(scope);
    const p = (props ?? {}) as Partial<FileShareProps>;
    const account = resolveAccount(p.storageAccount);
    const name =
      p.shareName !== undefined
        ? String(p.shareName)
        : deriveShareName(p.previousPath ?? `${Names.pathFor(scope)}/${id}`);
    const accountId = account?.id ?? `${Stack.of(scope).providerPrefix()}Microsoft.Storage/storageAccounts/invalid`;
    const resourceId = `${accountId}/fileServices/default/shares/${name}`;
    super(scope, id, { armType: TYPE, apiVersion: apiVersionFor(TYPE), resourceId, resourceName: name, options: p });
    reportPropProblems(this, prepared.problems);
    Object.defineProperty(this, SHARE, { value: true });
    this.props = p as FileShareProps;
    this.shareName = name;
    this.shareId = resourceId;
    this.storageAccountName = account?.name ?? '';
    this.storageAccountId = accountId;
    this.roleScopeId = `${accountId}/fileServices/default/fileshares/${name}`;
    this.protocol = p.protocol ?? 'SMB';
    this.quotaGiB = p.quotaGiB ?? 100;

    if (!account) {
      this.err(
        'InvalidStorageAccountId',
        `storageAccount ${typeof p.storageAccount === 'string' ? `"${p.storageAccount}"` : ''} is not a storage account or its ARM id`.replace(
          '  ',
          ' ',
        ),
        typeof p.storageAccount === 'string' ? p.storageAccount : undefined,
        '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>, or a construct with storageAccountName and resourceId',
        'pass workspace.storageAccount or the account id',
      );
    } else if (typeof p.storageAccount === 'object' && AzureResource.isAzureResource(p.storageAccount)) {
      this.addDependency(p.storageAccount);
    }
    if (!SHARE_NAME_RE.test(name)) {
      this.err(
        'InvalidShareName',
        `share name "${name}" is not valid`,
        name,
        '3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit, no "--"',
        'rename the share or leave shareName unset to derive one',
      );
    }
    const max = p.largeFileShares ? 102400 : 5120;
    if (!Number.isInteger(this.quotaGiB) || this.quotaGiB < 1 || this.quotaGiB > max) {
      this.err(
        'InvalidShareQuota',
        `quotaGiB ${String(p.quotaGiB)} is outside 1-${max}`,
        p.quotaGiB,
        p.largeFileShares
          ? 'an integer from 1 to 102400'
          : 'an integer from 1 to 5120 (up to 102400 with largeFileShares on the account)',
        this.quotaGiB > 5120 && !p.largeFileShares
          ? 'enable large file shares on the account and set largeFileShares: true, or lower quotaGiB'
          : 'set quotaGiB within the range',
      );
    }
    if (p.protocol !== undefined && p.protocol !== 'SMB' && p.protocol !== 'NFS') {
      this.err(
        'InvalidShareProtocol',
        `protocol "${String(p.protocol)}" is not SMB or NFS`,
        p.protocol,
        'SMB | NFS',
        'use SMB (required for Azure ML datastores)',
      );
    }
    if (p.rootSquash !== undefined && this.protocol !== 'NFS') {
      this.err(
        'InvalidRootSquash',
        'rootSquash only applies to NFS shares',
        p.rootSquash,
        'rootSquash with protocol: "NFS"',
        'remove rootSquash or use protocol NFS',
      );
    }
    if (p.accessTier !== undefined && !['TransactionOptimized', 'Hot', 'Cool', 'Premium'].includes(p.accessTier)) {
      this.err(
        'InvalidShareAccessTier',
        `accessTier "${String(p.accessTier)}" is not valid`,
        p.accessTier,
        'TransactionOptimized | Hot | Cool | Premium',
        'pick one of the allowed tiers',
      );
    }
  }

  protected renderBody(): Record<string, unknown> {
    const p = this.props;
    // Invalid values were reported with a coded error; leave them out so the schema does not report them twice.
    const max = p.largeFileShares ? 102400 : 5120;
    const quotaOk = Number.isInteger(this.quotaGiB) && this.quotaGiB >= 1 && this.quotaGiB <= max;
    const protocolOk = this.protocol === 'SMB' || this.protocol === 'NFS';
    return {
      properties: {
        ...(quotaOk ? { shareQuota: this.quotaGiB } : {}),
        ...(protocolOk ? { enabledProtocols: this.protocol } : {}),
        ...(p.accessTier !== undefined && ['TransactionOptimized', 'Hot', 'Cool', 'Premium'].includes(p.accessTier)
          ? { accessTier: p.accessTier }
          : {}),
        ...(p.rootSquash !== undefined ? { rootSquash: p.rootSquash } : {}),
        ...(p.metadata && Object.keys(p.metadata).length ? { metadata: { ...p.metadata } } : {}),
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

/** Name and id of a storage account given as a construct or an id; undefined when neither. */
export function resolveAccount(a: IStorageAccount | string | undefined): { name: string; id: string } | undefined {
  if (typeof a === 'string') {
    const parsed = parseArmId(a);
    if (!parsed || parsed.type.toLowerCase() !== 'microsoft.storage/storageaccounts') return undefined;
    return { name: parsed.name, id: a };
  }
  if (a && typeof a === 'object' && typeof a.storageAccountName === 'string' && typeof a.resourceId === 'string') {
    return { name: a.storageAccountName, id: a.resourceId };
  }
  return undefined;
}

/** Deterministic share name from a construct path: lower-case id + 6-char hash, ≤ 63 chars. */
export function deriveShareName(path: string): string {
  if (typeof path !== 'string')
    throw new ValidationError('InvalidNameArgument', 'previousPath must be a string', '<FileShare>', {
      allowed: "a construct path such as 'Team/Share'",
      fix: 'pass the old construct path as a string, or leave previousPath unset',
    });
  const id = path.split('/').filter(Boolean).pop() ?? 'share';
  const head = id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return `${head || 'share'}-${hash32(path).slice(0, 6)}`;
}
