/**
 * `PersonalComputeInstances`: one compute instance per person, from one template. Each instance is assigned to
 * its user and the user is granted AzureML Compute Operator on their own instance only.
 */
import { Construct } from 'constructs';
import { Annotations } from '../../core/annotations.js';
import { isGuid } from '../../core/validators.js';
import type { IPrincipal } from '../refs.js';
import { ComputeInstance, type ComputeInstanceOptions } from './compute-instance.js';

/** Props of {@link PersonalComputeInstances}. */
export interface PersonalComputeInstancesProps {
  /** The people (User principals with object id, tenant id and a short displayName). */
  readonly users: readonly IPrincipal[];
  /** Settings every instance gets. */
  readonly template: ComputeInstanceOptions;
  /**
   * Grant each user AzureML Compute Operator on their own instance (start/stop/restart).
   * @default true
   */
  readonly grantOperator?: boolean;
}

/**
 * Personal compute instances for a team.
 *
 * @example
 * new PersonalComputeInstances(ws, 'Team', {
 *   users: [alice, bob, carol],
 *   template: { vmSize: VmSize.STANDARD_DS3_V2, idleShutdown: Duration.minutes(60) },
 * });
 */
export class PersonalComputeInstances extends Construct {
  /** The instances, by user object id. */
  public readonly instances: ReadonlyMap<string, ComputeInstance>;

  constructor(scope: Construct, id: string, props: PersonalComputeInstancesProps) {
    super(scope, id);
    const map = new Map<string, ComputeInstance>();
    const usedIds = new Set<string>();
    const users: readonly IPrincipal[] = Array.isArray(props?.users) ? props.users : [];
    if (users.length === 0) {
      Annotations.of(this).addError('NoUsers', 'PersonalComputeInstances needs at least one user', {
        fix: 'pass users: [Principal.user(objectId, { tenantId, displayName })]',
      });
    }
    for (const user of users) {
      const oid = String(user?.objectId ?? '');
      if (map.has(oid.toLowerCase())) {
        Annotations.of(this).addError('DuplicatePrincipal', `user ${user.displayName ?? oid} is listed twice`, {
          value: oid,
          fix: 'list each person once',
        });
        continue;
      }
      // Construct id from the display name (readable names), made unique with the object id when needed.
      let cid =
        (user?.displayName ?? '').replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || `user-${oid.slice(0, 8)}`;
      if (usedIds.has(cid.toLowerCase())) cid = `${cid}-${oid.slice(0, 8)}`;
      usedIds.add(cid.toLowerCase());
      const instance = new ComputeInstance(this, cid, {
        ...(props.template ?? ({} as ComputeInstanceOptions)),
        assignedUser: user,
      });
      map.set(oid.toLowerCase(), instance);
      if ((props?.grantOperator ?? true) && isGuid(user?.objectId)) instance.grants.operator(user);
    }
    this.instances = map;
  }
}
