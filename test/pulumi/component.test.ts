/**
 * AmlcdkComponent under `pulumi.runtime.setMocks`, for our own team program and every example: the resources
 * Pulumi registers are exactly the manifest's (types, counts, inputs modulo the documented naming differences),
 * with parent, dependsOn, replaceOnChanges, deleteBeforeReplace, protect/retainOnDelete and secrets as the
 * manifest and field tables say.
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import * as pulumi from '@pulumi/pulumi';
import { substituteRefs } from '../../lib/manifest/refs.js';
import {
  mockGuid,
  installMocks,
  recordOptions,
  settle,
  unwrap,
  isSecretWrapped,
  valueOf,
  DIGEST,
  type Captured,
  type MockState,
} from './harness.js';
import { buildTeam, buildExample, EXAMPLES, PASSWORD_ENV, IMAGE_DIR } from './programs.js';
import { startFakeAcr, type FakeAcr } from './fake-acr.js';
import { AmlcdkComponent, AmlcdkPulumiError, COMPONENT_TYPE } from '../../lib/pulumi/component.js';
import { mappingFor, nameArgs, providerDefaults, type TypeMapping } from '../../lib/pulumi/mapping.js';
import { computeTypeOf, createOnlyPaths, splitPath } from '../../lib/catalog/field-tables.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';
import type { App } from '../../lib/core/app.js';
import { ComputeInstance, Principal, VmSize } from '../../lib/index.js';
import { TENANT, SUBSCRIPTION, ROOT } from './programs.js';
import { spawnSync } from 'node:child_process';
import { inThisRealm } from '../helpers/realm.js';

const mocks: MockState = installMocks();
const SECRET_VALUE = 'correct-horse-battery-staple';
process.env[PASSWORD_ENV] = SECRET_VALUE;

// Envelope fields azure-native keeps next to the flattened properties.
const ENVELOPE = new Set([
  'location',
  'tags',
  'identity',
  'sku',
  'kind',
  'extendedLocation',
  'zones',
  'managedBy',
  'plan',
  'etag',
]);

/** The documented naming differences, undone independently of lib/pulumi's forward mapping. */
function argsToArmBody(m: TypeMapping, r: ManifestResource, inputs: Record<string, unknown>): Record<string, unknown> {
  const plain = unwrap(inputs) as Record<string, unknown>;
  const naming = new Set(Object.keys(nameArgs(m, r.id, r.logicalId)));
  const rest = Object.fromEntries(Object.entries(plain).filter(([k]) => !naming.has(k)));
  if (m.bodyStyle === 'as-is') return rest;
  const reverse = Object.fromEntries(Object.entries(m.renames ?? {}).map(([arm, arg]) => [arg, arm]));
  const renest = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(renest);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if (m.bodyStyle !== 'flatten-deep' || !('name' in o))
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, renest(x)]));
    const out: Record<string, unknown> = {};
    const props: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      if (['name', 'id', 'type', 'etag'].includes(k)) out[k] = x;
      else props[k] = renest(x);
    }
    return Object.keys(props).length ? { ...out, properties: props } : out;
  };
  const body: Record<string, unknown> = {};
  const props: Record<string, unknown> = {};
  // Log Analytics keeps its SKU inside `properties` in ARM, so the flattened `sku` belongs there.
  const envelope =
    m.token === 'azure-native:operationalinsights:Workspace'
      ? new Set([...ENVELOPE].filter((k) => k !== 'sku'))
      : ENVELOPE;
  for (const [k, v] of Object.entries(rest)) {
    if (envelope.has(k)) body[k] = v;
    else props[reverse[k] ?? k] = renest(v);
  }
  if (Object.keys(props).length) body.properties = props;
  return body;
}

