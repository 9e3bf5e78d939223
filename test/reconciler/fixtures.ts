/** Manifests built in tests with the exact ARM shapes of reference/azureml-api.md. */
import { contentHash } from '../../lib/manifest/canonical.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';

export const SUB = '00000000-0000-0000-0000-000000000001';
export const RG = 'rg-test';
export const LOCATION = 'westeurope';
export const RG_ID = `/subscriptions/${SUB}/resourceGroups/${RG}`;
export const WS_API = '2025-09-01';

export function wsId(ws: string): string {
  return `${RG_ID}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
}

export function res(
  partial: Partial<ManifestResource> & Pick<ManifestResource, 'logicalId' | 'type' | 'id' | 'body'>,
): ManifestResource {
  return {
    apiVersion: WS_API,
    name: partial.id.split('/').pop()!,
    dependsOn: [],
    options: { protect: false, deletePolicy: 'Delete' },
    ...partial,
  };
}

export function workspace(name = 'mlw-test', extra: Record<string, unknown> = {}): ManifestResource {
  return res({
    logicalId: `Team/${name}`,
    type: 'Microsoft.MachineLearningServices/workspaces',
    id: wsId(name),
    body: {
      location: LOCATION,
      identity: { type: 'SystemAssigned' },
      sku: { name: 'Basic', tier: 'Basic' },
      properties: {
        friendlyName: name,
        storageAccount: `${RG_ID}/providers/Microsoft.Storage/storageAccounts/st${name.replace(/-/g, '')}`,
        keyVault: `${RG_ID}/providers/Microsoft.KeyVault/vaults/kv-${name}`,
        applicationInsights: `${RG_ID}/providers/Microsoft.Insights/components/appi-${name}`,
        publicNetworkAccess: 'Enabled',
        ...extra,
      },
    },
  });
}

export function cluster(
  name: string,
  ws = 'mlw-test',
  opts: { max?: number; min?: number; vmSize?: string; tags?: Record<string, string> } = {},
): ManifestResource {
  return res({
    logicalId: `Team/${name}`,
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    id: `${wsId(ws)}/computes/${name}`,
    dependsOn: [`Team/${ws}`],
    body: {
      location: LOCATION,
      ...(opts.tags ? { tags: opts.tags } : {}),
      properties: {
        computeType: 'AmlCompute',
        disableLocalAuth: true,
        properties: {
          vmSize: opts.vmSize ?? 'Standard_DS3_v2',
          vmPriority: 'Dedicated',
          scaleSettings: {
            minNodeCount: opts.min ?? 0,
            maxNodeCount: opts.max ?? 4,
            nodeIdleTimeBeforeScaleDown: 'PT15M',
          },
          enableNodePublicIp: true,
          remoteLoginPortPublicAccess: 'NotSpecified',
        },
      },
    },
  });
}

export function instance(
  name: string,
  ws = 'mlw-test',
  opts: { vmSize?: string; idle?: string } = {},
): ManifestResource {
  return res({
    logicalId: `Team/${name}`,
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    id: `${wsId(ws)}/computes/${name}`,
    dependsOn: [`Team/${ws}`],
    body: {
      location: LOCATION,
      properties: {
        computeType: 'ComputeInstance',
        disableLocalAuth: true,
        properties: {
          vmSize: opts.vmSize ?? 'Standard_DS3_v2',
          sshSettings: { sshPublicAccess: 'Disabled' },
          computeInstanceAuthorizationType: 'personal',
          personalComputeInstanceSettings: {
            assignedUser: {
              objectId: '11111111-1111-1111-1111-111111111111',
              tenantId: '22222222-2222-2222-2222-222222222222',
            },
          },
          ...(opts.idle ? { idleTimeBeforeShutdown: opts.idle } : {}),
        },
      },
    },
  });
}

export function manifest(resources: ManifestResource[], stack = 'Team'): Manifest {
  const doc = {
    schemaVersion: 1 as const,
    stack: { name: stack, subscriptionId: SUB, resourceGroup: RG, location: LOCATION, tags: {} },
    resources,
  };
  return { ...doc, hash: contentHash(doc) };
}
