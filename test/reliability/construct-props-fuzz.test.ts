/**
 * Arbitrary JavaScript values for every prop of every exported construct and for every argument of every exported
 * factory (issue 14 finding 8): fast-check's `anything()` plus the values that used to crash — Proxies (whose traps
 * throw), BigInt, symbols, null-prototype, circular and deep objects, a throwing `toString`, functions, huge and
 * sparse arrays, constructs of the wrong kind or of another app — and odd construct ids. Every case must synthesize
 * or fail with a coded `AmlcdkError`; the slowest case is recorded.
 *
 * What is fuzzed is enumerated from the package exports: a construct class or a static method / function exported
 * by lib/index.ts without a scaffold here fails the first test, so a new one is not silently skipped. Prop names
 * come from docs/constructs.md (generated from the props interfaces; test/core/docs.test.ts fails when it is stale).
 * Scope arguments (`scope` of `new X(scope, …)` and of `X.fromY(scope, …)`) are not fuzzed: they are the construct
 * tree, not user data.
 *
 * Runs: AMLCDK_PROP_FUZZ_RUNS (default 200 in `npm test`; 10,000 under test:reliability); seed AMLCDK_PROP_FUZZ_SEED (14).
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Construct } from 'constructs';
import * as amlcdk from '../../lib/index.js';
import {
  App,
  ApplicationInsights,
  AttachTarget,
  BuiltInRole,
  ComputeCluster,
  Duration,
  LogAnalyticsWorkspace,
  FileShare,
  PrivateDnsZone,
  PrivateEndpoint,
  Principal,
  Stack,
  VirtualNetwork,
  VmSize,
  Workspace,
  type Subnet,
  type FileShareMount,
} from '../../lib/index.js';
import { AmlcdkError } from '../../lib/core/errors.js';
import { envCount, record } from './support.js';

const RUNS = envCount('AMLCDK_PROP_FUZZ_RUNS', 200);
const SEED = envCount('AMLCDK_PROP_FUZZ_SEED', 14);
const ROOT = join(import.meta.dirname, '..', '..');
const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';
const OID = '22222222-2222-2222-2222-222222222222';
const AKS = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks`;
const WS_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/other`;
const SUBNET_ID = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub/subnets/ml`;
const VNET_ID = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub`;

/** A build context with a Dockerfile for ContainerImageBuild (made in beforeAll). */
let imageDir = '';

/** One valid program to put a fuzzed value into; the parts other constructs need are made on first use. */
class Ctx {
  public readonly app = new App();
  public readonly stack = new Stack(this.app, 'F', {
    subscriptionId: SUB,
    resourceGroup: 'rg',
    location: 'westeurope',
  });
  private cache = new Map<string, unknown>();
  private once<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }
  get ws(): Workspace {
    return this.once('ws', () => new Workspace(this.stack, 'Ws', { tenantId: TENANT }));
  }
  get vnet(): VirtualNetwork {
    return this.once('vnet', () => new VirtualNetwork(this.stack, 'Vnet', { addressSpace: ['10.0.0.0/16'] }));
  }
  get subnet(): Subnet {
    return this.once('subnet', () => this.vnet.addSubnet('Sn', { addressPrefix: '10.0.1.0/24' }));
  }
  get zone(): PrivateDnsZone {
    return this.once('zone', () => new PrivateDnsZone(this.stack, 'Zone', { zoneName: PrivateDnsZone.AZUREML_API }));
  }
  get endpoint(): PrivateEndpoint {
    return this.once(
      'pe',
      () => new PrivateEndpoint(this.stack, 'Pe', { subnet: this.subnet, target: this.ws, groupIds: ['amlworkspace'] }),
    );
  }
  get logAnalytics(): LogAnalyticsWorkspace {
    return this.once('la', () => new LogAnalyticsWorkspace(this.stack, 'La'));
  }
  get share(): FileShare {
    return this.once(
      'share',
      () => new FileShare(this.stack, 'Share', { storageAccount: this.ws.storageAccount!, quotaGiB: 100 }),
    );
  }
  get mount(): FileShareMount {
    return this.once(
      'mount',
      () => new amlcdk.FileShareMount(this.stack, 'Mount', { workspace: this.ws, share: this.share }),
    );
  }
  get user(): Principal {
    return Principal.user(OID, { tenantId: TENANT, displayName: 'alice' });
  }
}