/** The manifest body as Pulumi must receive it: secrets resolved, asset placeholders → the pushed digest reference. */
function expectedBody(
  r: ManifestResource,
  digestRefs: Map<string, string>,
  refValue: (ref: { resource: string; attribute: string }) => unknown,
): unknown {
  const body = substituteRefs(structuredClone(r.body), refValue) as Record<string, unknown>;
  for (const ptr of r.secrets ?? []) {
    const segs = splitPath(ptr);
    let o = body;
    for (const s of segs.slice(0, -1)) o = o[s] as Record<string, unknown>;
    o[segs.at(-1)!] = SECRET_VALUE;
  }
  let text = JSON.stringify(body);
  for (const [id, ref] of digestRefs) text = text.split(`\${asset:${id}}`).join(ref);
  return JSON.parse(text);
}

/**
 * Defaults the azure-native SDK fills into nested arguments (`*ArgsProvideDefaults`), equal to the ARM defaults;
 * documented in docs/pulumi.md. Anything else extra in the inputs is a mismatch.
 */
const NESTED_PROVIDER_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'azure-native:keyvault:Vault': {
    '/properties/enabledForDeployment': false,
    '/properties/enabledForDiskEncryption': false,
    '/properties/enabledForTemplateDeployment': false,
  },
  // managedNetworkSettingsArgsProvideDefaults (docs/pulumi.md: "nested managedNetwork defaults"); ARM's default too.
  'azure-native:machinelearningservices:Workspace': { '/properties/managedNetwork/enableNetworkMonitor': false },
  // subnetArgsProvideDefaults is applied to the private endpoint's subnet reference ({ id }); ARM reads only the id.
  'azure-native:network:PrivateEndpoint': {
    '/properties/subnet/privateEndpointNetworkPolicies': 'Disabled',
    '/properties/subnet/privateLinkServiceNetworkPolicies': 'Enabled',
  },
};

function withoutProviderDefaults(
  m: TypeMapping,
  actual: Record<string, unknown>,
  expected: unknown,
): Record<string, unknown> {
  const reverse = Object.fromEntries(Object.entries(m.renames ?? {}).map(([arm, arg]) => [arg, arm]));
  const topLevel = Object.fromEntries(
    Object.entries(providerDefaults(m)).map(([arg, v]) => [
      ENVELOPE.has(arg) ? `/${arg}` : `/properties/${reverse[arg] ?? arg}`,
      v,
    ]),
  );
  const defaults = { ...topLevel, ...(NESTED_PROVIDER_DEFAULTS[m.token] ?? {}) };
  const copy = inThisRealm(actual); // a deep copy, in this realm (see test/helpers/realm.ts)
  for (const [ptr, value] of Object.entries(defaults)) {
    const segs = splitPath(ptr);
    let a = copy as Record<string, unknown> | undefined;
    let e = expected as Record<string, unknown> | undefined;
    for (const s of segs.slice(0, -1)) {
      a = a?.[s] as Record<string, unknown> | undefined;
      e = e?.[s] as Record<string, unknown> | undefined;
    }
    const last = segs.at(-1)!;
    if (a && last in a && a[last] === value && !(e && last in e)) delete a[last];
  }
  return copy;
}

/** Dotted create-only path (body form, as field-tables returns it) → Pulumi property path. */
function pulumiFormOf(m: TypeMapping, dotted: string): string {
  let segs = dotted.split('.');
  if (m.bodyStyle !== 'as-is') {
    if (segs[0] === 'properties') segs = segs.slice(1);
    if (segs.length) segs[0] = m.renames?.[segs[0]] ?? segs[0];
    if (m.bodyStyle === 'flatten-deep') segs = segs.filter((s) => s !== 'properties');
  }
  return segs
    .map((s, i) => (s === '*' ? '[*]' : i === 0 ? s : `.${s}`))
    .join('')
    .replace(/\.\[\*\]/g, '[*]');
}

function covered(paths: readonly string[], p: string): boolean {
  return paths.some((q) => q === p || p.startsWith(`${q}.`) || p.startsWith(`${q}[`));
}

interface Deployed {
  readonly component: AmlcdkComponent;
  readonly captured: Captured[];
  readonly registered: MockState['registered'];
}

async function deploy(name: string, args: ConstructorParameters<typeof AmlcdkComponent>[1]): Promise<Deployed> {
  const before = mocks.registered.length;
  const captured: Captured[] = [];
  const component = new AmlcdkComponent(name, args, { transformations: [recordOptions(captured)] });
  await settle(component);
  return { component, captured, registered: mocks.registered.slice(before) };
}

