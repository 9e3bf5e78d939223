// The replay test: every recorded exchange of the corpus, sent to the emulator, gets Azure's status, the same LRO
// header kinds and the same body (volatile values by type). Also counts the corpus against the issue's floor.
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { loadCorpus } from './format.js';
import { replayCorpusFile, REPLAY_LRO_MS } from './replay.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const corpus = loadCorpus();

/**
 * Differences the emulator does not model yet, per fixture: each entry is the start of a problem line (`exchange N
 * (…): /path`) and why it is left. The test fails when a difference is not listed here AND when a listed one no longer
 * occurs (then delete the entry), so this list is the emulator's honest fidelity gap against the corpus.
 */
type Gap = readonly [prefix: string, why: string];

/** Key Vault fields whose echo depends on the api-version or on defaults not modeled. */
const vaultGaps = (x: string): readonly Gap[] => [
  [
    `${x}: /properties/softDeleteRetentionInDays`,
    'not echoed at 2021-11-01-preview when unset; the emulator fills 90 at every version',
  ],
  [
    `${x}: /properties/enableRbacAuthorization`,
    'not echoed at 2021-11-01-preview when unset; the emulator fills false at every version',
  ],
];

/** Storage account fields whose echo depends on the api-version or the SKU's paired region. */
const accountGaps = (x: string): readonly Gap[] => [
  [`${x}: /properties/allowBlobPublicAccess`, 'default true before 2023-01-01, false after: not modeled per version'],
  [`${x}: /properties/allowSharedKeyAccess`, 'not echoed when unset; the emulator fills true'],
  [`${x}: /properties/isHnsEnabled`, 'not echoed when unset; the emulator fills false'],
  [`${x}: /properties/secondaryLocation`, 'GRS paired region not modeled'],
  [`${x}: /properties/statusOfSecondary`, 'GRS paired region not modeled'],
];

const HUB = 'exchange 0 (read GET Microsoft.MachineLearningServices/workspaces)';
const hubGap = (path: string): Gap => [
  `${HUB}: ${path}`,
  'hub workspace GET at 2024-04-01: field the emulator does not echo (or echoes while Azure does not); not modeled yet',
];

const INSTANCE = 'exchange 0 (read GET Microsoft.MachineLearningServices/workspaces/computes)';
const instanceGap = (path: string): Gap => [
  `${INSTANCE}: ${path}`,
  'compute instance GET at 2024-04-01: explicit nulls and service defaults the emulator does not echo yet',
];

/*
 * Echo rules issue 12 names that are NOT modeled, for want of evidence (searched 2026-12-08 in the Azure PowerShell
 * SessionRecords, azure-sdk-for-js recordings and the specs' x-ms-examples):
 * - a cluster GET echoing userAccountCredentials.adminUserSshPublicKey: no recording with a cluster created with
 *   credentials found; the spec marks it x-ms-secret, so the reconciler treats it as write-only;
 * - NSG rules gaining empty sourcePortRanges/destinationPortRanges/…AddressPrefixes arrays: the corpus has only the
 *   spec example (network/nsg-create.json), which shows none;
 * - a workspace PATCH that omits enableDataIsolation resetting it: no workspace PATCH recording found (Update-AzMLWorkspace
 *   re-PUTs, ml/workspace-update.json);
 * - registry DELETE 204: no recording found. App Insights DELETE was found, and answers 200, not 204
 *   (insights/component-delete.json), as the emulator does.
 */
