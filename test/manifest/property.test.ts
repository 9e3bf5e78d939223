/**
 * Property tests: random valid props always synthesize schema-valid manifests without errors; random invalid
 * (or ill-typed) props only ever surface as ValidationError / SynthesisError, never as a TypeError.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  App,
  AttachTarget,
  AttachedCompute,
  ComputeCluster,
  ComputeInstance,
  ComputeSchedule,
  Duration,
  Principal,
  SetupScript,
  SshAccess,
  Stack,
  SynthesisError,
  ValidationError,
  VmPriority,
  VmSize,
  Workspace,
  validateManifestDeep,
  type Manifest,
} from '../../lib/index.js';
import { OUTDIR_ENV } from '../../lib/manifest/types.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcmB3n0oQ8gM5mX1m5wq0wJ0n3k7y8c2w8u3v9a3b4c me';
delete process.env[OUTDIR_ENV];

const guid = fc.uuid();
const cpuSizes = [
  VmSize.STANDARD_DS3_V2,
  VmSize.STANDARD_D4S_V5,
  VmSize.STANDARD_E8S_V5,
  VmSize.STANDARD_F8S_V2,
  VmSize.STANDARD_DS11_V2,
];
const okName = fc.stringMatching(/^[a-z][a-z0-9]{2,12}-[a-z]{1,8}$/);
const cidr = fc
  .tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 32 }))
  .map(([a, b, p]) => `${a}.${b}.0.0/${p}`);
const tz = fc.constantFrom('UTC', 'W. Europe Standard Time', 'Pacific Standard Time', 'Tokyo Standard Time');
const cron = fc
  .tuple(
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 23 }),
    fc.constantFrom('*', '1-5', 'MON-FRI', '0,6'),
  )
  .map(([m, h, d]) => `${m} ${h} * * ${d}`);

const validCluster = fc.record({
  computeName: fc.option(okName, { nil: undefined }),
  vmSize: fc.constantFrom(...cpuSizes),
  minNodeCount: fc.integer({ min: 0, max: 3 }),
  extra: fc.integer({ min: 0, max: 20 }),
  idle: fc.integer({ min: 0, max: 3600 }),
  priority: fc.constantFrom(VmPriority.DEDICATED, VmPriority.LOW_PRIORITY),
  ssh: fc.boolean(),
  cidrs: fc.array(cidr, { maxLength: 3 }),
  localAuth: fc.boolean(),
  description: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
});

const validInstance = fc.record({
  vmSize: fc.constantFrom(...cpuSizes),
  user: guid,
  idleMinutes: fc.option(fc.integer({ min: 15, max: 3 * 24 * 60 }), { nil: undefined }),
  schedules: fc.array(fc.tuple(fc.boolean(), cron, tz), { maxLength: 4 }),
  ssh: fc.boolean(),
  script: fc.option(fc.string({ minLength: 1, maxLength: 200 }), { nil: undefined }),
  timeout: fc.option(fc.integer({ min: 1, max: 25 }), { nil: undefined }),
  publicIp: fc.constant(true),
});

function synth(app: App): Manifest[] {
  return app.synth({ write: false }).manifests as Manifest[];
}

describe('property: valid props', () => {
  test('random clusters and instances synthesize schema-valid manifests without errors', () => {
    fc.assert(
      fc.property(
        fc.array(validCluster, { minLength: 1, maxLength: 3 }),
        fc.array(validInstance, { maxLength: 3 }),
        (clusters, instances) => {
          const app = new App();
          const stack = new Stack(app, 'P', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
          const ws = new Workspace(stack, 'Ws', { tenantId: TENANT });
          const usedNames = new Set<string>();
          clusters.forEach((c, i) => {
            const name = c.computeName && !usedNames.has(c.computeName) ? c.computeName : undefined;
            if (name) usedNames.add(name);
            new ComputeCluster(ws, `C${i}`, {
              computeName: name,
              vmSize: c.vmSize,
              minNodeCount: c.minNodeCount,
              maxNodeCount: c.minNodeCount + 1 + c.extra,
              idleTimeBeforeScaleDown: Duration.seconds(c.idle),
              vmPriority: c.priority,
              localAuth: c.localAuth,
              description: c.description,
              sshAccess: c.ssh ? SshAccess.enabled({ publicKey: KEY, sourceCidrs: c.cidrs }) : SshAccess.disabled(),
            });
          });
          instances.forEach((inst, i) => {
            new ComputeInstance(ws, `I${i}`, {
              vmSize: inst.vmSize,
              assignedUser: Principal.user(inst.user, { tenantId: TENANT }),
              ...(inst.idleMinutes ? { idleShutdown: Duration.minutes(inst.idleMinutes) } : {}),
              schedules: inst.schedules.map(([start, c, zone]) =>
                start ? ComputeSchedule.startAt(c, { timeZone: zone }) : ComputeSchedule.stopAt(c, { timeZone: zone }),
              ),
              sshAccess: inst.ssh ? SshAccess.enabled({ publicKey: KEY }) : SshAccess.disabled(),
              ...(inst.script
                ? {
                    startupScript: SetupScript.inline(
                      inst.script,
                      inst.timeout ? { timeout: Duration.minutes(inst.timeout) } : {},
                    ),
                  }
                : {}),
            });
          });
          const [m] = synth(app);
          assert.deepEqual(validateManifestDeep(m), []);
          assert.equal(
            m.resources.filter((r) => r.type.endsWith('/computes')).length,
            clusters.length + instances.length,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

// Anything: wrong types, out-of-range numbers, junk strings, undefined, nested junk.
const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -5, max: 100000 }),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
  fc.constant(NaN),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
);

function onlyCoded(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof SynthesisError) {
      assert.ok(err.diagnostics.some((d) => d.level === 'error'));
      return;
    }
    if (err instanceof ValidationError) return;
    throw err; // a TypeError (or anything else) fails the property
  }
}

describe('property: invalid props', () => {
  test('random junk in compute props raises only ValidationError / SynthesisError', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            computeName: junk,
            vmSize: fc.oneof(junk, fc.constantFrom(...cpuSizes, VmSize.STANDARD_NC6, VmSize.of('Standard_Nope'))),
            minNodeCount: junk,
            maxNodeCount: junk,
            vmPriority: junk,
            nodePublicIp: junk,
            description: junk,
          },
          { requiredKeys: [] },
        ),
        fc.record(
          {
            assignedUser: fc.oneof(junk, fc.record({ objectId: junk, tenantId: junk, principalType: junk })),
            idleShutdown: junk,
            schedules: fc.oneof(
              junk,
              fc.array(
                fc.tuple(junk, junk).map(([c, z]) => ComputeSchedule.stopAt(c as string, { timeZone: z as string })),
                { maxLength: 5 },
              ),
            ),
            sshAccess: fc.oneof(
              junk,
              fc.record({ publicKey: junk, sourceCidrs: junk }).map((o) => SshAccess.enabled(o as never)),
            ),
            customApplications: junk,
            creationScript: junk,
          },
          { requiredKeys: [] },
        ),
        fc.record({
          resourceId: junk,
          kind: fc.constantFrom('kubernetes', 'virtualMachine', 'synapseSpark', 'dataFactory'),
        }),
        (clusterProps, instanceProps, attach) => {
          onlyCoded(() => {
            const app = new App();
            const stack = new Stack(app, 'P', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
            const ws = new Workspace(stack, 'Ws', { tenantId: TENANT });
            new ComputeCluster(ws, 'C', clusterProps as never);
            new ComputeInstance(ws, 'I', { vmSize: VmSize.STANDARD_DS3_V2, ...(instanceProps as object) });
            const target = (AttachTarget as unknown as Record<string, (o: unknown) => AttachTarget>)[attach.kind]({
              resourceId: attach.resourceId,
              administratorAccount: { username: 'u' },
            });
            new AttachedCompute(ws, 'A', { target });
            synth(app);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('property: invalid workspace and stack props', () => {
  test('junk in Stack and Workspace props raises only ValidationError / SynthesisError', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            subscriptionId: junk,
            resourceGroup: junk,
            location: junk,
            tags: fc.oneof(junk, fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 3 })),
            createResourceGroup: junk,
          },
          { requiredKeys: [] },
        ),
        fc.record(
          {
            workspaceName: junk,
            tenantId: fc.oneof(junk, fc.constant(TENANT)),
            publicNetworkAccess: junk,
            isolationMode: junk,
            containerRegistry: junk,
            storageAccountId: junk,
            customerManagedKey: fc.oneof(junk, fc.record({ keyVaultId: junk, keyUri: junk })),
            tags: junk,
            sku: junk,
          },
          { requiredKeys: [] },
        ),
        (stackProps, wsProps) => {
          onlyCoded(() => {
            const app = new App();
            const stack = new Stack(app, 'P', stackProps as never);
            const ws = new Workspace(stack, 'Ws', wsProps as never);
            new ComputeCluster(ws, 'C', { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2 });
            synth(app);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
