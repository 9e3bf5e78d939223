/**
 * Policy check benchmark: `check()` over synthetic manifests of 1k and 10k resources (workspaces, compute
 * instances, clusters, NSGs, subnets, private endpoints and role assignments, with a realistic share of
 * findings and graph lookups).
 *
 *   node --import tsx bench/check.ts          # prints a table
 *   node --import tsx bench/check.ts --json   # JSON figures
 *
 * `benchCheck(n)` and `checkFigures()` are reused by bench/run.ts. Goal (issue 4): 10k resources in ≤ 0.5 s.
 */
import { performance } from 'node:perf_hooks';
import { cpuUsage } from 'node:process';
import { MANIFEST_SCHEMA_VERSION, type Manifest, type ManifestResource } from '../lib/manifest/types.js';
import { check } from '../lib/policy/engine.js';
import { formatTable, machineInfo, measure, type FigureSpec } from './harness.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const P = `/subscriptions/${SUB}/resourceGroups/rg-bench/providers`;

function r(logicalId: string, type: string, id: string, body: Record<string, unknown>): ManifestResource {
  return {
    logicalId,
    type,
    apiVersion: '2025-09-01',
    id,
    name: id.split('/').pop()!,
    body,
    dependsOn: [],
    options: { protect: false, deletePolicy: 'Delete' },
    source: { file: 'bench/main.ts', line: 1 },
  };
}