const KNOWN_GAPS: Readonly<Record<string, readonly Gap[]>> = {
  'authorization/role-assignment-create.json': [
    [
      'exchange 0 (create PUT Microsoft.Authorization/roleAssignments): /properties/roleDefinitionId',
      'Azure rewrites a resource-group-scoped role definition id to the subscription scope; not modeled',
    ],
    [
      'exchange 0 (create PUT Microsoft.Authorization/roleAssignments): /properties/createdBy',
      'Azure answers createdBy null on create; the emulator names the caller',
    ],
  ],
  'authorization/role-assignment-delete.json': [
    [
      'exchange 0 (delete DELETE Microsoft.Authorization/roleAssignments): /properties/',
      'the spec example lists only four properties; a recorded answer (role-assignment-create.json) carries the nulls and times the emulator sends',
    ],
  ],
  'keyvault/vault-get.json': vaultGaps('exchange 0 (read GET Microsoft.KeyVault/vaults)'),
  'keyvault/vault-patch.json': vaultGaps('exchange 0 (update PATCH Microsoft.KeyVault/vaults)'),
  'storage/storage-account-get.json': accountGaps('exchange 0 (read GET Microsoft.Storage/storageAccounts)'),
  'storage/storage-account-update.json': accountGaps('exchange 0 (update PATCH Microsoft.Storage/storageAccounts)'),
  'storage/blob-container-get.json': [
    [
      'exchange 0 (read GET Microsoft.Storage/storageAccounts/blobServices/containers): /etag',
      'the container etag ("0x…") is not modeled',
    ],
  ],
  'network/vnet-update-tags.json': [
    [
      'exchange 0 (update PATCH Microsoft.Network/virtualNetworks): /properties/privateEndpointVNetPolicies',
      'a property of later api-versions (recorded at 2022-09-01); the emulator echoes it at every version',
    ],
  ],
  'ml/compute-instance-get.json': [
    ...[
      '/tags',
      '/properties/resourceId',
      '/properties/computeLocation',
      '/properties/provisioningWarnings',
      '/properties/properties/imageVersion',
      '/properties/properties/subnet',
      '/properties/properties/autologgerSettings',
      '/properties/properties/createdBy/userName',
      '/properties/properties/computeInstanceAuthorizationType',
      '/properties/properties/personalComputeInstanceSettings',
      '/properties/properties/setupScripts',
      '/properties/properties/enableBatchPrivateLink',
      '/properties/properties/enableOSPatching',
      '/properties/properties/releaseQuotaOnStop',
      '/properties/properties/enableSSO',
      '/properties/properties/dataMounts',
      '/properties/properties/dataDisks',
      '/properties/properties/containers',
      '/properties/properties/updateStatus',
      '/properties/properties/customServices',
      '/properties/properties/osImageMetadata/osPatchingStatus',
    ].map(instanceGap),
  ],
  'ml/workspace-update.json': ['exchange 0', 'exchange 3'].flatMap((x) =>
    [
      '/properties/allowPublicAccessWhenBehindVnet',
      '/properties/managedNetwork',
      '/properties/serviceProvisionedResourceGroup',
      '/properties/privateEndpointConnections',
    ].map((path): Gap => [
      `${x} (read GET Microsoft.MachineLearningServices/workspaces): ${path}`,
      'Default workspace GET at 2024-04-01: the emulator echoes a default Azure leaves out; not modeled yet',
    ]),
  ),
  'ml/workspace-hub-get.json': [
    ...[
      '/properties/applicationInsights',
      '/properties/workspaceHubConfig',
      '/properties/allowPublicAccessWhenBehindVnet',
      '/properties/managedNetwork',
      '/properties/serviceProvisionedResourceGroup',
      '/properties/privateEndpointConnections',
    ].map(hubGap),
  ],
  'keyvault/vault-update-put.json': vaultGaps('exchange 0 (update PUT Microsoft.KeyVault/vaults)'),

  'ml/compute-cluster-lifecycle.json': [
    [
      'exchange 3 (update PATCH Microsoft.MachineLearningServices/workspaces/computes): /properties/properties/remoteLoginPortPublicAccess',
      "the PATCH answer repeats the create request's NotSpecified; the emulator keeps only the resolved value",
    ],
  ],
  'network/nsg-create.json': [
    [
      'exchange 0 (create PUT Microsoft.Network/networkSecurityGroups): /etag',
      'the spec example omits etags; recorded network answers carry them',
    ],
    [
      'exchange 0 (create PUT Microsoft.Network/networkSecurityGroups): /properties/resourceGuid',
      'the spec example omits resourceGuid; recorded network answers carry it',
    ],
    [
      'exchange 0 (create PUT Microsoft.Network/networkSecurityGroups): /properties/securityRules/0/',
      'the spec example omits the rule etag and type',
    ],
    [
      'exchange 0 (create PUT Microsoft.Network/networkSecurityGroups): /properties/defaultSecurityRules/',
      'default rule descriptions in the example wording, and the type the example omits; not modeled',
    ],
  ],
  'network/private-endpoint-create.json': [
    [
      'exchange 0 (create PUT Microsoft.Network/privateEndpoints): status 400',
      'the example connects to a privateLinkServices resource, a type the emulator does not serve',
    ],
    ['exchange 0 (create PUT Microsoft.Network/privateEndpoints): header ', 'follows from the 400 above'],
  ],
  'network/vnet-create.json': [
    [
      'exchange 0 (create PUT Microsoft.Network/virtualNetworks): /properties/privateEndpointVNetPolicies',
      'a property of later api-versions (recorded at 2022-07-01); the emulator echoes it at every version',
    ],
    ['exchange 2 (read GET Microsoft.Network/virtualNetworks): /properties/privateEndpointVNetPolicies', 'as above'],
  ],
  'storage/storage-account-create.json': accountGaps('exchange 3 (poll GET Microsoft.Storage/storageAccounts)'),
};

