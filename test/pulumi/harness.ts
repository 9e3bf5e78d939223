/**
 * Test harness for the Pulumi component under `pulumi.runtime.setMocks`: records every registered resource (type,
 * name, inputs as the engine receives them), every invoke, and every child's resource options (through a
 * component-level transformation, which sees exactly what Pulumi sees: parent, dependsOn, replaceOnChanges...).
 */
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import type { AmlcdkComponent } from '../../lib/pulumi/component.js';

/** Pulumi's marker for a secret value in serialized inputs. */
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
export const SIG_KEY = '4dabf18193072939515e22adb298388d';

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

export interface Captured {
  readonly type: string;
  readonly name: string;
  readonly opts: pulumi.CustomResourceOptions;
  readonly resource: pulumi.Resource;
}

export interface MockState {
  readonly registered: Registered[];
  readonly calls: { token: string; inputs: Record<string, unknown> }[];
  /** Login server the mock returns for registries. */
  loginServer: string;
  /** What listRegistryCredentials answers. */
  adminPassword: string | undefined;
  /** The provider's subscription getClientConfig reports (undefined: not reported, the check is skipped). */
  subscriptionId: string | undefined;
}

export const TENANT = '00000000-0000-0000-0000-0000000000aa';
export const DIGEST = 'sha256:' + 'ab'.repeat(32);

/** Install the mocks (once per process; each test file runs in its own process). */
export function installMocks(project = 'amlcdk-test'): MockState {
  const state: MockState = {
    registered: [],
    calls: [],
    loginServer: 'teamacr.azurecr.io',
    adminPassword: 'admin-pw',
    subscriptionId: undefined,
  };
  void pulumi.runtime.setMocks(
    {
      newResource(args) {
        state.registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const extra: Record<string, unknown> = {};
        if (args.type === 'azure-native:containerregistry:Registry') extra.loginServer = state.loginServer;
        // What Azure assigns to identities (a deterministic GUID per resource name), as azure-native reports it.
        const identity = args.inputs.identity as { type?: string } | undefined;
        if (typeof identity?.type === 'string' && identity.type.includes('SystemAssigned'))
          extra.identity = { ...identity, principalId: mockGuid(`principal|${args.name}`), tenantId: TENANT };
        if (args.type === 'azure-native:managedidentity:UserAssignedIdentity') {
          extra.principalId = mockGuid(`principal|${args.name}`);
          extra.clientId = mockGuid(`client|${args.name}`);
          extra.tenantId = TENANT;
        }
        if (args.type === 'docker:index/image:Image') {
          const name = unwrap(args.inputs.imageName) as string;
          extra.repoDigest = `${name.replace(/:[^:/]+$/, '')}@${DIGEST}`;
        }
        return { id: `${args.name}_id`, state: { ...args.inputs, ...extra } };
      },
      call(args) {
        state.calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
        switch (args.token) {
          case 'azure-native:containerregistry:listRegistryCredentials':
            return {
              username: 'teamacr',
              passwords: state.adminPassword ? [{ name: 'password', value: state.adminPassword }] : [],
            };
          case 'azure-native:authorization:getClientToken':
            return { token: 'arm-access-token' };
          case 'azure-native:authorization:getClientConfig':
            return {
              clientId: 'c',
              objectId: 'o',
              ...(state.subscriptionId ? { subscriptionId: state.subscriptionId } : {}),
              tenantId: TENANT,
            };
          case 'azure-native:containerregistry:getRegistry':
            return { loginServer: state.loginServer };
          default:
            return {};
        }
      },
    },
    project,
    'dev',
    false,
  );
  return state;
}

/** A GUID derived from a string, for mock principal and client ids. */
export function mockGuid(s: string): string {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Strip Pulumi's secret wrappers from serialized inputs. */
export function unwrap(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrap);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return unwrap(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrap(x)]));
  }
  return v;
}

export function isSecretWrapped(v: unknown): boolean {
  return v !== null && typeof v === 'object' && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The value of an Output (resolves once the mock has answered). */
export function valueOf<T>(o: pulumi.Input<T> | undefined): Promise<T> {
  return new Promise((resolve) =>
    pulumi.output(o as pulumi.Input<T>).apply((v) => {
      resolve(v as T);
      return v;
    }),
  );
}

/** A transformation that records the options of every child of a component. */
export function recordOptions(into: Captured[]): pulumi.ResourceTransformation {
  return (t) => {
    into.push({ type: t.type, name: t.name, opts: t.opts, resource: t.resource });
    return undefined;
  };
}

/** Wait until every child of the component is registered with the mock monitor. */
export async function settle(component: AmlcdkComponent): Promise<void> {
  await valueOf(component.urn);
  await Promise.all(Object.values(component.resources).map((r) => valueOf(r.id)));
  await Promise.all(Object.values(component.images).map((r) => valueOf(r.id)));
}