type Props = Record<string, unknown>;
/** How to make each exported construct: its scope and valid props (the fuzzed prop is then put over them). */
interface Scaffold {
  readonly scope: (c: Ctx) => Construct;
  readonly props: (c: Ctx) => Props;
}
const onStack = (props: (c: Ctx) => Props): Scaffold => ({ scope: (c) => c.stack, props });
const onWorkspace = (props: (c: Ctx) => Props): Scaffold => ({ scope: (c) => c.ws, props });
const SCAFFOLDS: Record<string, Scaffold> = {
  App: { scope: (c) => c.app, props: () => ({}) },
  Stack: { scope: (c) => c.app, props: () => ({ subscriptionId: SUB, resourceGroup: 'rg2', location: 'westeurope' }) },
  Workspace: onStack(() => ({ tenantId: TENANT })),
  WorkspaceStorageAccount: onStack(() => ({})),
  KeyVault: onStack(() => ({ tenantId: TENANT })),
  LogAnalyticsWorkspace: onStack(() => ({})),
  ApplicationInsights: onStack((c) => ({ logAnalytics: c.logAnalytics })),
  ContainerRegistry: onStack(() => ({})),
  UserAssignedIdentity: onStack(() => ({})),
  ComputeCluster: onWorkspace(() => ({ vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2 })),
  ComputeInstance: onWorkspace((c) => ({ vmSize: VmSize.STANDARD_DS3_V2, assignedUser: c.user })),
  AttachedCompute: onWorkspace(() => ({ target: AttachTarget.kubernetes({ resourceId: AKS, namespace: 'azureml' }) })),
  PersonalComputeInstances: onWorkspace((c) => ({ users: [c.user], template: { vmSize: VmSize.STANDARD_DS3_V2 } })),
  ContainerImageBuild: onStack((c) => ({ directory: imageDir, registry: c.ws })),
  GenericResource: onStack(() => ({
    type: 'Microsoft.Network/routeTables',
    apiVersion: '2024-05-01',
    name: 'rt-ml',
    body: { location: 'westeurope', properties: {} },
  })),
  NetworkSecurityGroup: onStack(() => ({})),
  VirtualNetwork: onStack(() => ({ addressSpace: ['10.1.0.0/16'] })),
  Subnet: onStack((c) => ({ virtualNetwork: c.vnet, addressPrefix: '10.0.2.0/24' })),
  PrivateDnsZone: onStack(() => ({ zoneName: PrivateDnsZone.STORAGE_BLOB })),
  VirtualNetworkLink: onStack((c) => ({ zone: c.zone, virtualNetwork: c.vnet })),
  PrivateEndpoint: onStack((c) => ({ subnet: c.subnet, target: c.ws, groupIds: ['amlworkspace'] })),
  PrivateDnsZoneGroup: onStack((c) => ({ endpoint: c.endpoint, zones: [c.zone] })),
  RoleAssignment: onStack(() => ({ principal: Principal.group(OID), role: BuiltInRole.READER })),
  FileShare: onStack((c) => ({ storageAccount: c.ws.storageAccount, quotaGiB: 100 })),
  FileShareMount: onStack((c) => ({ workspace: c.ws, share: c.share })),
  WorkspaceDefaultFileShare: onWorkspace((c) => ({ workspace: c.ws })),
};
/** Exported construct classes that cannot be made themselves: their props are fuzzed through their subclasses. */
const ABSTRACT = new Set(['AzureResource', 'ComputeBase']);

/**
 * Valid arguments of every exported factory (static methods and functions); `scope` marks positions that are not
 * fuzzed. The fuzzed value replaces one other argument (or is passed to a method without parameters).
 */