/** Every check of the "done when" list that holds for any program. */
async function checkDeployment(d: Deployed): Promise<void> {
  const { component, captured, registered } = d;
  const resources = component.manifests.flatMap((m: Manifest) => m.resources);
  assert.ok(resources.length > 0);

  // Types and counts equal the manifest's.
  const azure = registered.filter((r) => r.type.startsWith('azure-native:'));
  const count = (xs: string[]): Record<string, number> =>
    xs.reduce<Record<string, number>>((a, t) => ({ ...a, [t]: (a[t] ?? 0) + 1 }), {});
  assert.deepEqual(count(azure.map((r) => r.type)), count(resources.map((r) => mappingFor(r.type).token)));
  assert.equal(azure.length, resources.length);

  const byResource = new Map<pulumi.Resource, string>(
    Object.entries(component.resources).map(([id, res]) => [res, id]),
  );
  const imageRefs = new Map<string, string>();
  for (const [id, img] of Object.entries(component.images)) imageRefs.set(id, await valueOf<string>(img.repoDigest));

  for (const r of resources) {
    const m = mappingFor(r.type);
    const pulumiName = `${component.manifests.length ? '' : ''}${captured.find((c) => c.resource === component.resources[r.logicalId])?.name}`;
    const reg = registered.find((x) => x.name === pulumiName && x.type === m.token);
    assert.ok(reg, `${r.logicalId} was not registered`);
    const opts = captured.find((c) => c.resource === component.resources[r.logicalId])!.opts;

    // Inputs equal the manifest body (modulo the documented naming differences), with the naming arguments from the id.
    const actual = argsToArmBody(m, r, reg.inputs);
    // A deploy-time reference is the Output the mock gives the resource it names (see harness.ts).
    const expected = expectedBody(r, imageRefs, (ref) => {
      const name = captured.find((c) => c.resource === component.resources[ref.resource])?.name ?? '?';
      if (ref.attribute.endsWith('tenantId')) return TENANT;
      return mockGuid(`${ref.attribute.endsWith('clientId') ? 'client' : 'principal'}|${name}`);
    });
    assert.deepEqual(withoutProviderDefaults(m, actual, expected), expected, `${r.logicalId} inputs`);
    for (const [k, v] of Object.entries(nameArgs(m, r.id, r.logicalId)))
      assert.equal(reg.inputs[k], v, `${r.logicalId} ${k}`);

    // Children are parented to the component; dependsOn matches the manifest.
    assert.equal(opts.parent, component, `${r.logicalId} parent`);
    const deps = ((opts.dependsOn ?? []) as pulumi.Resource[])
      .map((x) => byResource.get(x))
      .filter((x): x is string => x !== undefined);
    assert.deepEqual([...deps].sort(), [...r.dependsOn].sort(), `${r.logicalId} dependsOn`);

    // Every create-only path of the field table is covered by replaceOnChanges; delete before replace (names are kept).
    const ro = opts.replaceOnChanges ?? [];
    for (const p of createOnlyPaths(r.type, computeTypeOf(r.body)).paths) {
      assert.ok(
        covered(ro, pulumiFormOf(m, p)),
        `${r.logicalId}: create-only ${p} (${pulumiFormOf(m, p)}) not in replaceOnChanges [${ro.join(', ')}]`,
      );
    }
    assert.equal(opts.deleteBeforeReplace, true);
    assert.equal(opts.protect ?? false, r.options.protect, `${r.logicalId} protect`);
    assert.equal(opts.retainOnDelete ?? false, r.options.deletePolicy === 'Retain', `${r.logicalId} retainOnDelete`);

    // Secrets are secret inputs and secret outputs, never clear text.
    for (const ptr of r.secrets ?? []) {
      const top = m.bodyStyle === 'as-is' ? splitPath(ptr)[0] : (splitPath(ptr)[1] ?? splitPath(ptr)[0]);
      assert.ok(isSecretWrapped(reg.inputs[top]), `${r.logicalId}: ${ptr} is not a secret input`);
      const out = (component.resources[r.logicalId] as unknown as Record<string, pulumi.Output<unknown>>)[top];
      assert.equal(await pulumi.isSecret(out), true, `${r.logicalId}: output ${top} is not secret`);
    }
  }
  // Ids are exported.
  for (const r of resources)
    assert.equal(
      await valueOf(component.ids[r.logicalId]),
      `${captured.find((c) => c.resource === component.resources[r.logicalId])!.name}_id`,
    );
  // The component itself.
  assert.ok(registered.some((x) => x.type === COMPONENT_TYPE));
}

