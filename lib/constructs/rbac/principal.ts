/**
 * `Principal`: an Entra ID principal (user, group, service principal, managed identity) to grant roles to or to
 * assign a compute instance to.
 */
import { ValidationError } from '../../core/errors.js';
import { types } from 'node:util';
import { safeJson } from '../../core/redact.js';
import { Reference } from '../../core/reference.js';
import type { IPrincipal } from '../refs.js';
import { hasBrand, isReadableObject } from '../../core/brand.js';

const PRINCIPAL = Symbol.for('amlcdk.Principal');
const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Options of the `Principal` factories. */
export interface PrincipalOptions {
  /**
   * Tenant id (GUID). Required to assign a compute instance to a user.
   * @default - unknown
   */
  readonly tenantId?: string;
  /**
   * Short human name used in derived names and docs (e.g. `alice`). Never sent to Azure.
   * @default - none (derived names use the object id)
   */
  readonly displayName?: string;
}

/**
 * An Entra ID principal, identified by its object id.
 *
 * @example
 * const alice = Principal.user('11111111-1111-1111-1111-111111111111', { tenantId: TENANT, displayName: 'alice' });
 * const team = Principal.group('22222222-2222-2222-2222-222222222222', { displayName: 'ml-team' });
 * const ci = Principal.managedIdentity('33333333-3333-3333-3333-333333333333');
 */
export class Principal implements IPrincipal {
  /** A user (`principalType: User`). */
  public static user(objectId: string, options: PrincipalOptions = {}): Principal {
    return new Principal(objectId, 'User', options, 'Principal.user');
  }

  /** A security group (`principalType: Group`). */
  public static group(objectId: string, options: PrincipalOptions = {}): Principal {
    return new Principal(objectId, 'Group', options, 'Principal.group');
  }

  /** An application's service principal (`principalType: ServicePrincipal`). Use its *object* id, not the app id. */
  public static servicePrincipal(objectId: string, options: PrincipalOptions = {}): Principal {
    return new Principal(objectId, 'ServicePrincipal', options, 'Principal.servicePrincipal');
  }

  /**
   * A managed identity (system- or user-assigned), by its principal (object) id: a GUID, or a deploy-time value such
   * as `cluster.identity.principalId` or `uai.principalId`. ARM types managed identities as `ServicePrincipal`.
   */
  public static managedIdentity(principalId: string, options: PrincipalOptions = {}): Principal {
    return new Principal(principalId, 'ServicePrincipal', options, 'Principal.managedIdentity');
  }

  /** A group from another tenant (`principalType: ForeignGroup`). */
  public static foreignGroup(objectId: string, options: PrincipalOptions = {}): Principal {
    return new Principal(objectId, 'ForeignGroup', options, 'Principal.foreignGroup');
  }

  public static isPrincipal(x: unknown): x is Principal {
    return hasBrand(x, PRINCIPAL);
  }

  /** Whether any value is usable as an `IPrincipal` (has a GUID object id and a known principal type). */
  public static isPrincipalLike(x: unknown): x is IPrincipal {
    if (!isReadableObject(x)) return false;
    const r = x as Record<string, unknown>;
    return (
      typeof r.objectId === 'string' &&
      (GUID_RE.test(r.objectId) || Reference.isReference(r.objectId)) &&
      ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'].includes(r.principalType as string)
    );
  }

  /** Object id (lower-case GUID). */
  public readonly objectId: string;
  public readonly tenantId?: string;
  public readonly principalType: IPrincipal['principalType'];
  public readonly displayName?: string;

  private constructor(objectId: string, type: IPrincipal['principalType'], options: PrincipalOptions, factory: string) {
    Object.defineProperty(this, PRINCIPAL, { value: true });
    // A Proxy's traps would run (and may throw) on every read: options must be plain data.
    const o = options !== null && typeof options === 'object' && !types.isProxy(options) ? options : {};
    const deployTime = type === 'ServicePrincipal' && Reference.isReference(objectId);
    if (!deployTime && (typeof objectId !== 'string' || !GUID_RE.test(objectId.trim()))) {
      throw new ValidationError(
        'InvalidPrincipalId',
        `${factory}: object id ${safeJson(objectId)} is not a GUID`,
        `<${factory}>`,
        {
          value: objectId,
          allowed: 'a GUID like 11111111-2222-3333-4444-555555555555',
          fix:
            type === 'User'
              ? "use the user's object id: `az ad user show --id <upn> --query id -o tsv`"
              : type === 'Group'
                ? "use the group's object id: `az ad group show --group <name> --query id -o tsv`"
                : "use the service principal's object id: `az ad sp show --id <appId> --query id -o tsv` (not the application id)",
        },
      );
    }
    if (o.tenantId !== undefined && (typeof o.tenantId !== 'string' || !GUID_RE.test(o.tenantId.trim()))) {
      throw new ValidationError(
        'InvalidTenantId',
        `${factory}: tenantId ${safeJson(o.tenantId)} is not a GUID`,
        `<${factory}>`,
        {
          value: o.tenantId,
          allowed: 'a GUID like 11111111-2222-3333-4444-555555555555',
          fix: 'use `az account show --query tenantId -o tsv`',
        },
      );
    }
    if (o.displayName !== undefined && (typeof o.displayName !== 'string' || o.displayName.trim().length === 0)) {
      throw new ValidationError(
        'InvalidPrincipalDisplayName',
        `${factory}: displayName must be a non-empty string`,
        `<${factory}>`,
        {
          value: o.displayName,
          allowed: 'a short name such as "alice"',
          fix: 'set displayName or leave it out',
        },
      );
    }
    // A deploy-time value (cluster.identity.principalId) is kept as it is: it stands for the GUID Azure assigns.
    this.objectId = deployTime ? objectId : objectId.trim().toLowerCase();
    this.principalType = type;
    if (o.tenantId !== undefined) this.tenantId = o.tenantId.trim().toLowerCase();
    if (o.displayName !== undefined) this.displayName = o.displayName.trim();
  }

  /** A short label: the display name, else the first block of the object id. */
  public get label(): string {
    return this.displayName ?? this.objectId.slice(0, 8);
  }

  public toString(): string {
    return `${this.principalType}:${this.displayName ? `${this.displayName}(${this.objectId})` : this.objectId}`;
  }
}
