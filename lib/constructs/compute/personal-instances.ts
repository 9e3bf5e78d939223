/**
 * `PersonalComputeInstances`: one compute instance per person, from one template. Each instance is assigned to
 * its user and the user is granted AzureML Compute Operator on their own instance only.
 *
 * A user's instance is named from that user alone: the readable part of their display name (transliterated:
 * José Müller → `jose-muller`) and a hash of their object id, the fleet's path and the workspace's region. Adding,
 * removing or reordering users (a directory group listing has no guaranteed order), namesakes included, never
 * renames anyone else's instance, which would replace it: its disk is lost and the name could be reused by
 * another person. The construct id of each instance is the user's object id, so its address is stable too.
 */
import { Construct } from 'constructs';
import { Annotations } from '../../core/annotations.js';
import { Names, hash32, type NamingProps } from '../../core/names.js';
import { transliterate } from '../../core/transliterate.js';
import { text } from '../../core/text.js';
import { isGuid } from '../../core/validators.js';
import type { IPrincipal } from '../refs.js';
import { findWorkspace } from './base.js';
import { ComputeInstance, type ComputeInstanceOptions } from './compute-instance.js';
import { prepareConstruct, reportPropProblems } from '../../core/props.js';
import { isReadableObject } from '../../core/brand.js';

/** Props of {@link PersonalComputeInstances}. */
export interface PersonalComputeInstancesProps extends NamingProps {
  /** The people (User principals with object id, tenant id and a short displayName). */
  readonly users: readonly IPrincipal[];
  /** Settings every instance gets. */
  readonly template: ComputeInstanceOptions;
  /**
   * Grant each user AzureML Compute Operator on their own instance (start/stop/restart).
   * @default true
   */
  readonly grantOperator?: boolean;
  /**
   * Compute names for some users, by object id: keeps an existing instance's name (e.g. one created before this
   * naming, or after a user's display name changed), since a new name replaces the instance.
   * @default - derived from the user's display name and object id
   */
  readonly instanceNames?: Readonly<Record<string, string>>;
}

/**
 * The compute name of a user's instance: a pure function of the user (display name, object id) and of where the
 * fleet lives (`salt`: the fleet's path and the workspace's subscription, resource group and region), so no other
 * user, and no order, can change it. 3-24 characters, valid under the 2025-12-01 compute name rule.
 *
 * @example
 * personalInstanceName({ objectId, displayName: 'José Müller', principalType: 'User' }, 'Team/Ws/Personal|…') // 'jose-muller-k3v9qzb'
 */
export function personalInstanceName(user: IPrincipal, salt: string): string {
  const u: Partial<IPrincipal> = isReadableObject(user) ? user : {};
  const readable = transliterate(text(u.displayName ?? ''))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 24 - 8)
    .replace(/-+$/, '');
  const h = hash32(`${text(salt)}|${text(u.objectId).toLowerCase()}`).slice(0, 7);
  // A letter last, so the name never ends in "-<digits>".
  const tail = /[a-z]$/.test(h) ? h : h.slice(0, -1) + 'abcdefghijklmnopqrstuvwxyz'[h.charCodeAt(6) % 26];
  return `${readable || 'user'}-${tail}`;
}

/**
 * Personal compute instances for a team.
 *
 * @example
 * new PersonalComputeInstances(ws, 'Team', {
 *   users: [alice, bob, carol],
 *   template: { vmSize: VmSize.STANDARD_DS3_V2, idleShutdown: Duration.minutes(60) },
 *   instanceNames: { [carol.objectId]: 'carol-old-name' },
 * });
 */
export class PersonalComputeInstances extends Construct {
  /** The instances, by user object id (lower case). */
  public readonly instances: ReadonlyMap<string, ComputeInstance>;

  constructor(scope: Construct, id: string, props: PersonalComputeInstancesProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    super(scope, id);
    reportPropProblems(this, prepared.problems);
    const map = new Map<string, ComputeInstance>();
    const users: readonly unknown[] = Array.isArray(props?.users) ? props.users : [];
    if (users.length === 0) {
      Annotations.of(this).addError('NoUsers', 'PersonalComputeInstances needs at least one user', {
        fix: 'pass users: [Principal.user(objectId, { tenantId, displayName })]',
      });
    }
    const overrides: Readonly<Record<string, unknown>> =
      props?.instanceNames && typeof props.instanceNames === 'object' ? props.instanceNames : {};
    const overrideByOid = new Map(Object.entries(overrides).map(([k, v]) => [k.toLowerCase(), v]));
    const ws = props?.template?.workspace ?? findWorkspace(scope);
    const fleetPath =
      typeof props?.previousPath === 'string' ? props.previousPath.replace(/^\/+|\/+$/g, '') : Names.pathFor(this);
    const salt = ws ? `${fleetPath}|${ws.subscriptionId}/${ws.resourceGroupName}/${ws.location}`.toLowerCase() : '';
    users.forEach((raw, i) => {
      if (raw === null || typeof raw !== 'object') {
        Annotations.of(this).addError('InvalidPrincipal', `users[${i}] is not a principal`, {
          value: raw === undefined || raw === null ? null : typeof raw,
          allowed: 'Principal.user(objectId, { tenantId, displayName })',
          fix: 'build every user with Principal.user',
        });
        return;
      }
      const user = raw as IPrincipal;
      const oid = typeof user.objectId === 'string' ? user.objectId.trim().toLowerCase() : '';
      if (!isGuid(oid)) {
        Annotations.of(this).addError('InvalidPrincipal', `users[${i}] has no object id (GUID)`, {
          value: typeof user.objectId === 'string' ? user.objectId : typeof user.objectId,
          allowed: 'a GUID object id from Entra ID',
          fix: 'use Principal.user(objectId, { tenantId }) with the id from `az ad user show --id <upn> --query id`',
        });
        return;
      }
      if (map.has(oid)) {
        Annotations.of(this).addError('DuplicatePrincipal', `user ${user.displayName ?? oid} is listed twice`, {
          value: oid,
          fix: 'list each person once',
        });
        return;
      }
      const given = overrideByOid.get(oid);
      const computeName = typeof given === 'string' ? given : personalInstanceName(user, salt);
      if (given !== undefined && typeof given !== 'string') {
        Annotations.of(this).addError('InvalidPropType', `instanceNames["${oid}"] must be a string`, {
          value: given === null ? null : typeof given,
          allowed: 'a compute name (3-24 letters, digits or "-")',
          fix: 'give the name as a string, or leave the user out of instanceNames',
        });
      }
      const instance = new ComputeInstance(this, oid, {
        ...(props.template ?? ({} as ComputeInstanceOptions)),
        assignedUser: user,
        computeName,
        ...(typeof props.previousPath === 'string' ? { previousPath: `${fleetPath}/${oid}` } : {}),
      });
      map.set(oid, instance);
      if (props?.grantOperator ?? true) instance.grants.operator(user);
    });
    for (const oid of overrideByOid.keys()) {
      if (!map.has(oid)) {
        Annotations.of(this).addWarning(
          'azureml:fleet:unusedInstanceName',
          `instanceNames has a name for ${oid}, who is not among the users`,
          { value: oid, fix: 'remove the entry, or add the user' },
        );
      }
    }
    this.instances = map;
  }
}
