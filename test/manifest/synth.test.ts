import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  App,
  ComputeCluster,
  ContainerImage,
  ComputeInstance,
  Duration,
  Secret,
  SshAccess,
  Stack,
  SynthesisError,
  VmSize,
  Workspace,
  parseManifest,
  validateManifestDeep,
  type Manifest,
} from '../../lib/index.js';
import { OUTDIR_ENV } from '../../lib/manifest/types.js';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import { validateBody } from '../../lib/manifest/schema.js';
import { Template } from '../../lib/testing/index.js';
import { QuickstartStack } from '../../examples/quickstart/stack.js';
import { SecureGpuTeamStack } from '../../examples/secure-gpu-team/stack.js';
import type { Json } from '../helpers/json.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';

function withEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env[OUTDIR_ENV];
  const savedCode = process.exitCode;
  if (value === undefined) delete process.env[OUTDIR_ENV];
  else process.env[OUTDIR_ENV] = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env[OUTDIR_ENV];
    else process.env[OUTDIR_ENV] = saved;
    process.exitCode = savedCode;
  }
}

function badApp(): App {
  const app = new App();
  const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  const ws = new Workspace(s, 'Ws', { tenantId: TENANT });
  new ComputeCluster(ws, 'Bad', {
    computeName: 'gpu-cluster-1',
    vmSize: VmSize.STANDARD_NC6,
    minNodeCount: 3,
    maxNodeCount: 1,
  });
  return app;
}

