/**
 * Arbitrary JavaScript values for the props of the constructs and the factories (issue 14 finding 8): fast-check's
 * `anything()` plus the values that used to crash — Proxies (whose traps throw), BigInt, symbols, null-prototype,
 * circular and deep objects, a throwing `toString`, functions, huge and sparse arrays, constructs — and odd construct
 * ids. Every case must synthesize or fail with a coded `AmlcdkError`; the slowest case is recorded.
 *
 * Runs: AMLCDK_PROP_FUZZ_RUNS (default 200 in `npm test`; 10,000 under test:reliability).
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  App,
  ComputeCluster,
  ComputeIdentity,
  ComputeInstance,
  ComputeSchedule,
  Duration,
  Principal,
  Secret,
  SshAccess,
  Stack,
  VmSize,
  Workspace,
} from '../../lib/index.js';
import { AmlcdkError } from '../../lib/core/errors.js';
import { envCount, record } from './support.js';

const RUNS = envCount('AMLCDK_PROP_FUZZ_RUNS', 200);
const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';

function exotic(): fc.Arbitrary<() => unknown> {
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
  const construct = (): unknown => new App();
  // Thunks: fast-check inspects the values it generates, and a Proxy whose traps throw would crash fast-check itself.
  const now = (v: unknown) => (): unknown => v;
  return fc.oneof(
    fc.anything({ withBigInt: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true }).map(now),
    fc.constantFrom(circular, deep, throwing, proxy, sparse, construct),
    fc.constantFrom(10n, Symbol('s'), () => 1, Object.create(null) as unknown, NaN, -1, 1e308, '').map(now),
    fc.array(fc.anything(), { maxLength: 5 }).map(now),
  );
}

const CLUSTER_PROPS = [
  'vmSize',
  'maxNodeCount',
  'minNodeCount',
  'computeName',
  'idleTimeBeforeScaleDown',
  'subnet',
  'sshAccess',
  'identity',
  'tags',
  'description',
  'vmPriority',
  'nodePublicIp',
  'osType',
  'deletePolicy',
  'workspace',
] as const;
const INSTANCE_PROPS = [
  'vmSize',
  'assignedUser',
  'computeName',
  'idleShutdown',
  'schedules',
  'creationScript',
  'startupScript',
  'customApplications',
  'fileShareMounts',
  'sshAccess',
  'identity',
  'subnet',
  'sso',
  'rootAccess',
  'tags',
] as const;
const WORKSPACE_PROPS = [
  'tenantId',
  'friendlyName',
  'description',
  'publicNetworkAccess',
  'isolationMode',
  'hbiWorkspace',
  'customerManagedKey',
  'containerRegistry',
  'sku',
  'tags',
  'storageAccountId',
] as const;
const STACK_PROPS = ['subscriptionId', 'resourceGroup', 'location', 'tags', 'createResourceGroup'] as const;

type Target = 'stack' | 'workspace' | 'cluster' | 'instance' | 'factory' | 'id' | 'whole';

const FACTORIES: Record<string, (v: unknown) => unknown> = {
  'Duration.seconds': (v) => Duration.seconds(v as number),
  'Duration.minutes': (v) => Duration.minutes(v as number),
  'Duration.hours': (v) => Duration.hours(v as number),
  'Duration.days': (v) => Duration.days(v as number),
  'Duration.parse': (v) => Duration.parse(v as string),
  'VmSize.of': (v) => VmSize.of(v as string),
  'Principal.user': (v) => Principal.user(v as string),
  'Principal.group options': (v) => Principal.group(TENANT, v as never),
  'Secret.fromEnv': (v) => Secret.fromEnv(v as string),
  'Secret.fromKeyVault': (v) => Secret.fromKeyVault(v as string, 'name'),
  'SshAccess.enabled': (v) => SshAccess.enabled(v as never),
  'ComputeIdentity.userAssigned': (v) => ComputeIdentity.userAssigned(v as string),
  'ComputeSchedule.stopAt': (v) => ComputeSchedule.stopAt(v as never),
};

/** One program with one fuzzed value put where `target`/`name` says; synthesized in memory. */
function run(target: Target, name: string, v: unknown): void {
  const app = new App();
  if (target === 'factory') {
    FACTORIES[name](v);
    return;
  }
  const stackProps: Record<string, unknown> = { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' };
  if (target === 'stack') stackProps[name] = v;
  const stack = new Stack(app, 'F', stackProps as never);
  const wsProps: Record<string, unknown> = { tenantId: TENANT };
  if (target === 'workspace') wsProps[name] = v;
  const ws = new Workspace(stack, 'Ws', wsProps);
  if (target === 'id') new ComputeCluster(ws, v as string, { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2 });
  if (target === 'whole') new ComputeInstance(ws, 'I', v as never);
  if (target === 'cluster') new ComputeCluster(ws, 'C', { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2, [name]: v });
  if (target === 'instance') new ComputeInstance(ws, 'I', { vmSize: VmSize.STANDARD_DS3_V2, [name]: v });
  app.synth({ write: false });
}

const cases = fc.tuple(
  fc.oneof(
    fc.constantFrom(...STACK_PROPS).map((n) => ['stack', n] as const),
    fc.constantFrom(...WORKSPACE_PROPS).map((n) => ['workspace', n] as const),
    fc.constantFrom(...CLUSTER_PROPS).map((n) => ['cluster', n] as const),
    fc.constantFrom(...INSTANCE_PROPS).map((n) => ['instance', n] as const),
    fc.constantFrom(...Object.keys(FACTORIES)).map((n) => ['factory', n] as const),
    fc.constant(['whole', 'props'] as const),
  ),
  exotic(),
);
const ids = fc.oneof(
  fc
    .constantFrom('', '__proto__', 'constructor', 'valueOf', 'toString', 'hasOwnProperty', 'a/b', 'x'.repeat(300))
    .map((v) => (): unknown => v),
  fc.string().map((v) => (): unknown => v),
  exotic(),
);

describe('fuzz: every prop of the constructs and factories', () => {
  test('arbitrary values and ids: 0 uncoded exceptions', () => {
    const f = { runs: 0, codedErrors: 0, accepted: 0, uncoded: 0, slowestMs: 0, slowest: '' };
    const check = (target: Target, name: string, v: unknown): void => {
      f.runs += 1;
      const t0 = performance.now();
      try {
        run(target, name, v);
        f.accepted += 1;
      } catch (err) {
        if (!(err instanceof AmlcdkError)) {
          f.uncoded += 1;
          throw err;
        }
        f.codedErrors += 1;
      } finally {
        const ms = performance.now() - t0;
        if (ms > f.slowestMs) Object.assign(f, { slowestMs: Math.round(ms), slowest: `${target} ${name}` });
      }
    };
    try {
      fc.assert(
        fc.property(cases, ([[target, name], make]) => check(target, name, make())),
        { numRuns: RUNS, seed: 14 },
      );
      fc.assert(
        fc.property(ids, (make) => check('id', 'id', make())),
        { numRuns: Math.max(20, Math.round(RUNS / 10)), seed: 14 },
      );
    } finally {
      record('construct-props-fuzz', f);
    }
    assert.equal(f.uncoded, 0);
    assert.ok(f.codedErrors > 0 && f.accepted > 0, 'the generator reaches both the checks and valid programs');
  });

  test('the values of finding 8 are coded errors, one by one', () => {
    const codes = (fn: () => void): string => {
      try {
        fn();
        return 'ok';
      } catch (err) {
        assert.ok(err instanceof AmlcdkError, String(err));
        return err.code;
      }
    };
    for (const id of ['', '__proto__', 'constructor', 'valueOf'])
      assert.equal(
        codes(() => run('id', 'id', id)),
        'InvalidConstructId',
        id,
      );
    assert.equal(
      codes(() => FACTORIES['VmSize.of'](Object.create(null))),
      'InvalidPropType',
    );
    assert.equal(
      codes(() => FACTORIES['Duration.minutes'](10n)),
      'InvalidDuration',
    );
    assert.equal(
      codes(() => FACTORIES['Principal.user'](Object.create(null))),
      'InvalidPrincipalId',
    );
    const sparse: unknown[] = [];
    sparse.length = 1_000_000;
    assert.equal(
      codes(() => run('instance', 'customApplications', sparse)),
      'SynthesisFailed',
    );
    assert.equal(
      codes(() => run('cluster', 'identity', {})),
      'SynthesisFailed',
    );
    assert.equal(
      codes(() => run('cluster', 'tags', new App())),
      'SynthesisFailed',
    );
  });
});