const SCOPE = Symbol('scope');
type Args = (c: Ctx) => unknown[];
const FACTORIES: Record<string, Args> = {
  'Annotations.of': () => [SCOPE],
  'GenericResource.isGenericResource': () => [{}],
  'Aspects.of': () => [SCOPE],
  'App.isApp': (c) => [c.app],
  'AttachTarget.kubernetes': () => [{ resourceId: AKS, namespace: 'azureml' }],
  'AttachTarget.virtualMachine': () => [
    { resourceId: AKS.replace('ContainerService/managedClusters', 'Compute/virtualMachines'), sshPort: 22 },
  ],
  'AttachTarget.hdInsight': () => [
    { resourceId: AKS.replace('ContainerService/managedClusters', 'HDInsight/clusters') },
  ],
  'AttachTarget.synapseSpark': () => [{ resourceId: AKS }],
  'AttachTarget.databricks': () => [
    { resourceId: AKS.replace('ContainerService/managedClusters', 'Databricks/workspaces') },
  ],
  'AttachTarget.dataFactory': () => [
    { resourceId: AKS.replace('ContainerService/managedClusters', 'DataFactory/factories') },
  ],
  'AttachTarget.dataLakeAnalytics': () => [{ resourceId: AKS }],
  'AzureResource.isAzureResource': (c) => [c.ws],
  'BuiltInRole.isBuiltInRole': () => [BuiltInRole.READER],
  'BuiltInRole.values': () => [],
  'BuiltInRole.fromName': () => ['Reader'],
  'BuiltInRole.fromGuid': () => ['acdd72a7-3385-48ef-bd42-f606fba81ae7'],
  'BuiltInRole.parse': () => ['Reader'],
  'BuiltInRole.closest': () => ['Readr'],
  'ComputeCluster.isComputeCluster': (c) => [c.ws],
  'ComputeIdentity.systemAssigned': () => [],
  'ComputeIdentity.userAssigned': () => [`${WS_ID}-uai`],
  'ComputeIdentity.systemAndUserAssigned': () => [`${WS_ID}-uai`],
  'ComputeInstance.isComputeInstance': (c) => [c.ws],
  'ComputeSchedule.startAt': () => ['0 8 * * 1-5', { timeZone: 'UTC' }],
  'ComputeSchedule.stopAt': () => ['0 18 * * 1-5', {}],
  'ComputeSchedule.startRecurring': () => [{ frequency: 'Week', weekDays: ['Monday'], hours: [8], minutes: [0] }, {}],
  'ComputeSchedule.stopRecurring': () => [{ frequency: 'Day', interval: 1, hours: [18], minutes: [30] }, {}],
  'ContainerImage.isContainerImage': () => ['x'],
  'ContainerImage.fromDirectory': (c) => [SCOPE, 'Img', { directory: imageDir, registry: c.ws }],
  'ContainerImage.fromRegistry': () => ['rocker/rstudio:4.4'],
  'Duration.seconds': () => [30],
  'Duration.minutes': () => [30],
  'Duration.hours': () => [3],
  'Duration.days': () => [1],
  'Duration.parse': () => ['PT30M'],
  'Duration.isDuration': () => [Duration.minutes(1)],
  'FileShare.isFileShare': (c) => [c.share],
  'FileShareMount.isFileShareMount': (c) => [c.mount],
  'FileShareMount.fromExistingShare': (c) => [
    SCOPE,
    'Existing',
    { workspace: c.ws, storageAccountName: 'corpdata', shareName: 'datasets', readOnly: true },
  ],
  'Names.preserve': () => [SCOPE, 'Old/Path'],
  'Names.previousPathOf': () => [SCOPE, 'Old/Path'],
  'Names.pathFor': () => [SCOPE, 'Old/Path'],
  'Names.derive': () => ['compute', 'F/Ws/Gpu', 'salt'],
  'Names.check': () => ['compute', 'gpu-1'],
  'NetworkSecurityGroup.isNetworkSecurityGroup': () => [null],
  'Principal.user': () => [OID, { tenantId: TENANT }],
  'Principal.group': () => [OID, { displayName: 'team' }],
  'Principal.servicePrincipal': () => [OID],
  'Principal.managedIdentity': () => [OID],
  'Principal.foreignGroup': () => [OID],
  'Principal.isPrincipal': () => [Principal.group(OID)],
  'Principal.isPrincipalLike': () => [{ objectId: OID }],
  'PrivateDnsZone.isPrivateDnsZone': (c) => [c.zone],
  'PrivateDnsZone.forName': () => [SCOPE, PrivateDnsZone.AZUREML_NOTEBOOKS],
  'PrivateEndpoint.isPrivateEndpoint': () => [{}],
  'PrivateEndpoint.forWorkspace': (c) => [SCOPE, 'WsPe', { workspace: c.ws, subnet: c.subnet }],
  'PrivateEndpoint.withPrivateDns': (c) => [
    SCOPE,
    'BlobPe',
    { target: c.ws.storageAccount, subnet: c.subnet, groupId: 'blob' },
  ],
  'RoleAssignment.isRoleAssignment': () => [1],
  'RoleAssignment.find': () => [SCOPE, 'name'],
  'Secret.fromEnv': () => ['AMLCDK_FUZZ_PW'],
  'Secret.fromKeyVault': () => ['kv-team', 'cluster-password'],
  'Secret.isSecret': () => ['x'],
  'SetupScript.inline': () => ['echo hello'],
  'SetupScript.fromWorkspacePath': () => ['Users/alice/setup.sh'],
  'SshAccess.disabled': () => [],
  'SshAccess.enabled': () => [
    { publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcm alice', sourceCidrs: ['203.0.113.0/24'] },
  ],
  'Stack.isStack': (c) => [c.stack],
  'Stack.of': () => [SCOPE],
  'Subnet.isSubnet': (c) => [c.subnet],
  'Subnet.fromSubnetId': () => [SCOPE, 'Imported', SUBNET_ID, { location: 'westeurope' }],
  'VirtualNetwork.isVirtualNetwork': (c) => [c.vnet],
  'VirtualNetwork.fromVirtualNetworkId': () => [SCOPE, 'Hub', VNET_ID, { location: 'westeurope' }],
  'VmSize.isVmSize': () => [VmSize.STANDARD_DS3_V2],
  'VmSize.of': () => ['Standard_DS3_v2'],
  'Workspace.isWorkspace': (c) => [c.ws],
  'Workspace.fromWorkspaceId': () => [SCOPE, 'Other', WS_ID, {}],
  'Workspace.fromWorkspaceAttributes': () => [SCOPE, 'Other', { workspaceId: WS_ID }],
  findVmSize: () => ['Standard_DS3_v2'],
  grant: (c) => [c.ws, Principal.group(OID), BuiltInRole.READER, {}],
  personalInstanceName: (c) => [c.user, 'salt'],
  rstudioApplication: () => ['rstudio'],
  parseManifest: () => ['{}'],
  readManifestFile: () => [join(imageDir, 'missing.manifest.json')],
  validateManifest: () => [{}],
  validateManifestDeep: () => [{}],
  synthesize: () => [SCOPE, { write: false }],
};

/** Exported functions and static methods of exported classes, by name (`Class.method` or `function`). */
function exportedFactories(): Map<string, (...args: unknown[]) => unknown> {
  const out = new Map<string, (...args: unknown[]) => unknown>();
  for (const [name, v] of Object.entries(amlcdk)) {
    if (typeof v !== 'function') continue;
    const isClass = /^class\b/.test(Function.prototype.toString.call(v));
    if (!isClass) {
      out.set(name, v as (...args: unknown[]) => unknown);
      continue;
    }
    if (v.prototype instanceof Error) continue;
    for (const key of Object.getOwnPropertyNames(v)) {
      const m = (v as unknown as Record<string, unknown>)[key];
      if (typeof m === 'function' && key !== 'prototype')
        out.set(`${name}.${key}`, (...args: unknown[]) => (m as (...a: unknown[]) => unknown).apply(v, args));
    }
  }
  return out;
}

/** Exported construct classes, by name. */
function exportedConstructs(): Map<string, new (...args: unknown[]) => Construct> {
  const out = new Map<string, new (...args: unknown[]) => Construct>();
  for (const [name, v] of Object.entries(amlcdk))
    if (typeof v === 'function' && v.prototype instanceof Construct)
      out.set(name, v as unknown as new (...args: unknown[]) => Construct);
  return out;
}

/** Prop names of each construct, from the props tables of docs/constructs.md. */
function documentedProps(): Map<string, string[]> {
  const doc = readFileSync(join(ROOT, 'docs', 'constructs.md'), 'utf8');
  const out = new Map<string, string[]>();
  for (const section of doc.split(/\n## /).slice(1)) {
    const name = section.slice(0, section.indexOf('\n'));
    const table = section.split(/\nProps \(`[^\n]*`\):\n/)[1];
    if (!table) continue;
    const props: string[] = [];
    for (const line of table.split('\n').slice(3)) {
      const m = /^\| `([A-Za-z0-9_]+)` \|/.exec(line);
      if (!m) break;
      props.push(m[1]);
    }
    out.set(name, props);
  }
  return out;
}

type Thunk = (c: Ctx) => unknown;
function exotic(): fc.Arbitrary<Thunk> {
  const circular = (): unknown => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    return o;
  };
  const deep = (): unknown => {
    let o: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) o = { d: o };
    return o;
  };
  const throwing = (): unknown => ({
    toString() {
      throw new Error('toString');
    },
    valueOf() {
      throw new Error('valueOf');
    },
  });
  const proxy = (): unknown =>
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
        has() {
          throw new Error('trap');
        },
      },
    );
  const sparse = (): unknown => {
    const a: unknown[] = [];
    a.length = 1_000_000;
    return a;
  };
  const huge = (): unknown => Array.from({ length: 1001 }, (_, i) => `x${i}`);
  // Constructs of the wrong kind, and one of another app (a cross-app reference).
  const constructs: Thunk[] = [
    () => new App(),
    (c) => c.stack,
    (c) => c.ws,
    (c) => c.vnet,
    (c) => c.subnet,
    (c) => c.zone,
    (c) => c.share,
    () => new Ctx().ws,
    (c) => new ComputeCluster(c.ws, 'Other', { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 1 }),
    (c) => new ApplicationInsights(c.stack, 'Ai', { logAnalytics: c.logAnalytics }),
  ];
  // Thunks: fast-check inspects the values it generates, and a Proxy whose traps throw would crash fast-check itself.
  const now =
    (v: unknown): Thunk =>
    () =>
      v;
  return fc.oneof(
    fc.anything({ withBigInt: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true }).map(now),
    fc.constantFrom<Thunk>(circular, deep, throwing, proxy, sparse, huge, ...constructs),
    fc.constantFrom(10n, Symbol('s'), () => 1, Object.create(null) as unknown, NaN, -1, 1e308, '').map(now),
    fc.array(fc.anything(), { maxLength: 5 }).map(now),
  );
}