describe('AmlcdkComponent under Pulumi mocks', () => {
  let acr: FakeAcr;
  beforeAll(async () => {
    acr = await startFakeAcr();
  });
  afterAll(async () => {
    await acr?.close();
  });

  test('team program: resources, inputs, options, secrets and outputs match the manifest', async () => {
    const { stack } = buildTeam();
    const d = await deploy('team', { stack, registryAuth: 'admin' });
    await checkDeployment(d);
    const secretsSeen = d.component.manifests[0].resources.filter((r) => r.secrets?.length).map((r) => r.logicalId);
    assert.deepEqual(
      secretsSeen,
      ['Team/Workspace/CpuCluster'],
      'the program has one secret (the cluster admin password)',
    );
    const endpoints = await valueOf(d.component.endpoints['Team/Workspace/Registry']);
    assert.deepEqual(endpoints, { loginServer: mocks.loginServer });
  });

  test('custom image: a docker Image pushes to the workspace registry and the instance references its digest', async () => {
    const { stack } = buildTeam({ stackName: 'Images' });
    const d = await deploy('images', { stack, registryAuth: 'admin' });
    const manifest = d.component.manifests[0];
    assert.equal(manifest.assets?.length, 1);
    const asset = manifest.assets[0];
    assert.deepEqual(asset.usedBy, ['Images/Workspace/AliceInstance']);
    const images = d.registered.filter((r) => r.type === 'docker:index/image:Image');
    assert.equal(images.length, 1);
    const img = unwrap(images[0].inputs) as {
      imageName: string;
      build: { context: string; dockerfile: string; platform: string };
      registry: { server: string; username: string; password: string };
    };
    assert.equal(img.imageName, `${mocks.loginServer}/team/rstudio:v1`);
    assert.deepEqual(img.build, { context: IMAGE_DIR, dockerfile: `${IMAGE_DIR}/Dockerfile`, platform: 'linux/amd64' });
    assert.equal(img.registry.server, mocks.loginServer);
    assert.equal(img.registry.username, 'teamacr');
    assert.equal(img.registry.password, mocks.adminPassword);
    assert.ok(
      isSecretWrapped((images[0].inputs.registry as Record<string, unknown>).password) ||
        isSecretWrapped(images[0].inputs.registry),
      'registry password must be secret',
    );
    // The credentials were listed for the workspace registry, after it exists.
    const list = mocks.calls.filter((c) => c.token === 'azure-native:containerregistry:listRegistryCredentials').at(-1);
    const registry = manifest.resources.find((r) => r.type === 'Microsoft.ContainerRegistry/registries')!;
    assert.deepEqual(list?.inputs, { registryName: registry.name, resourceGroupName: 'rg-images' });
    // The image waits for the registry; the instance waits for the image and references its pushed digest.
    const imgOpts = d.captured.find((c) => c.type === 'docker:index/image:Image')!.opts;
    assert.ok((imgOpts.dependsOn as pulumi.Resource[]).includes(d.component.resources[registry.logicalId]));
    const instOpts = d.captured.find(
      (c) => c.resource === d.component.resources['Images/Workspace/AliceInstance'],
    )!.opts;
    assert.ok((instOpts.dependsOn as pulumi.Resource[]).includes(d.component.images[asset.id]));
    const inst = d.registered.find((r) => r.name === 'images/Images/Workspace/AliceInstance')!;
    const services = (
      unwrap(inst.inputs) as { properties: { properties: { customServices: { image: { reference: string } }[] } } }
    ).properties.properties.customServices;
    assert.equal(services[0].image.reference, `${mocks.loginServer}/team/rstudio@${DIGEST}`);
  });

  test('custom image with Entra ID auth (default): the ARM token is exchanged at the registry for the push password', async () => {
    mocks.loginServer = acr.loginServer;
    acr.mode = { kind: 'ok', refreshToken: 'acr-refresh-for-push' };
    try {
      const { stack } = buildTeam({ stackName: 'Entra' });
      const d = await deploy('entra', { stack, registryCaCertPem: acr.caCertPem });
      const image = d.registered.find((r) => r.type === 'docker:index/image:Image')!;
      const reg = image.inputs.registry as Record<string, unknown>;
      assert.ok(isSecretWrapped(reg.password) || isSecretWrapped(reg), 'push password must be secret');
      assert.deepEqual(unwrap(reg), {
        server: acr.loginServer,
        username: '00000000-0000-0000-0000-000000000000',
        password: 'acr-refresh-for-push',
      });
      assert.deepEqual(acr.calls.at(-1), {
        grant_type: 'access_token',
        service: '127.0.0.1',
        tenant: '00000000-0000-0000-0000-0000000000aa',
        access_token: 'arm-access-token',
      });
    } finally {
      mocks.loginServer = 'teamacr.azurecr.io';
    }
  });

  test('{ app } deploys every stack of the app', async () => {
    const first = buildTeam({ stackName: 'One' });
    buildTeam({ stackName: 'Two', app: first.app });
    const d = await deploy('both', { app: first.app, registryAuth: 'admin' });
    assert.deepEqual(
      d.component.manifests.map((m) => m.stack.name),
      ['One', 'Two'],
    );
    await checkDeployment(d);
  });

  for (const name of EXAMPLES) {
    test(`example ${name}: resources, inputs, options and secrets match its manifest`, async () => {
      const app: App | undefined = await buildExample(name);
      assert.ok(app, `examples/${name}/stack.ts exports no stack`);
      // Every secret of the examples (env: or keyvault:) resolves to SECRET_VALUE.
      const env = new Proxy({}, { get: () => SECRET_VALUE }) as NodeJS.ProcessEnv;
      const d = await deploy(`ex-${name}`, {
        app,
        registryAuth: 'admin',
        secrets: { env, keyVault: async () => SECRET_VALUE },
      });
      await checkDeployment(d);
    });
  }
});