describe('synth pipeline', () => {
  test('in memory: deterministic canonical manifests whose hash verifies and whose bodies are schema-valid', () => {
    const build = (): Manifest => {
      const app = new App();
      new QuickstartStack(app, 'Quickstart');
      return withEnv(undefined, () => app.synth({ write: false })).manifests[0];
    };
    const a = build();
    const b = build();
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.deepEqual(parseManifest(canonicalJson(a, 2)), a);
    assert.deepEqual(validateManifestDeep(a), []);
    assert.match(a.hash, /^sha256:[0-9a-f]{64}$/);
    // no absolute paths anywhere
    assert.doesNotMatch(JSON.stringify(a), /"\/(home|tmp|work|Users)\//);
  });

  test('synthesizing the same app twice gives the same manifests (validation hooks do not pile up)', () => {
    const app = new App();
    new SecureGpuTeamStack(app, 'Team');
    const a = withEnv(undefined, () => app.synth({ write: false }));
    const b = withEnv(undefined, () => app.synth({ write: false }));
    assert.equal(canonicalJson(b.manifests), canonicalJson(a.manifests));
    assert.equal(b.diagnostics.length, a.diagnostics.length);
  });

  test('outside the CLI, errors throw one SynthesisError with every diagnostic (and the source line)', () => {
    const err = withEnv(undefined, () => {
      try {
        badApp().synth({ write: false });
      } catch (e) {
        return e;
      }
      return undefined;
    });
    assert.ok(err instanceof SynthesisError);
    const codes = err.diagnostics
      .filter((d) => d.level === 'error')
      .map((d) => d.code)
      .sort();
    assert.deepEqual(codes, ['InvalidComputeName', 'MaxNodesBelowMin', 'RetiredVmSize']);
    for (const d of err.diagnostics) assert.equal(d.path, 'Team/Ws/Bad');
    assert.equal(err.diagnostics[0].source?.file, 'test/manifest/synth.test.ts');
    assert.match(err.message, /gpu-cluster-1/);
  });

  test('under the CLI (AMLCDK_OUTDIR): writes manifests + an ok report; on errors only a failed report, exit code 1, no throw', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amlcdk-synth-'));
    try {
      withEnv(dir, () => {
        const app = new App();
        new QuickstartStack(app, 'Quickstart');
        const r = app.synth();
        assert.equal(r.files.length, 1);
      });
      assert.deepEqual([...readdirSync(dir)].sort(), ['Quickstart.manifest.json', 'synth-report.json']);
      const report = JSON.parse(readFileSync(join(dir, 'synth-report.json'), 'utf8'));
      assert.equal(report.ok, true);
      assert.deepEqual(report.manifests, ['Quickstart.manifest.json']);
      const text = readFileSync(join(dir, 'Quickstart.manifest.json'), 'utf8');
      assert.equal(text, canonicalJson(parseManifest(text), 2) + '\n');

      const failDir = mkdtempSync(join(tmpdir(), 'amlcdk-synth-fail-'));
      try {
        const code = withEnv(failDir, () => {
          const r = badApp().synth();
          assert.equal(r.manifests.length, 0);
          return process.exitCode;
        });
        assert.equal(code, 1);
        assert.deepEqual([...readdirSync(failDir)], ['synth-report.json']);
        const failed = JSON.parse(readFileSync(join(failDir, 'synth-report.json'), 'utf8'));
        assert.equal(failed.ok, false);
        assert.equal(failed.diagnostics.filter((d: { level: string }) => d.level === 'error').length, 3);
      } finally {
        rmSync(failDir, { recursive: true, force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('App outdir is used outside the CLI; write:false writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amlcdk-outdir-'));
    try {
      withEnv(undefined, () => {
        const app = new App({ outdir: join(dir, 'out') });
        new QuickstartStack(app, 'Quickstart');
        app.synth({ write: false });
        assert.equal(existsSync(join(dir, 'out')), false);
        app.synth();
      });
      assert.ok(existsSync(join(dir, 'out', 'Quickstart.manifest.json')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('secrets: a cluster admin password is a SecretRef listed in secrets, never a value', () => {
    process.env.CLUSTER_PW = 'do-not-leak-this';
    try {
      const app = new App();
      const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
      const ws = new Workspace(s, 'Ws', { tenantId: TENANT });
      new ComputeCluster(ws, 'C', {
        vmSize: VmSize.STANDARD_DS3_V2,
        maxNodeCount: 2,
        sshAccess: SshAccess.enabled({ password: Secret.fromEnv('CLUSTER_PW') }),
      });
      const r = Template.fromStack(s).resource('Team/Ws/C');
      assert.deepEqual(r.secrets, ['/properties/properties/userAccountCredentials/adminUserPassword']);
      assert.deepEqual((r.body as Json).properties.properties.userAccountCredentials.adminUserPassword, {
        secretRef: 'env:CLUSTER_PW',
      });
      assert.doesNotMatch(JSON.stringify(r), /do-not-leak-this/);
    } finally {
      delete process.env.CLUSTER_PW;
    }
  });

  test('stack tags merge into tracked resources (resource tags win); createResourceGroup adds the group and dependencies', () => {
    const app = new App();
    const s = new Stack(app, 'Team', {
      subscriptionId: SUB,
      resourceGroup: 'rg',
      location: 'westeurope',
      tags: { owner: 'ml', env: 'dev' },
      createResourceGroup: true,
    });
    const ws = new Workspace(s, 'Ws', { tenantId: TENANT, tags: { env: 'prod' } });
    new ComputeCluster(ws, 'C', { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 1 });
    const t = Template.fromStack(s);
    t.hasNoErrors();
    assert.deepEqual((t.resource('Team/Ws').body as { tags: unknown }).tags, { owner: 'ml', env: 'prod' });
    assert.deepEqual((t.resource('Team/Ws/C').body as { tags: unknown }).tags, { owner: 'ml', env: 'dev' });
    const rg = t.resource('Team/ResourceGroup');
    assert.equal(rg.type, 'Microsoft.Resources/resourceGroups');
    assert.equal(rg.id, `/subscriptions/${SUB}/resourceGroups/rg`);
    assert.ok(t.resource('Team/Ws/C').dependsOn.includes('Team/ResourceGroup'));
    assert.ok(t.resource('Team/Ws/C').dependsOn.includes('Team/Ws'));
  });

  test('DuplicateLogicalId: a construct named ResourceGroup next to a stack-created resource group', () => {
    const app = new App();
    const s = new Stack(app, 'Team', {
      subscriptionId: SUB,
      resourceGroup: 'rg',
      location: 'westeurope',
      createResourceGroup: true,
    });
    new Workspace(s, 'ResourceGroup', { tenantId: TENANT });
    const d = Template.fromStack(s).hasError('DuplicateLogicalId', 'Team/ResourceGroup');
    assert.match(String(d.fix), /rename the construct with id "ResourceGroup"/);
  });

  test('container image assets are collected into manifest.assets with the resources that use them', () => {
    const app = new App();
    const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
    const ws = new Workspace(s, 'Ws', { tenantId: TENANT });
    const ctx = mkdtempSync(join(tmpdir(), 'amlcdk-image-'));
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM python:3.12-slim\n');
    try {
      const image = ContainerImage.fromDirectory(s, 'AppImage', {
        directory: ctx,
        registry: ws.containerRegistry!,
        repository: 'tools/app',
        tag: 'v1',
      });
      const ci = new ComputeInstance(ws, 'I', {
        vmSize: VmSize.STANDARD_DS3_V2,
        idleShutdown: Duration.minutes(30),
        customApplications: [{ name: 'app', image, endpoints: [{ name: 'web', target: 8501, published: 8501 }] }],
      });
      const t = Template.fromStack(s);
      t.hasNoErrors();
      const assets = t.manifest.assets ?? [];
      assert.equal(assets.length, 1);
      assert.deepEqual(assets[0].usedBy, [ci.node.path]);
      const svc = (t.resource(ci.node.path).body as Json).properties.properties.customServices[0];
      assert.equal(svc.image.reference, `\${asset:${assets[0].id}}`);
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
  });

  test('CrossStackDependency: a construct of another stack referenced directly', () => {
    const app = new App();
    const a = new Stack(app, 'A', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
    const b = new Stack(app, 'B', { subscriptionId: SUB, resourceGroup: 'rg2', location: 'westeurope' });
    const ws = new Workspace(a, 'Ws', { tenantId: TENANT });
    new ComputeCluster(b, 'C', { workspace: ws, vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 1 });
    Template.synthScope(app).hasError('CrossStackDependency', 'B/C');
  });
});

describe('reading manifests', () => {
  test('parseManifest with { schema: true } rejects a body that breaks its schema, even with a valid hash', async () => {
    const { contentHash } = await import('../../lib/manifest/canonical.js');
    const app = new App();
    new QuickstartStack(app, 'Quickstart');
    const m = withEnv(undefined, () => app.synth({ write: false })).manifests[0];
    assert.deepEqual(parseManifest(canonicalJson(m), 'q.json', { schema: true }), m);
    const { hash: _h, ...rest } = JSON.parse(JSON.stringify(m));
    const compute = rest.resources.find((r: { type: string }) => r.type.endsWith('/computes'));
    compute.body.properties.properties.vmPriority = 'Spot';
    const text = canonicalJson({ ...rest, hash: contentHash(rest) });
    assert.equal(parseManifest(text).hash, contentHash(rest)); // hash alone accepts it
    assert.throws(
      () => parseManifest(text, 'q.json', { schema: true }),
      (e: Error & { code?: string }) => e.code === 'ManifestSchemaInvalid' && /vmPriority/.test(e.message),
    );
  });
});

describe('canonical copy', () => {
  test('canonicalCopy has JSON semantics and sorted keys: its text is canonicalJson, its value the JSON round trip', async () => {
    const { canonicalCopy } = await import('../../lib/manifest/canonical-copy.js');
    const tricky = {
      b: [1, undefined, NaN, Infinity, { toJSON: () => 'x' }],
      a: { z: undefined, y: -0, x: [{ d: 1, c: 2 }] },
      s: VmSize.STANDARD_DS3_V2,
      f: () => 1,
    };
    const copy = canonicalCopy(tricky);
    assert.equal(JSON.stringify(copy), canonicalJson(JSON.parse(JSON.stringify(tricky))));
    assert.deepEqual(copy, JSON.parse(JSON.stringify(copy)));
  });
  test('canonicalResourceCopy and canonicalDiagnosticCopy give what canonicalCopy gives, odd inputs included', async () => {
    const { canonicalCopy, canonicalDiagnosticCopy, canonicalResourceCopy } =
      await import('../../lib/manifest/canonical-copy.js');
    const hidden = { type: 'T', logicalId: 'a' };
    Object.defineProperty(hidden, 'name', { value: 'not enumerable', enumerable: false });
    const resources: unknown[] = [
      {
        type: 'T',
        logicalId: 'L',
        apiVersion: 'v',
        id: '/subscriptions/x',
        name: 'n',
        body: { b: 1, a: undefined, c: { z: 1, y: [undefined] } },
        dependsOn: ['b', 'a'],
        options: { protect: false, deletePolicy: 'Delete' },
        construct: 'C',
        source: { line: 1, file: 'f.ts', column: 2 },
      },
      {
        type: 'T',
        name: undefined,
        secrets: ['/x'],
        suppressions: [{ ruleId: 'r', reason: 'why', declaredAt: 'p' }],
        actions: [{ when: 'afterCreate', name: 'a', reason: 'r' }],
        body: { toJSON: () => ({ y: 1, x: 2 }) },
      },
      { type: 'T', extra: 1, body: {} },
      { toJSON: () => ({ b: 1, a: 2 }) },
      hidden,
      Object.assign(Object.create({ inherited: 1 }), { type: 'T' }),
      null,
      'text',
      [{ b: 1, a: 2 }],
    ];
    for (const r of resources) assert.equal(JSON.stringify(canonicalResourceCopy(r)), JSON.stringify(canonicalCopy(r)));
    const diagnostics: unknown[] = [
      {
        level: 'warning',
        code: 'c',
        path: 'p',
        message: 'm',
        value: { b: 1, a: NaN },
        allowed: 'x',
        fix: 'y',
        source: { line: 3, file: 'f.ts' },
        acknowledged: { reason: 'r' },
      },
      { level: 'error', code: 'c', path: 'p', message: 'm', value: undefined, fix: () => 1 },
      { level: 'info', code: 'c', path: 'p', message: 'm', other: true },
    ];
    for (const d of diagnostics)
      assert.equal(JSON.stringify(canonicalDiagnosticCopy(d)), JSON.stringify(canonicalCopy(d)));
  });
  test('objectTextAround cuts the canonical text where a member goes', async () => {
    const { canonicalCopy, objectText, objectTextAround } = await import('../../lib/manifest/canonical-copy.js');
    for (const obj of [{}, { a: 1 }, { z: 1 }, { a: [1], s: 'x', z: { b: 1 } }, { a: 1, m: undefined }]) {
      const plain = canonicalCopy(obj) as Record<string, unknown>;
      const [before, after] = objectTextAround(plain, 'm');
      assert.equal(`${before}[1,2]${after}`, objectText({ ...plain, m: [1, 2] }));
    }
  });
  test('the manifest hash is contentHash of the manifest without its hash', async () => {
    const { contentHash } = await import('../../lib/manifest/canonical.js');
    const app = new App();
    new QuickstartStack(app, 'Quickstart');
    const m = withEnv(undefined, () => app.synth({ write: false })).manifests[0];
    const { hash, ...rest } = m;
    assert.equal(hash, contentHash(rest));
  });
});

describe('schemas', () => {
  test('every ARM type with a pinned api-version has a body schema', async () => {
    const { API_VERSION_ENTRIES } = await import('../../lib/catalog/api-versions.js');
    const { BODY_SCHEMAS } = await import('../../lib/manifest/body-schemas.js');
    const missing = API_VERSION_ENTRIES.map((e) => e.armType).filter((t) => !BODY_SCHEMAS[t.toLowerCase()]);
    assert.deepEqual(missing, []);
  });
  test('body schemas reject what Azure would: wrong enum case, unknown member, missing maxNodeCount, plain secrets', () => {
    const issues = validateBody('Microsoft.MachineLearningServices/workspaces/computes', {
      location: 'westeurope',
      properties: {
        computeType: 'AmlCompute',
        properties: {
          vmSize: 'Standard_DS3_v2',
          vmPriority: 'Spot',
          scaleSettings: { minNodeCount: 0 },
          userAccountCredentials: { adminUserName: 'u', adminUserPassword: 'plain' },
          typo: 1,
        },
      },
    });
    const text = issues.map((i) => `${i.pointer} ${i.message}`).join('\n');
    assert.match(text, /vmPriority must be equal to one of the allowed values/);
    assert.match(text, /maxNodeCount/);
    assert.match(text, /typo/);
    assert.match(text, /adminUserPassword holds a plain secret/);
    assert.deepEqual(
      validateBody('Microsoft.MachineLearningServices/workspaces/computes', {
        properties: { computeType: 'computeinstance' },
      }).length > 0,
      true,
    );
  });
  test('instance body: computeInstanceAuthorizationType is lower-case personal, subnet is an object, assignedUser needs both ids', () => {
    const bad = validateBody('Microsoft.MachineLearningServices/workspaces/computes', {
      properties: {
        computeType: 'ComputeInstance',
        properties: {
          vmSize: 'x',
          computeInstanceAuthorizationType: 'Personal',
          subnet: '/subscriptions/x',
          personalComputeInstanceSettings: { assignedUser: { objectId: TENANT } },
        },
      },
    });
    const ptrs = bad.map((i) => i.pointer);
    assert.ok(ptrs.includes('/properties/properties/computeInstanceAuthorizationType'));
    assert.ok(ptrs.includes('/properties/properties/subnet'));
    assert.ok(ptrs.includes('/properties/properties/personalComputeInstanceSettings/assignedUser'));
  });
});