const CONSTRUCTS = exportedConstructs();
const PROPS = documentedProps();
const FACTORY_FNS = exportedFactories();

/** One case: a construct with one fuzzed prop (or fuzzed whole props, or a fuzzed id), or a factory call. */
type Case =
  | { kind: 'prop'; construct: string; prop: string; value: Thunk }
  | { kind: 'props'; construct: string; value: Thunk }
  | { kind: 'id'; construct: string; value: Thunk }
  | { kind: 'factory'; factory: string; position: number; value: Thunk };

function label(c: Case): string {
  switch (c.kind) {
    case 'prop':
      return `${c.construct}.${c.prop}`;
    case 'props':
      return `${c.construct} (whole props)`;
    case 'id':
      return `${c.construct} (id)`;
    default:
      return `${c.factory} (argument ${c.position})`;
  }
}

function run(k: Case): void {
  const ctx = new Ctx();
  if (k.kind === 'factory') {
    const args = FACTORIES[k.factory](ctx).map((a) => (a === SCOPE ? ctx.stack : a));
    args[k.position] = k.value(ctx);
    FACTORY_FNS.get(k.factory)!(...args);
  } else {
    const cls = CONSTRUCTS.get(k.construct)!;
    const s = SCAFFOLDS[k.construct];
    const props = s.props(ctx);
    const scope = s.scope(ctx);
    let id: unknown = 'Fuzzed';
    if (k.kind === 'prop') props[k.prop] = k.value(ctx);
    if (k.kind === 'id') id = k.value(ctx);
    const given = k.kind === 'props' ? k.value(ctx) : props;
    if (k.construct === 'App') new cls(given);
    else new cls(scope, id, given);
  }
  ctx.app.synth({ write: false });
}