/** A manifest of exactly `n` resources; every 10 resources form one team (workspace, network, compute, grants). */
export function syntheticManifest(n: number): Manifest {
  const resources: ManifestResource[] = [];
  const tags = { owner: 'bench', costCenter: 'cc-1' };
  for (let t = 0; resources.length < n; t++) {
    const ws = `${P}/Microsoft.MachineLearningServices/workspaces/mlw-${t}`;
    const nsg = `${P}/Microsoft.Network/networkSecurityGroups/nsg-${t}`;
    const subnet = `${P}/Microsoft.Network/virtualNetworks/vnet-${t}/subnets/compute`;
    const user = `00000000-0000-0000-0000-${String(t).padStart(12, '0')}`;
    const team: ManifestResource[] = [
      r(`T${t}/Workspace`, 'Microsoft.MachineLearningServices/workspaces', ws, {
        location: 'westeurope',
        tags,
        identity: { type: 'SystemAssigned' },
        properties: {
          publicNetworkAccess: t % 3 === 0 ? 'Enabled' : 'Disabled',
          managedNetwork: { isolationMode: 'AllowOnlyApprovedOutbound' },
        },
      }),
      r(`T${t}/Nsg`, 'Microsoft.Network/networkSecurityGroups', nsg, {
        location: 'westeurope',
        properties: {
          securityRules: [
            {
              name: 'aml',
              properties: {
                priority: 100,
                direction: 'Inbound',
                access: 'Allow',
                protocol: 'Tcp',
                sourceAddressPrefix: 'AzureMachineLearning',
                destinationAddressPrefix: 'VirtualNetwork',
                destinationPortRange: '44224',
              },
            },
            {
              name: 'ssh',
              properties: {
                priority: 200,
                direction: 'Inbound',
                access: 'Allow',
                protocol: 'Tcp',
                sourceAddressPrefix: t % 4 === 0 ? '*' : '10.0.0.0/8',
                destinationAddressPrefix: '*',
                destinationPortRange: '22',
              },
            },
          ],
        },
      }),
      r(`T${t}/Subnet`, 'Microsoft.Network/virtualNetworks/subnets', subnet, {
        properties: { addressPrefix: '10.0.0.0/24', networkSecurityGroup: { id: nsg } },
      }),
      r(`T${t}/Pe`, 'Microsoft.Network/privateEndpoints', `${P}/Microsoft.Network/privateEndpoints/pe-${t}`, {
        location: 'westeurope',
        properties: {
          subnet: { id: subnet },
          privateLinkServiceConnections: [
            { name: 'ws', properties: { privateLinkServiceId: ws, groupIds: ['amlworkspace'] } },
          ],
        },
      }),
      r(
        `T${t}/Grant`,
        'Microsoft.Authorization/roleAssignments',
        `${ws}/providers/Microsoft.Authorization/roleAssignments/g-${t}`,
        {
          properties: {
            roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121`,
            principalId: user,
            principalType: 'User',
          },
        },
      ),
    ];
    for (let i = 0; i < 3; i++) {
      team.push(
        r(`T${t}/Ci${i}`, 'Microsoft.MachineLearningServices/workspaces/computes', `${ws}/computes/ci-${t}-${i}`, {
          location: 'westeurope',
          tags,
          properties: {
            computeType: 'ComputeInstance',
            disableLocalAuth: i !== 0,
            properties: {
              vmSize: i === 2 ? 'Standard_NC4as_T4_v3' : 'Standard_DS11_v2',
              subnet: { id: subnet },
              enableNodePublicIp: false,
              idleTimeBeforeShutdown: i === 1 ? undefined : 'PT30M',
              personalComputeInstanceSettings: { assignedUser: { objectId: user, tenantId: SUB } },
            },
          },
        }),
      );
    }
    team.push(
      r(`T${t}/Cluster`, 'Microsoft.MachineLearningServices/workspaces/computes', `${ws}/computes/cl-${t}`, {
        location: 'westeurope',
        tags,
        properties: {
          computeType: 'AmlCompute',
          properties: {
            vmSize: 'Standard_NC24ads_A100_v4',
            scaleSettings: {
              minNodeCount: t % 5 === 0 ? 1 : 0,
              maxNodeCount: 16,
              nodeIdleTimeBeforeScaleDown: 'PT10M',
            },
            subnet: { id: subnet },
          },
        },
      }),
    );
    team.push(
      r(`T${t}/Storage`, 'Microsoft.Storage/storageAccounts', `${P}/Microsoft.Storage/storageAccounts/st${t}`, {
        location: 'westeurope',
        kind: 'StorageV2',
        sku: { name: 'Standard_LRS' },
        properties: { publicNetworkAccess: 'Disabled' },
      }),
    );
    for (const x of team) if (resources.length < n) resources.push(x);
  }
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    stack: { name: 'Bench', subscriptionId: SUB, resourceGroup: 'rg-bench', location: 'westeurope', tags: {} },
    resources,
    hash: 'sha256:bench',
  };
}

export interface CheckBenchResult {
  readonly resources: number;
  readonly findings: number;
  /** Wall time of check(), ms. */
  readonly checkMs: number;
  /** CPU time of check(), ms. */
  readonly checkCpuMs: number;
}

/**
 * Check a synthetic manifest of `n` resources once (after one warm-up on a small manifest). `checkFn` is lib/'s
 * `check` as tsx loads it, or (bench/run.ts) the plain JavaScript users run; see `SynthLib` in synth.ts.
 */
export function benchCheck(n: number, checkFn: typeof check = check): CheckBenchResult {
  const manifest = syntheticManifest(n);
  checkFn(syntheticManifest(100));
  const cpu0 = cpuUsage();
  const t0 = performance.now();
  const report = checkFn(manifest, { profile: 'prod' });
  const checkMs = performance.now() - t0;
  const cpu = cpuUsage(cpu0);
  return {
    resources: manifest.resources.length,
    findings: report.findings.length,
    checkMs,
    checkCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** Figures for bench/run.ts: check time for 1k and 10k resources. */
export function checkFigures(): FigureSpec[] {
  return [
    { name: 'check 1k resources', unit: 'ms', run: async () => benchCheck(1_000).checkMs },
    {
      name: 'check 10k resources',
      unit: 's',
      goal: '<= 0.5',
      meets: (s) => s <= 0.5,
      run: async () => benchCheck(10_000).checkMs / 1000,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = [];
  for (const spec of checkFigures()) figures.push(await measure(spec, (l) => process.stderr.write(l + '\n')));
  const sample = benchCheck(10_000);
  if (process.argv.includes('--json'))
    process.stdout.write(JSON.stringify({ machine: machineInfo(), figures, sample }, null, 2) + '\n');
  else
    process.stdout.write(
      `${formatTable(figures)}\n10k sample: ${sample.findings} findings, ${sample.checkCpuMs.toFixed(0)} ms CPU\n`,
    );
}
