/** The ContainerImage asset construct: validation (every code), the manifest asset, placeholders and usedBy. */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import {
  App,
  ComputeInstance,
  ContainerImage,
  Principal,
  Stack,
  SynthesisError,
  ValidationError,
  VmSize,
  Workspace,
} from '../../lib/index.js';

const SUB = '00000000-0000-0000-0000-000000000001';
const TENANT = '00000000-0000-0000-0000-0000000000aa';
const REGISTRY_ID = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/sharedacr01`;

function team(): { app: App; stack: Stack; ws: Workspace } {
  const app = new App();
  const stack = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg-team', location: 'westeurope' });
  const ws = new Workspace(stack, 'Workspace', { tenantId: TENANT });
  return { app, stack, ws };
}

function codesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof SynthesisError) return e.diagnostics.filter((d) => d.level === 'error').map((d) => d.code);
    throw e;
  }
  return [];
}

describe('ContainerImage', () => {
  let dir: string;
  let rel: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'amlcdk-image-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM rocker/rstudio:4.4.1\n');
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf', 'rserver.conf'), 'www-port=8787\n');
    rel = relative(process.cwd(), dir).split(sep).join('/');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('fromDirectory records an asset in the manifest; the instance body carries the placeholder; usedBy is filled', () => {
    const { app, ws } = team();
    const image = ContainerImage.fromDirectory(ws, 'RStudio', {
      directory: dir,
      registry: ws,
      buildArgs: { R_VERSION: '4.4.1' },
    });
    assert.equal(image.imageUri, '${asset:Team/Workspace/RStudio}');
    new ComputeInstance(ws, 'Alice', {
      vmSize: VmSize.STANDARD_DS3_V2,
      assignedUser: Principal.user('22222222-2222-2222-2222-222222222222', { tenantId: TENANT }),
      customApplications: [{ name: 'rstudio', image, endpoints: [{ name: 'web', target: 8787, published: 8787 }] }],
    });
    const m = app.synth({ write: false }).manifests[0];
    assert.equal(m.assets?.length, 1);
    const a = m.assets[0];
    assert.equal(a.id, 'Team/Workspace/RStudio');
    assert.equal(a.kind, 'container-image');
    assert.equal(a.directory, rel, 'directory is relative to the working directory (no machine paths)');
    assert.ok(!a.directory.startsWith('/'));
    assert.equal(a.dockerfile, 'Dockerfile');
    assert.equal(a.registry, 'Team/Workspace/Registry', 'the workspace registry construct, by logicalId');
    assert.equal(a.repository, 'team/workspace/rstudio');
    assert.match(a.tag, /^c-[0-9a-f]{16}$/);
    assert.deepEqual(a.buildArgs, { R_VERSION: '4.4.1' });
    assert.deepEqual(a.usedBy, ['Team/Workspace/Alice']);
    const inst = m.resources.find((r) => r.logicalId === 'Team/Workspace/Alice')!;
    assert.ok(JSON.stringify(inst.body).includes('${asset:Team/Workspace/RStudio}'));
  });

  test('the default tag follows the content of the build context and the build args', () => {
    const tagOf = (args?: Record<string, string>): string => {
      const { app, ws } = team();
      ContainerImage.fromDirectory(ws, 'Img', { directory: dir, registry: ws, ...(args ? { buildArgs: args } : {}) });
      return app.synth({ write: false }).manifests[0].assets![0].tag;
    };
    const first = tagOf();
    assert.equal(tagOf(), first, 'same content, same tag');
    writeFileSync(join(dir, 'conf', 'rserver.conf'), 'www-port=8788\n');
    const changed = tagOf();
    assert.notEqual(changed, first);
    assert.notEqual(tagOf({ X: '1' }), changed);
  });

  test('explicit repository, tag, digest, platform and an existing registry id are kept', () => {
    const { app, ws } = team();
    const digest = 'sha256:' + 'c'.repeat(64);
    ContainerImage.fromDirectory(ws, 'Img', {
      directory: dir,
      registry: REGISTRY_ID,
      repository: 'tools/rstudio',
      tag: 'v1.2',
      digest,
      platform: 'linux/amd64',
    });
    const a = app.synth({ write: false }).manifests[0].assets![0];
    assert.deepEqual(
      [a.registry, a.repository, a.tag, a.digest, a.platform],
      [REGISTRY_ID, 'tools/rstudio', 'v1.2', digest, 'linux/amd64'],
    );
  });

  test('a ContainerRegistry construct can be passed directly', () => {
    const { app, ws } = team();
    ContainerImage.fromDirectory(ws, 'Img', { directory: dir, registry: ws.containerRegistry! });
    assert.equal(app.synth({ write: false }).manifests[0].assets![0].registry, 'Team/Workspace/Registry');
  });

  const bad: [string, (ws: Workspace, d: string) => void][] = [
    [
      'ImageDirectoryNotFound',
      (ws) => ContainerImage.fromDirectory(ws, 'I', { directory: 'does/not/exist', registry: ws }),
    ],
    [
      'DockerfileNotFound',
      (ws, d) => ContainerImage.fromDirectory(ws, 'I', { directory: d, dockerfile: 'Containerfile', registry: ws }),
    ],
    [
      'InvalidImageRegistry',
      (ws, d) =>
        ContainerImage.fromDirectory(ws, 'I', {
          directory: d,
          registry: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa',
        }),
    ],
    [
      'InvalidImageRegistry',
      (ws, d) => ContainerImage.fromDirectory(ws, 'I', { directory: d, registry: ws.node.scope! }),
    ],
    [
      'InvalidImageRepository',
      (ws, d) => ContainerImage.fromDirectory(ws, 'I', { directory: d, registry: ws, repository: 'Team/RStudio' }),
    ],
    [
      'InvalidImageTag',
      (ws, d) => ContainerImage.fromDirectory(ws, 'I', { directory: d, registry: ws, tag: '-bad tag' }),
    ],
    [
      'InvalidImageDigest',
      (ws, d) => ContainerImage.fromDirectory(ws, 'I', { directory: d, registry: ws, digest: 'md5:abc' }),
    ],
    [
      'InvalidImagePlatform',
      (ws, d) => ContainerImage.fromDirectory(ws, 'I', { directory: d, registry: ws, platform: 'amd64' }),
    ],
    [
      'InvalidBuildArg',
      (ws, d) => ContainerImage.fromDirectory(ws, 'I', { directory: d, registry: ws, buildArgs: { 'BAD-NAME': 'x' } }),
    ],
  ];
  for (const [code, make] of bad) {
    test(`${code} is reported by synthesis with the construct path`, () => {
      const { app, ws } = team();
      make(ws, dir);
      const codes = codesOf(() => app.synth({ write: false }));
      assert.ok(codes.includes(code), `got ${codes.join(', ')}`);
    });
  }

  test('fromRegistry accepts references and refuses malformed ones with InvalidImageReference', () => {
    for (const ok of [
      'rocker/rstudio:4.4.1',
      'myacr.azurecr.io/tools/rstudio@sha256:' + 'a'.repeat(64),
      'ghcr.io/org/app:1.0',
      'localhost:5000/x',
    ]) {
      assert.equal(ContainerImage.fromRegistry(ok).imageUri, ok);
    }
    for (const bad of ['', 'UPPER/case', 'x:tag with space', 'a@md5:1']) {
      assert.throws(
        () => ContainerImage.fromRegistry(bad),
        (e: unknown) => e instanceof ValidationError && e.code === 'InvalidImageReference',
      );
    }
    assert.ok(ContainerImage.isContainerImage(ContainerImage.fromRegistry('rocker/rstudio:4.4.1')));
    assert.ok(!ContainerImage.isContainerImage({ imageUri: 'x' }));
  });
});