describe('AmlcdkComponent warnings', () => {
  test('preview-only instance fields and POST actions are reported on the resource, with what to do', async () => {
    const { stack, workspace } = buildTeam({ stackName: 'Warn' });
    new ComputeInstance(workspace, 'RootInstance', {
      vmSize: VmSize.STANDARD_DS3_V2,
      assignedUser: Principal.user('33333333-3333-3333-3333-333333333333', { tenantId: TENANT }),
      rootAccess: false,
    });
    const warnings: string[] = [];
    const saved = console.warn;
    console.warn = (msg: unknown) => void warnings.push(String(msg));
    try {
      await deploy('warn', { stack, registryAuth: 'admin' });
    } finally {
      console.warn = saved;
    }
    assert.ok(
      warnings.some(
        (w) =>
          w.includes('Warn/Workspace/RootInstance') &&
          w.includes('properties.properties.enableRootAccess') &&
          /amlcdk apply/.test(w),
      ),
      warnings.join('\n'),
    );
    assert.ok(!warnings.some((w) => w.includes('Warn/Workspace/AliceInstance: ') && w.includes('preview-only')));
  });
});

describe('AmlcdkComponent errors', () => {
  test('a construct validation error fails the program with SynthesisFailed and every coded diagnostic, registering nothing', () => {
    const before = mocks.registered.length;
    const { stack } = buildTeam({ stackName: 'Broken', minNodes: 4, maxNodes: 2 });
    assert.throws(
      () => new AmlcdkComponent('broken', { stack }),
      (e: unknown) =>
        e instanceof AmlcdkPulumiError &&
        pulumi.RunError.isInstance(e) &&
        e.code === 'SynthesisFailed' &&
        e.diagnostics.some((d) => d.code === 'MaxNodesBelowMin' && d.path === 'Broken/Workspace/CpuCluster') &&
        /MaxNodesBelowMin/.test(e.message) &&
        /Broken\/Workspace\/CpuCluster/.test(e.message),
    );
    assert.equal(mocks.registered.length, before);
  });

  test('a missing secret fails with SecretNotFound naming the variable and config key, never a value', () => {
    const saved = process.env[PASSWORD_ENV];
    delete process.env[PASSWORD_ENV];
    try {
      const { stack } = buildTeam({ stackName: 'NoSecret' });
      assert.throws(
        () => new AmlcdkComponent('nosecret', { stack, registryAuth: 'admin' }),
        (e: unknown) =>
          e instanceof AmlcdkPulumiError &&
          e.code === 'SecretNotFound' &&
          e.message.includes(PASSWORD_ENV) &&
          e.message.includes(`amlcdk:${PASSWORD_ENV}`) &&
          /NoSecret\/Workspace\/CpuCluster/.test(e.message),
      );
    } finally {
      process.env[PASSWORD_ENV] = saved;
    }
  });

  test('a secret from the Pulumi config (amlcdk:NAME) is used when the variable is unset, and stays secret', async () => {
    const saved = process.env[PASSWORD_ENV];
    delete process.env[PASSWORD_ENV];
    pulumi.runtime.setAllConfig({ [`amlcdk:${PASSWORD_ENV}`]: 'from-config' }, [`amlcdk:${PASSWORD_ENV}`]);
    try {
      const { stack } = buildTeam({ stackName: 'ConfigSecret' });
      const d = await deploy('configsecret', { stack, registryAuth: 'admin' });
      const cluster = d.registered.find((r) => r.name === 'configsecret/ConfigSecret/Workspace/CpuCluster')!;
      assert.ok(isSecretWrapped(cluster.inputs.properties));
      const creds = (
        unwrap(cluster.inputs) as {
          properties: { properties: { userAccountCredentials: { adminUserPassword: string } } };
        }
      ).properties.properties.userAccountCredentials;
      assert.equal(creds.adminUserPassword, 'from-config');
    } finally {
      process.env[PASSWORD_ENV] = saved;
      pulumi.runtime.setAllConfig({}, []);
    }
  });

  const base = (resources: ManifestResource[]): Manifest => ({
    schemaVersion: 1,
    stack: {
      name: 'Hand',
      subscriptionId: '00000000-0000-0000-0000-000000000001',
      resourceGroup: 'rg',
      location: 'westeurope',
      tags: {},
    },
    resources,
    hash: 'sha256:0',
  });
  const res = (over: Partial<ManifestResource>): ManifestResource => ({
    logicalId: 'Hand/Thing',
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    apiVersion: '2023-01-31',
    id: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1',
    name: 'id1',
    body: { location: 'westeurope' },
    dependsOn: [],
    options: { protect: false, deletePolicy: 'Delete' },
    ...over,
  });

  test('an unmapped ARM type fails loudly with UnmappedResourceType before any child is registered', () => {
    const before = mocks.registered.filter((r) => r.type.startsWith('azure-native:')).length;
    assert.throws(
      () =>
        new AmlcdkComponent('unmapped', {
          manifests: [
            base([
              res({}),
              res({
                logicalId: 'Hand/Site',
                type: 'Microsoft.Web/sites',
                id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Web/sites/s',
              }),
            ]),
          ],
        }),
      (e: unknown) =>
        e instanceof AmlcdkPulumiError &&
        e.code === 'UnmappedResourceType' &&
        /Hand\/Site/.test(e.message) &&
        /Microsoft\.Web\/sites/.test(e.message),
    );
    assert.equal(mocks.registered.filter((r) => r.type.startsWith('azure-native:')).length, before);
  });

  test('an unknown secret reference scheme is refused with UnsupportedSecretRef', () => {
    assert.throws(
      () =>
        new AmlcdkComponent('scheme', {
          manifests: [
            base([
              res({
                body: { location: 'westeurope', tags: { pw: { secretRef: 'file:/etc/pw' } } },
                secrets: ['/tags/pw'],
              }),
            ]),
          ],
        }),
      (e: unknown) =>
        e instanceof AmlcdkPulumiError && e.code === 'UnsupportedSecretRef' && /file:\/etc\/pw/.test(e.message),
    );
  });

  test('a Key Vault reference is read through the reader and becomes a secret; an unlisted SecretRef is resolved too', async () => {
    const reads: string[] = [];
    const keyVault = async (vault: string, name: string): Promise<string> => {
      reads.push(`${vault}/${name}`);
      return `value-of-${name}`;
    };
    const d = await deploy('kvsecret', {
      manifests: [
        base([
          res({
            body: {
              location: 'westeurope',
              tags: { a: { secretRef: 'keyvault:kv-team/pw-a' }, b: { secretRef: 'keyvault:kv-team/pw-b' } },
            },
            secrets: ['/tags/a'],
          }),
        ]),
      ],
      secrets: { keyVault },
    });
    const reg = d.registered.find((r) => r.name === 'kvsecret/Hand/Thing')!;
    assert.ok(isSecretWrapped(reg.inputs.tags));
    assert.deepEqual(unwrap(reg.inputs.tags), { a: 'value-of-pw-a', b: 'value-of-pw-b' });
    assert.deepEqual(reads.sort(), ['kv-team/pw-a', 'kv-team/pw-b']);
  });

  test('a dependency cycle and a dependency outside the manifest are reported with their codes', () => {
    const a = res({ logicalId: 'Hand/A', dependsOn: ['Hand/B'] });
    const b = res({ logicalId: 'Hand/B', dependsOn: ['Hand/A'], id: a.id.replace('id1', 'id2') });
    assert.throws(
      () => new AmlcdkComponent('cycle', { manifests: [base([a, b])] }),
      (e: unknown) =>
        e instanceof AmlcdkPulumiError &&
        e.code === 'DependencyCycle' &&
        /Hand\/A -> Hand\/B -> Hand\/A|Hand\/B -> Hand\/A -> Hand\/B/.test(e.message),
    );
    assert.throws(
      () => new AmlcdkComponent('dangling', { manifests: [base([res({ dependsOn: ['Hand/Nope'] })])] }),
      (e: unknown) => e instanceof AmlcdkPulumiError && e.code === 'UnknownDependency',
    );
  });

  test('an asset placeholder without a declared asset fails with UnknownAsset', () => {
    assert.throws(
      () =>
        new AmlcdkComponent('asset', {
          manifests: [base([res({ body: { location: 'westeurope', tags: { image: '${asset:Hand/Missing}' } } })])],
        }),
      (e: unknown) => e instanceof AmlcdkPulumiError && e.code === 'UnknownAsset' && /Hand\/Missing/.test(e.message),
    );
  });

  test('a provider in another subscription fails the program with SubscriptionMismatch; the same subscription passes', () => {
    // Run in a child process: a failed registration ends the program, as in a real `pulumi up`.
    const run = (sub: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'test/pulumi/fixtures/subscription-check.ts', sub], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
    const bad = run('00000000-0000-0000-0000-0000000000ff');
    assert.notEqual(bad.status, 0);
    assert.match(
      bad.stderr,
      /SubscriptionMismatch: stack Sub is for subscription 00000000-0000-0000-0000-000000000001, but the azure-native provider deploys into 00000000-0000-0000-0000-0000000000ff/,
    );
    assert.match(bad.stderr, /pulumi config set azure-native:subscriptionId 00000000-0000-0000-0000-000000000001/);
    const good = run(SUBSCRIPTION.toUpperCase());
    assert.equal(good.status, 0, good.stderr.slice(-2000));
    assert.match(good.stdout, /registered \d+/);
  });

  test('wrong arguments fail with InvalidComponentArgs', () => {
    assert.throws(
      () => new AmlcdkComponent('bad', {} as never),
      (e: unknown) => e instanceof AmlcdkPulumiError && e.code === 'InvalidComponentArgs',
    );
  });
});
