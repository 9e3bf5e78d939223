// The replay test: every recorded exchange of the corpus, sent to the emulator, gets Azure's status, the same LRO
// header kinds and the same body (volatile values by type). Also counts the corpus against the floor.
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
const KNOWN_GAPS: Readonly<Record<string, readonly (readonly [prefix: string, why: string])[]>> = {
  'authorization/role-assignment-create.json': [
    [
      'exchange 0 (create PUT Microsoft.Authorization/roleAssignments): /properties/roleDefinitionId',
      'Azure rewrites a resource-group-scoped role definition id to the subscription scope; not modeled',
    ],
    [
      'exchange 0 (create PUT Microsoft.Authorization/roleAssignments): /properties/principalType',
      'principalType from the directory (ServicePrincipal): the emulator has no directory (principal seeding is part B of issue 12)',
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
  'keyvault/vault-update-put.json': [
    [
      'exchange 0 (update PUT Microsoft.KeyVault/vaults): /tags',
      'Key Vault echoes tags {} when none were sent; not modeled',
    ],
    [
      'exchange 0 (update PUT Microsoft.KeyVault/vaults): /properties/publicNetworkAccess',
      'Key Vault fills publicNetworkAccess Enabled; not modeled',
    ],
    [
      'exchange 0 (update PUT Microsoft.KeyVault/vaults): /properties/softDeleteRetentionInDays',
      'not echoed at 2021-11-01-preview when unset; the emulator fills 90 at every version',
    ],
    [
      'exchange 0 (update PUT Microsoft.KeyVault/vaults): /properties/enableRbacAuthorization',
      'not echoed at 2021-11-01-preview when unset; the emulator fills false at every version',
    ],
  ],
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
  'storage/storage-account-create.json': [
    [
      'exchange 3 (poll GET Microsoft.Storage/storageAccounts): /properties/allowBlobPublicAccess',
      'default true at 2022-09-01, false from 2023-01-01: version-dependent defaults not modeled',
    ],
    [
      'exchange 3 (poll GET Microsoft.Storage/storageAccounts): /properties/allowSharedKeyAccess',
      'not echoed when unset; the emulator fills true',
    ],
    [
      'exchange 3 (poll GET Microsoft.Storage/storageAccounts): /properties/isHnsEnabled',
      'not echoed when unset; the emulator fills false',
    ],
    [
      'exchange 3 (poll GET Microsoft.Storage/storageAccounts): /properties/encryption/services/',
      'lastEnabledTime of each encryption service not modeled',
    ],
    ['exchange 3 (poll GET Microsoft.Storage/storageAccounts): /properties/keyCreationTime', 'not modeled'],
    [
      'exchange 3 (poll GET Microsoft.Storage/storageAccounts): /properties/networkAcls',
      'default network rule set not echoed by the emulator',
    ],
    [
      'exchange 3 (poll GET Microsoft.Storage/storageAccounts): /properties/privateEndpointConnections',
      'empty list not echoed by the emulator',
    ],
    [
      'exchange 3 (poll GET Microsoft.Storage/storageAccounts): /properties/secondaryLocation',
      'GRS secondary region not modeled',
    ],
    [
      'exchange 3 (poll GET Microsoft.Storage/storageAccounts): /properties/statusOfSecondary',
      'GRS secondary region not modeled',
    ],
  ],
};

describe('corpus replay against the emulator', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    const d = { create: REPLAY_LRO_MS, update: REPLAY_LRO_MS, delete: REPLAY_LRO_MS, action: REPLAY_LRO_MS };
    emu = await startTestEmulator({ durations: { default: d } });
  });
  afterAll(() => emu.close());

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