function cases(): fc.Arbitrary<Case> {
  const constructNames = [...CONSTRUCTS.keys()].filter((n) => !ABSTRACT.has(n));
  const propCases = constructNames.flatMap((construct) =>
    (PROPS.get(construct) ?? []).map((prop) => ({ construct, prop })),
  );
  const positions = Object.entries(FACTORIES).flatMap(([factory, args]) => {
    const a = args(new Ctx());
    const free = a.map((x, i) => (x === SCOPE ? -1 : i)).filter((i) => i >= 0);
    return (free.length ? free : [a.length]).map((position) => ({ factory, position }));
  });
  const ids = fc.oneof(
    fc
      .constantFrom('', '__proto__', 'constructor', 'valueOf', 'toString', 'hasOwnProperty', 'a/b', 'x'.repeat(300))
      .map(
        (v): Thunk =>
          () =>
            v,
      ),
    fc.string().map(
      (v): Thunk =>
        () =>
          v,
    ),
    exotic(),
  );
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom(...propCases), exotic())
        .map(([p, value]): Case => ({ kind: 'prop', ...p, value })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...constructNames), exotic())
        .map(([construct, value]): Case => ({ kind: 'props', construct, value })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...constructNames.filter((n) => n !== 'App')), ids)
        .map(([construct, value]): Case => ({ kind: 'id', construct, value })),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...positions), exotic())
        .map(([p, value]): Case => ({ kind: 'factory', ...p, value })),
    },
  );
}

