/**
 * examples/pulumi/index.ts, the Pulumi program users run with `pulumi up`, executed as is under Pulumi mocks
 * (imported after setMocks, as the Pulumi docs prescribe): it deploys the secure GPU team plus a workbench whose
 * RStudio application is a docker image pushed to the workspace registry.
 */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import * as pulumi from '@pulumi/pulumi';
import { installMocks, unwrap, isSecretWrapped, valueOf, DIGEST } from './harness.js';

const mocks = installMocks('amlcdk-secure-gpu-team');
pulumi.runtime.setAllConfig({
  'amlcdk-secure-gpu-team:subscriptionId': '00000000-0000-0000-0000-0000000000f1',
  'amlcdk-secure-gpu-team:tenantId': '00000000-0000-0000-0000-0000000000f2',
  'amlcdk-secure-gpu-team:registryAuth': 'admin',
});

test('the example Pulumi program deploys the team with a custom image pushed to the workspace registry', async () => {
  const program = (await import('../../examples/pulumi/index.js')) as {
    ids: Record<string, pulumi.Output<string>>;
    endpoints: Record<string, pulumi.Output<unknown>>;
    rstudioImage: pulumi.Output<string>;
  };
  const ids = program.ids;
  await Promise.all(Object.values(ids).map((o) => valueOf(o)));
  const image = await valueOf(program.rstudioImage);
  assert.equal(image, `${mocks.loginServer}/vision/rstudio@${DIGEST}`);

  // Config reached the constructs: every resource lives in the configured subscription.
  const azure = mocks.registered.filter((r) => r.type.startsWith('azure-native:'));
  assert.ok(azure.length >= 20, `only ${azure.length} resources`);
  assert.ok(Object.keys(ids).includes('SecureGpuTeam/Workspace/Workbench'));
  assert.ok(Object.keys(ids).some((k) => k.startsWith('SecureGpuTeam/Workspace/Personal/')));

  const docker = mocks.registered.filter((r) => r.type === 'docker:index/image:Image');
  assert.equal(docker.length, 1);
  const reg = docker[0].inputs.registry as Record<string, unknown>;
  assert.ok(isSecretWrapped(reg) || isSecretWrapped(reg.password));
  const img = unwrap(docker[0].inputs) as { imageName: string; build: { context: string } };
  assert.match(img.imageName, new RegExp(`^${mocks.loginServer.replace(/\./g, '\\.')}/vision/rstudio:c-[0-9a-f]{16}$`));
  assert.equal(img.build.context, 'examples/pulumi/images/rstudio');

  const workbench = mocks.registered.find((r) => r.name === 'secure-gpu-team/SecureGpuTeam/Workspace/Workbench')!;
  const services = (
    unwrap(workbench.inputs) as {
      properties: { properties: { customServices: { image: { reference: string } }[]; subnet: { id: string } } };
    }
  ).properties.properties;
  assert.equal(services.customServices[0].image.reference, image);
  assert.match(services.subnet.id, /\/subscriptions\/00000000-0000-0000-0000-0000000000f1\/.*\/subnets\//);
});