describe('corpus replay against the emulator', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    const d = { create: REPLAY_LRO_MS, update: REPLAY_LRO_MS, delete: REPLAY_LRO_MS, action: REPLAY_LRO_MS };
    emu = await startTestEmulator({ durations: { default: d } });
  });
  afterAll(() => emu.close());

  test('the corpus meets the floor: >= 60 exchanges over >= 8 resource types, with the operations amlcdk performs', () => {
    const xs = corpus.flatMap((f) => f.corpus.exchanges);
    assert.ok(xs.length >= 60, `${xs.length} exchanges`);
    assert.ok(new Set(xs.map((x) => x.armType)).size >= 8, 'resource types');
    const has = ([type, op, path]: readonly [string, string, RegExp?]): boolean =>
      xs.some((x) => x.armType === type && x.op === op && (!path || path.test(x.request.path)));
    const C = 'Microsoft.MachineLearningServices/workspaces/computes';
    const W = 'Microsoft.MachineLearningServices/workspaces';
    const needed: readonly (readonly [string, string, RegExp?])[] = [
      [C, 'create'],
      [C, 'update'],
      [C, 'delete'],
      [C, 'action', /\/start\?/],
      [C, 'action', /\/stop\?/],
      [W, 'create'],
      [W, 'update'],
      [W, 'delete'],
      ['Microsoft.Authorization/roleAssignments', 'create'],
      ['Microsoft.Authorization/roleAssignments', 'delete'],
      ['Microsoft.KeyVault/vaults', 'create'],
      ['Microsoft.KeyVault/vaults', 'delete'],
      ['Microsoft.Storage/storageAccounts', 'create'],
      ['Microsoft.Storage/storageAccounts', 'delete'],
      ['Microsoft.Network/virtualNetworks', 'create'],
      ['Microsoft.Network/virtualNetworks/subnets', 'create'],
      ['Microsoft.Network/networkSecurityGroups', 'create'],
      ['Microsoft.Network/privateEndpoints', 'create'],
    ];
    assert.deepEqual(
      needed.filter((n) => !has(n)).map(([t, op, re]) => `${t} ${op}${re ? ` ${String(re)}` : ''}`),
      [],
    );
    // A workspace update is in the corpus as Update-AzMLWorkspace sends it (a re-PUT, ml/workspace-update.json); a
    // workspace PATCH is not (no published recording found): the emulator's PATCH shape rests on the issue-12
    // recording review (lib/emulator/lro-shapes.ts).
    assert.equal(has([W, 'update', /./]), true);
    assert.equal(
      xs.some((x) => x.armType === W && x.request.method === 'PATCH'),
      false,
    );
  });

  for (const { file, corpus: c } of corpus) {
    test(`${file}: ${c.title}`, async () => {
      await emu.reset();
      const problems = await replayCorpusFile(emu, c);
      const gaps = KNOWN_GAPS[file] ?? [];
      assert.deepEqual(
        problems.filter((p) => !gaps.some(([prefix]) => p.startsWith(prefix))),
        [],
        'differences from recorded Azure',
      );
      assert.deepEqual(
        gaps.filter(([prefix]) => !problems.some((p) => p.startsWith(prefix))).map(([prefix]) => prefix),
        [],
        'known gaps that no longer occur: remove them from KNOWN_GAPS',
      );
    });
  }
});