/** The code of the coded error one case ends with, or 'ok' (an uncoded error fails the test). */
function code(k: Case): string {
  try {
    run(k);
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof AmlcdkError, `${label(k)}: ${String(err)}`);
    return err.code;
  }
}

/** A constant as a value thunk. */
const v =
  (x: unknown): Thunk =>
  () =>
    x;

beforeAll(() => {
  imageDir = mkdtempSync(join(tmpdir(), 'amlcdk-propfuzz-'));
  writeFileSync(join(imageDir, 'Dockerfile'), 'FROM scratch\n');
});
afterAll(() => {
  if (imageDir) rmSync(imageDir, { recursive: true, force: true });
});

describe('fuzz: every prop of every exported construct, every exported factory', () => {
  test('every exported construct and factory has a fuzz scaffold, and each scaffold is a valid program', () => {
    const constructNames = [...CONSTRUCTS.keys()].filter((n) => !ABSTRACT.has(n));
    assert.ok(constructNames.length >= 25, `${constructNames.length} constructs exported`);
    assert.deepEqual(
      constructNames.filter((n) => !(n in SCAFFOLDS)),
      [],
      'exported constructs without a fuzz scaffold',
    );
    assert.deepEqual(
      constructNames.filter((n) => !PROPS.has(n) && n !== 'NetworkSecurityGroup'),
      [],
      'constructs without a props table in docs/constructs.md',
    );
    assert.deepEqual(
      [...FACTORY_FNS.keys()].filter((n) => !(n in FACTORIES)),
      [],
      'exported factories without fuzz arguments',
    );
    assert.deepEqual(
      Object.keys(FACTORIES).filter((n) => !FACTORY_FNS.has(n)),
      [],
      'fuzz arguments for factories that are not exported',
    );
    // The scaffolds themselves synthesize: fuzzed values start from valid programs.
    const broken: string[] = [];
    for (const name of constructNames) {
      const ctx = new Ctx();
      const s = SCAFFOLDS[name];
      const cls = CONSTRUCTS.get(name)!;
      try {
        if (name === 'App') new cls(s.props(ctx));
        else new cls(s.scope(ctx), 'Fuzzed', s.props(ctx));
        ctx.app.synth({ write: false });
      } catch (err) {
        broken.push(`${name}: ${String(err).slice(0, 300)}`);
      }
    }
    for (const name of Object.keys(FACTORIES)) {
      const ctx = new Ctx();
      try {
        FACTORY_FNS.get(name)?.(...FACTORIES[name](ctx).map((a) => (a === SCOPE ? ctx.stack : a)));
      } catch (err) {
        if (!['readManifestFile', 'parseManifest', 'validateManifest', 'validateManifestDeep'].includes(name))
          broken.push(`${name}: ${String(err).slice(0, 300)}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  test('arbitrary values, props and ids: 0 uncoded exceptions', () => {
    const f = {
      runs: 0,
      codedErrors: 0,
      accepted: 0,
      uncoded: 0,
      slowestMs: 0,
      slowest: '',
      seed: SEED,
      constructs: [...CONSTRUCTS.keys()].filter((n) => !ABSTRACT.has(n)).length,
      factories: Object.keys(FACTORIES).length,
    };
    const uncoded = new Map<string, string>();
    try {
      fc.assert(
        fc.property(cases(), (k) => {
          f.runs += 1;
          const t0 = performance.now();
          try {
            run(k);
            f.accepted += 1;
          } catch (err) {
            if (err instanceof AmlcdkError) f.codedErrors += 1;
            else {
              f.uncoded += 1;
              const where = label(k);
              if (!uncoded.has(where))
                uncoded.set(
                  where,
                  String(err instanceof Error ? err.stack : err)
                    .split('\n')
                    .slice(0, 4)
                    .join(' | '),
                );
            }
          } finally {
            const ms = performance.now() - t0;
            if (ms > f.slowestMs) Object.assign(f, { slowestMs: Math.round(ms), slowest: label(k) });
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
    } finally {
      record('construct-props-fuzz', { ...f, uncodedAt: [...uncoded].map(([k, v]) => `${k}: ${v}`) });
    }
    assert.deepEqual(
      [...uncoded].map(([k, v]) => `${k}: ${v}`),
      [],
    );
    assert.ok(f.codedErrors > 0 && f.accepted > 0, 'the generator reaches both the checks and valid programs');
  });

  test('the values of finding 8 are coded errors, one by one', () => {
    for (const id of ['', '__proto__', 'constructor', 'valueOf'])
      assert.equal(code({ kind: 'id', construct: 'ComputeCluster', value: v(id) }), 'InvalidConstructId', id);
    assert.equal(
      code({ kind: 'factory', factory: 'VmSize.of', position: 0, value: v(Object.create(null)) }),
      'InvalidPropType',
    );
    assert.equal(code({ kind: 'factory', factory: 'Duration.minutes', position: 0, value: v(10n) }), 'InvalidDuration');
    assert.equal(
      code({ kind: 'factory', factory: 'Principal.user', position: 0, value: v(Object.create(null)) }),
      'InvalidPrincipalId',
    );
    const sparse: unknown[] = [];
    sparse.length = 1_000_000;
    assert.equal(
      code({ kind: 'prop', construct: 'ComputeInstance', prop: 'customApplications', value: v(sparse) }),
      'SynthesisFailed',
    );
    assert.equal(
      code({ kind: 'prop', construct: 'ComputeCluster', prop: 'identity', value: v({}) }),
      'SynthesisFailed',
    );
    assert.equal(
      code({ kind: 'prop', construct: 'ComputeCluster', prop: 'tags', value: v(new App()) }),
      'SynthesisFailed',
    );
  });

  test('what the fuzz of every construct and factory found are coded errors, one by one', () => {
    const trap = new Proxy(
      {},
      {
        has() {
          throw new Error('trap');
        },
        get() {
          throw new Error('trap');
        },
      },
    );
    const sparse: unknown[] = [];
    sparse.length = 1_000_000;
    const cases: [Case, string][] = [
      // Ids used to derive names before the id was checked, or passed to `constructs` unchecked.
      [{ kind: 'id', construct: 'ContainerRegistry', value: v(Symbol('s')) }, 'InvalidConstructId'],
      [{ kind: 'id', construct: 'PersonalComputeInstances', value: v(42) }, 'InvalidConstructId'],
      [{ kind: 'id', construct: 'ContainerImageBuild', value: v('') }, 'InvalidConstructId'],
      [{ kind: 'factory', factory: 'Workspace.fromWorkspaceId', position: 1, value: v({}) }, 'InvalidConstructId'],
      // Hazardous values in props that were read unchecked (previousPath, ignoreChanges: 35 s for a sparse array).
      [{ kind: 'prop', construct: 'VirtualNetwork', prop: 'previousPath', value: v(7) }, 'InvalidNameArgument'],
      [
        { kind: 'prop', construct: 'LogAnalyticsWorkspace', prop: 'ignoreChanges', value: v(sparse) },
        'SynthesisFailed',
      ],
      [{ kind: 'prop', construct: 'KeyVault', prop: 'ignoreChanges', value: v([10n]) }, 'SynthesisFailed'],
      [{ kind: 'prop', construct: 'PrivateEndpoint', prop: 'protect', value: v(trap) }, 'SynthesisFailed'],
      [{ kind: 'props', construct: 'VirtualNetwork', value: v(trap) }, 'SynthesisFailed'],
      // Non-constructs where a construct is needed.
      [{ kind: 'prop', construct: 'Subnet', prop: 'networkSecurityGroup', value: v(-1) }, 'SynthesisFailed'],
      [{ kind: 'prop', construct: 'PrivateDnsZoneGroup', prop: 'endpoint', value: v('pe') }, 'MissingPrivateEndpoint'],
      [{ kind: 'prop', construct: 'PrivateDnsZoneGroup', prop: 'zones', value: v(3) }, 'InvalidPrivateDnsZones'],
      [{ kind: 'prop', construct: 'VirtualNetworkLink', prop: 'zone', value: v({}) }, 'MissingPrivateDnsZone'],
      [
        { kind: 'prop', construct: 'GenericResource', prop: 'body', value: (c) => ({ vnet: c.vnet }) },
        'SynthesisFailed',
      ],
      [{ kind: 'prop', construct: 'ContainerImageBuild', prop: 'platform', value: (c) => c.ws }, 'SynthesisFailed'],
      // Factories and guards.
      [{ kind: 'factory', factory: 'Names.check', position: 0, value: v('nope') }, 'InvalidNameArgument'],
      [{ kind: 'factory', factory: 'Names.preserve', position: 1, value: v(null) }, 'InvalidNameArgument'],
      [{ kind: 'factory', factory: 'grant', position: 0, value: v({}) }, 'MissingGrantParent'],
      [{ kind: 'factory', factory: 'parseManifest', position: 0, value: v(1) }, 'ManifestInvalidJson'],
      [{ kind: 'factory', factory: 'BuiltInRole.fromName', position: 0, value: v(sparse) }, 'UnknownRole'],
      [{ kind: 'factory', factory: 'VirtualNetwork.isVirtualNetwork', position: 0, value: v(trap) }, 'ok'],
      [{ kind: 'factory', factory: 'AttachTarget.synapseSpark', position: 0, value: v(trap) }, 'ok'],
      [{ kind: 'factory', factory: 'RoleAssignment.find', position: 1, value: v(1) }, 'ok'],
    ];
    assert.deepEqual(
      cases.map(([k]) => `${label(k)}: ${code(k)}`),
      cases.map(([k, c]) => `${label(k)}: ${c}`),
    );
  });
});
