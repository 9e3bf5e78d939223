import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Construct } from 'constructs';
import {
  App,
  Aspects,
  Duration,
  NAME_RULES,
  Names,
  Secret,
  Stack,
  ValidationError,
  ComputeCluster,
  Workspace,
  VmSize,
  type IAspect,
  type NameKind,
} from '../../lib/index.js';
import { deterministicGuid } from '../../lib/core/names.js';
import { cronProblem, isIpv4Cidr, parseArmId, usableIps } from '../../lib/core/validators.js';
import { Template } from '../../lib/testing/index.js';

const SUB = '00000000-0000-0000-0000-000000000000';

describe('Names', () => {
  const kinds: NameKind[] = [
    'compute',
    'workspace',
    'storageAccount',
    'keyVault',
    'containerRegistry',
    'datastore',
    'generic',
    'logAnalytics',
  ];
  test('derived names always satisfy the type rule, for any construct path (property)', () => {
    const id = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !s.includes('/'));
    fc.assert(
      fc.property(fc.array(id, { minLength: 1, maxLength: 5 }), fc.constantFrom(...kinds), (ids, kind) => {
        const name = Names.derive(kind, ids.join('/'), 'salt');
        assert.equal(Names.check(kind, name), undefined, `${kind}: ${name} from ${JSON.stringify(ids)}`);
      }),
      { numRuns: 400 },
    );
  });
  test('deterministic, and different paths give different names', () => {
    assert.equal(Names.derive('compute', 'Team/Ws/Gpu'), Names.derive('compute', 'Team/Ws/Gpu'));
    assert.notEqual(Names.derive('compute', 'Team/Ws/Gpu'), Names.derive('compute', 'Other/Ws/Gpu'));
    assert.match(Names.derive('compute', 'Team/Ws/GpuCluster'), /^gpucluster-[a-z2-7]{6}$/);
  });
  test('compute names never end in -<digits> even when the hash would', () => {
    for (let i = 0; i < 500; i++) assert.match(Names.derive('compute', `P/${i}`), NAME_RULES.compute.pattern);
  });
  test('globally unique kinds mix the salt (subscription/resource group) into the hash', () => {
    assert.notEqual(
      Names.derive('storageAccount', 'T/Ws/Storage', 'sub1/rg'),
      Names.derive('storageAccount', 'T/Ws/Storage', 'sub2/rg'),
    );
  });
  test('renames: previousPath and Names.preserve keep the derived resource name', () => {
    const names = (build: (s: Stack) => void): string[] => {
      const app = new App();
      const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
      build(s);
      return Template.fromStack(s)
        .findResources('Microsoft.MachineLearningServices/workspaces/computes')
        .map((r) => r.name);
    };
    const before = names(
      (s) =>
        new ComputeCluster(new Workspace(s, 'Ws', { tenantId: SUB }), 'Gpu', {
          vmSize: VmSize.STANDARD_DS3_V2,
          maxNodeCount: 1,
        }),
    );
    const renamed = names(
      (s) =>
        new ComputeCluster(new Workspace(s, 'Ws', { tenantId: SUB }), 'Training', {
          vmSize: VmSize.STANDARD_DS3_V2,
          maxNodeCount: 1,
          previousPath: 'Team/Ws/Gpu',
        }),
    );
    const moved = names((s) => {
      const group = new Construct(s, 'Research');
      Names.preserve(group, 'Team');
      new ComputeCluster(new Workspace(group, 'Ws', { tenantId: SUB }), 'Gpu', {
        vmSize: VmSize.STANDARD_DS3_V2,
        maxNodeCount: 1,
      });
    });
    const changed = names(
      (s) =>
        new ComputeCluster(new Workspace(s, 'Ws', { tenantId: SUB }), 'Training', {
          vmSize: VmSize.STANDARD_DS3_V2,
          maxNodeCount: 1,
        }),
    );
    assert.deepEqual(renamed, before);
    assert.deepEqual(moved, before);
    assert.notDeepEqual(changed, before);
  });
  test('the same program deployed to two subscriptions derives different compute names (names are region-wide)', () => {
    const nameIn = (sub: string): string => {
      const app = new App();
      const s = new Stack(app, 'Team', { subscriptionId: sub, resourceGroup: 'rg', location: 'westeurope' });
      return new ComputeCluster(new Workspace(s, 'Ws', { tenantId: SUB }), 'Gpu', {
        vmSize: VmSize.STANDARD_DS3_V2,
        maxNodeCount: 1,
      }).computeName;
    };
    assert.notEqual(nameIn(SUB), nameIn('99999999-9999-9999-9999-999999999999'));
    assert.equal(nameIn(SUB), nameIn(SUB));
  });
  test('deterministicGuid is a stable v5-shaped GUID', () => {
    const g = deterministicGuid('x');
    assert.equal(g, deterministicGuid('x'));
    assert.match(g, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('Duration', () => {
  test('ISO 8601 rendering and parsing round-trip', () => {
    assert.equal(Duration.minutes(30).toIsoString(), 'PT30M');
    assert.equal(Duration.hours(1).toIsoString(), 'PT1H');
    assert.equal(Duration.days(3).toIsoString(), 'P3D');
    assert.equal(Duration.seconds(90).toIsoString(), 'PT1M30S');
    assert.equal(Duration.seconds(0).toIsoString(), 'PT0S');
    assert.equal(Duration.parse('P1DT2H3M4S').toSeconds(), 86400 + 7200 + 180 + 4);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        (s) => Duration.parse(Duration.seconds(s).toIsoString()).toSeconds() === s,
      ),
    );
  });
  test('InvalidDuration for negative, NaN and malformed input', () => {
    for (const f of [
      () => Duration.minutes(-1),
      () => Duration.seconds(Number.NaN),
      () => Duration.parse('30m'),
      () => Duration.parse('P'),
    ]) {
      assert.throws(f, (e: ValidationError) => e instanceof ValidationError && e.code === 'InvalidDuration');
    }
  });
});

describe('Secret', () => {
  test('renders references, never values', () => {
    assert.deepEqual(Secret.fromEnv('ADMIN_PW').toRef(), { secretRef: 'env:ADMIN_PW' });
    assert.deepEqual(Secret.fromKeyVault('kv-team', 'ssh-key').toRef(), { secretRef: 'keyvault:kv-team/ssh-key' });
    assert.equal(String(Secret.fromEnv('X')), '<secret env:X>');
  });
  test('InvalidSecretRef', () => {
    assert.throws(
      () => Secret.fromEnv('1BAD'),
      (e: ValidationError) => e.code === 'InvalidSecretRef',
    );
    assert.throws(
      () => Secret.fromKeyVault('kv', 'x'),
      (e: ValidationError) => e.code === 'InvalidSecretRef',
    );
  });
});

describe('validators', () => {
  test('CIDR', () => {
    assert.ok(isIpv4Cidr('10.0.0.0/24'));
    assert.ok(isIpv4Cidr('0.0.0.0/0'));
    for (const bad of ['10.0.0.0/33', '256.0.0.0/8', '10.0.0/24', '10.0.0.01/24', 'any', ''])
      assert.ok(!isIpv4Cidr(bad), bad);
    assert.ok(!isIpv4Cidr('10.0.0.1'));
    assert.ok(isIpv4Cidr('10.0.0.1', { allowAddress: true }));
    assert.equal(usableIps('10.0.0.0/28'), 11);
  });
  test('NCronTab', () => {
    for (const ok of ['0 19 * * 1-5', '*/15 8-18 * * MON-FRI', '30 7 1,15 * *', '0 0 * JAN SUN'])
      assert.equal(cronProblem(ok), undefined, ok);
    for (const bad of [
      '0 24 * * *',
      '60 * * * *',
      '* * * *',
      '0 0 0 * *',
      '0 0 * 13 *',
      '*/0 * * * *',
      '0 5-1 * * *',
      'x * * * *',
    ])
      assert.ok(cronProblem(bad), bad);
  });
  test('ARM ids', () => {
    const p = parseArmId(
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/w/bigDataPools/p`,
    );
    assert.deepEqual(p, {
      subscriptionId: SUB,
      resourceGroup: 'rg',
      type: 'Microsoft.Synapse/workspaces/bigDataPools',
      name: 'p',
    });
    assert.equal(
      parseArmId('/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines'),
      undefined,
    );
    assert.equal(parseArmId(42), undefined);
  });
});

describe('Stack and App', () => {
  test('Stack.of finds the stack; NoStack outside one', () => {
    const app = new App();
    const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'West Europe' });
    const inner = new Construct(new Construct(s, 'A'), 'B');
    assert.equal(Stack.of(inner), s);
    assert.equal(s.location, 'westeurope');
    assert.throws(
      () => Stack.of(new Construct(app, 'Loose')),
      (e: ValidationError) => e.code === 'NoStack',
    );
  });
  test('stack props errors are all reported at synth: InvalidSubscriptionId, InvalidResourceGroupName, InvalidLocation, InvalidTag, InvalidStackName', () => {
    const app = new App();
    const s = new Stack(app, 'bad name!', {
      subscriptionId: 'nope',
      resourceGroup: 'rg.',
      location: 'West Europe 2!',
      tags: { 'a/b': 'x' },
    });
    const t = Template.synthScope(s);
    for (const code of [
      'InvalidSubscriptionId',
      'InvalidResourceGroupName',
      'InvalidLocation',
      'InvalidTag',
      'InvalidStackName',
    ])
      t.hasError(code, 'bad name!');
  });
  test('NoStacks and DuplicateStackName', () => {
    Template.synthScope(new App()).hasError('NoStacks');
    const app = new App();
    new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
    new Stack(app, 'team', { subscriptionId: SUB, resourceGroup: 'rg2', location: 'westeurope' });
    Template.synthScope(app).hasError('DuplicateStackName', 'team');
  });
  test('aspects run before validation, on every construct below their scope', () => {
    const app = new App();
    const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
    const ws = new Workspace(s, 'Ws', { tenantId: SUB });
    new ComputeCluster(ws, 'C', { vmSize: VmSize.STANDARD_DS3_V2, minNodeCount: 5, maxNodeCount: 2 });
    const seen: string[] = [];
    const fix: IAspect = {
      visit(node) {
        seen.push(node.node.path);
        if (node instanceof ComputeCluster) node.minNodeCount = 0;
      },
    };
    Aspects.of(s).add(fix);
    const t = Template.fromStack(s);
    assert.ok(seen.includes('Team/Ws/C') && seen.includes('Team/Ws/Storage'));
    // Validation runs after aspects: the aspect's fix clears MaxNodesBelowMin.
    t.hasNoErrors();
    assert.equal(
      (t.resource('Team/Ws/C').body as { properties: { properties: { scaleSettings: { minNodeCount: number } } } })
        .properties.properties.scaleSettings.minNodeCount,
      0,
    );
  });
});
