/**
 * The CrossGuard pack driven as the Pulumi engine drives it: the AmlcdkComponent registers its resources (under
 * setMocks, secrets marked as Pulumi marks them), each registration's inputs go through @pulumi/policy's own
 * deserializer as its policy server does before `validateResource`/`validateStack` (which removes the secret
 * markers), with the resource options the engine passes on. The pack's findings must equal `amlcdk check`'s on the
 * component's manifest, for programs with Secret.fromEnv and Secret.fromKeyVault values.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import * as policyDeserialize from '@pulumi/policy/deserialize.js';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb.js';
import type { App } from '../../lib/index.js';
import { AmlcdkComponent } from '../../lib/pulumi/component.js';
import { buildPolicyPackArgs } from '../../lib/policy/crossguard.js';
import { check } from '../../lib/policy/engine.js';
import { installMocks, isSecretWrapped, recordOptions, settle, type Captured } from './harness.js';
import { buildExample, buildTeam, PASSWORD_ENV } from './programs.js';

const mocks = installMocks();
/** @pulumi/policy's own deserializer of the engine's properties (marked internal, so not in its declarations). */
const { deserializeProperties } = policyDeserialize as unknown as {
  deserializeProperties: (props: Struct, proxySecrets: boolean) => Record<string, unknown>;
};
const SECRET_VALUE = 'S3cr3t-Value-0f-Th3-Test';

interface Deployed {
  readonly component: AmlcdkComponent;
  readonly resources: PolicyResource[];
  /** Registrations that carry a secret input. */
  readonly secretInputs: string[];
}

/** Deploy `app` under the mocks and return what the engine would hand the policy pack. */
async function deploy(name: string, app: App): Promise<Deployed> {
  const captured: Captured[] = [];
  const from = mocks.registered.length;
  const component = new AmlcdkComponent(
    name,
    {
      app,
      secrets: { env: { [PASSWORD_ENV]: SECRET_VALUE }, keyVault: async () => SECRET_VALUE },
      // The mock answers listRegistryCredentials; Entra auth would call the registry.
      registryAuth: 'admin',
    },
    { transformations: [recordOptions(captured)] },
  );
  await settle(component);
  const registered = mocks.registered.slice(from);
  const resources = registered.map((reg) => {
    const opts = captured.find((c) => c.name === reg.name)?.opts ?? {};
    // What the policy server does with the engine's request (server.js: deserializeProperties(props, false)).
    const props = deserializeProperties(
      Struct.fromJavaScript(reg.inputs as Parameters<typeof Struct.fromJavaScript>[0]),
      false,
    );
    return {
      type: reg.type,
      name: reg.name,
      urn: `urn:pulumi:dev::amlcdk-test::${reg.type}::${reg.name}`,
      props,
      opts: {
        protect: opts.protect === true,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: opts.additionalSecretOutputs ?? [],
      },
      dependencies: [],
      propertyDependencies: {},
    } as unknown as PolicyResource;
  });
  const secretInputs = registered
    .filter((reg) => Object.values(reg.inputs).some(isSecretWrapped))
    .map((reg) => reg.name.slice(name.length + 1));
  return { component, resources, secretInputs };
}

/** Every policy of the pack over the resources, as `ruleId@logicalId` pairs. */
function packPairs(prefix: string, resources: PolicyResource[]): Set<string> {
  const out = new Set<string>();
  const logical = (n: string): string => n.slice(prefix.length + 1);
  const byUrn = new Map(resources.map((r) => [r.urn, logical(r.name)]));
  const common = {
    stackTags: new Map(),
    getConfig: () => ({}),
    notApplicable: () => {
      throw new Error('n/a');
    },
  };
  for (const p of buildPolicyPackArgs().policies) {
    const rv = p as ResourceValidationPolicy;
    const sv = p as StackValidationPolicy;
    if (rv.validateResource) {
      const fns = Array.isArray(rv.validateResource) ? rv.validateResource : [rv.validateResource];
      for (const r of resources)
        for (const fn of fns)
          void fn({ ...common, ...r, isType: () => false, asType: () => undefined } as never, () =>
            out.add(`${p.name}@${logical(r.name)}`),
          );
    }
    if (sv.validateStack)
      void sv.validateStack({ ...common, resources } as never, (_m: string, urn?: string) =>
        out.add(`${p.name}@${byUrn.get(urn!)}`),
      );
  }
  return out;
}

const PROGRAMS: [string, string, () => Promise<App>][] = [
  ['team program (Secret.fromEnv)', 'team', async () => buildTeam().app],
  ['examples/attach-existing (Secret.fromKeyVault)', 'attach', async () => (await buildExample('attach-existing'))!],
];

describe('the CrossGuard pack under the engine', () => {
  for (const [title, name, build] of PROGRAMS) {
    test(`${title}: the same findings as amlcdk check, secrets never reported as literals`, async () => {
      const d = await deploy(name, await build());
      assert.ok(d.secretInputs.length > 0, 'the program passes a secret input');
      const text = JSON.stringify(d.resources.map((r) => r.props));
      assert.ok(text.includes(SECRET_VALUE), 'the pack sees the secret values in clear, as under the engine');
      const pack = packPairs(name, d.resources);
      const expected = new Set(
        d.component.manifests.flatMap((m) =>
          check(m)
            .findings.filter((f) => f.pack !== 'meta')
            .map((f) => `${f.ruleId}@${f.logicalId}`),
        ),
      );
      assert.deepEqual([...pack].sort(), [...expected].sort());
      assert.ok(![...pack].some((p) => p.startsWith('AML-DATA-001@')), 'no secret reported as a literal');
    });
  }
});
