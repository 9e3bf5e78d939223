import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import { Construct } from 'constructs';
import {
  FileShare,
  FileShareMount,
  WorkspaceDefaultFileShare,
  deriveShareName,
  NOTEBOOK_DIRECTORY,
  DEFAULT_FILE_SHARE_DATASTORE,
  MOUNT_ROOT,
} from '../../../lib/constructs/storage/index.js';
import { Principal } from '../../../lib/constructs/rbac/index.js';
import { BuiltInRole } from '../../../lib/catalog/index.js';
import type { IPrincipal, IShareMounter } from '../../../lib/constructs/refs.js';
import { validateBody } from '../../../lib/manifest/schema.js';
import { canonicalJson } from '../../../lib/manifest/canonical.js';
import { newStack, synth, codes, errorOf, TestWorkspace, SUB, TENANT } from '../network/helpers.js';

const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stmlteam`;
const SHARE_T = 'Microsoft.Storage/storageAccounts/fileServices/shares';
const DS_T = 'Microsoft.MachineLearningServices/workspaces/datastores';
const RA_T = 'Microsoft.Authorization/roleAssignments';

/** A compute instance as the compute constructs present themselves to a share (the IShareMounter contract). */
class TestInstance extends Construct implements IShareMounter {
  constructor(
    scope: Construct,
    id: string,
    public readonly assignedUser?: IPrincipal,
  ) {
    super(scope, id);
  }
}

const alice = Principal.user('11111111-1111-1111-1111-111111111111', { tenantId: TENANT, displayName: 'alice' });
const bob = Principal.user('33333333-3333-3333-3333-333333333333', { tenantId: TENANT, displayName: 'bob' });

describe('FileShare', () => {
  test("renders the share under the account's default file service; depends on an account construct", () => {
    const { app, stack } = newStack();
    const share = new FileShare(stack, 'Shared', {
      storageAccount: ACCOUNT_ID,
      quotaGiB: 1024,
      accessTier: 'Hot',
      metadata: { team: 'ml' },
    });
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    const r = s.resource('Net/Shared');
    assert.equal(r.type, SHARE_T);
    assert.equal(r.apiVersion, '2024-01-01');
    assert.equal(r.id, `${ACCOUNT_ID}/fileServices/default/shares/${share.shareName}`);
    assert.deepEqual(r.body, {
      properties: { accessTier: 'Hot', enabledProtocols: 'SMB', metadata: { team: 'ml' }, shareQuota: 1024 },
    });
    assert.equal(share.roleScopeId, `${ACCOUNT_ID}/fileServices/default/fileshares/${share.shareName}`);
    assert.equal(share.storageAccountName, 'stmlteam');
    assert.deepEqual(validateBody(SHARE_T, r.body), []);
    assert.ok(FileShare.isFileShare(share));
  });

  test('derived names are valid, deterministic and differ per path', () => {
    const n = deriveShareName('Team/Shared Data__Set');
    assert.match(n, /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    assert.equal(n, deriveShareName('Team/Shared Data__Set'));
    assert.notEqual(n, deriveShareName('Other/Shared Data__Set'));
    assert.ok(deriveShareName(`Team/${'x'.repeat(200)}`).length <= 63);
  });

  test('fails InvalidShareQuota (1-5120, 102400 with large file shares), InvalidShareName, InvalidRootSquash, InvalidStorageAccountId', () => {
    const { app, stack } = newStack();
    new FileShare(stack, 'Zero', { storageAccount: ACCOUNT_ID, quotaGiB: 0 });
    new FileShare(stack, 'Big', { storageAccount: ACCOUNT_ID, quotaGiB: 10000 });
    new FileShare(stack, 'Large', { storageAccount: ACCOUNT_ID, quotaGiB: 10000, largeFileShares: true });
    new FileShare(stack, 'Huge', { storageAccount: ACCOUNT_ID, quotaGiB: 200000, largeFileShares: true });
    new FileShare(stack, 'Name', { storageAccount: ACCOUNT_ID, shareName: 'Bad--Name' });
    new FileShare(stack, 'Squash', { storageAccount: ACCOUNT_ID, rootSquash: 'RootSquash' });
    new FileShare(stack, 'Acct', {
      storageAccount: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/virtualNetworks/v',
    });
    new FileShare(stack, 'Proto', { storageAccount: ACCOUNT_ID, protocol: 'CIFS' as never });
    const s = synth(app);
    const q = s.errors.filter((e) => e.code === 'InvalidShareQuota');
    assert.deepEqual(
      q.map((e) => [e.path, e.value]),
      [
        ['Net/Zero', 0],
        ['Net/Big', 10000],
        ['Net/Huge', 200000],
      ],
    );
    assert.match(q[1].fix!, /largeFileShares/);
    assert.deepEqual(
      s.errors
        .filter((e) => e.code !== 'InvalidShareQuota')
        .map((e) => e.code)
        .sort(),
      ['InvalidRootSquash', 'InvalidShareName', 'InvalidShareProtocol', 'InvalidStorageAccountId'],
    );
  });

  test("accepts a storage account construct (name + resourceId), e.g. the workspace's", () => {
    const { app, stack } = newStack();
    const account = new (class extends Construct {
      storageAccountName = 'stmlteam';
      resourceId = ACCOUNT_ID;
    })(stack, 'Acct');
    const share = new FileShare(stack, 'S', {
      storageAccount: account,
      protocol: 'NFS',
      rootSquash: 'RootSquash',
      accessTier: 'Premium',
    });
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.resource('Net/S').body.properties, {
      accessTier: 'Premium',
      enabledProtocols: 'NFS',
      rootSquash: 'RootSquash',
      shareQuota: 100,
    });
    assert.equal(share.protocol, 'NFS');
  });
});

describe('FileShareMount', () => {
  test('registers an identity-based AzureFile datastore: no keys, no secrets in the manifest', () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    const share = new FileShare(stack, 'Shared', { storageAccount: ACCOUNT_ID });
    const mount = new FileShareMount(stack, 'SharedMount', { workspace: ws, share, description: 'team data' });
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    const r = s.resource('Net/SharedMount');
    assert.equal(r.type, DS_T);
    assert.equal(r.id, `${ws.workspaceId}/datastores/${mount.datastoreName}`);
    assert.deepEqual(r.body, {
      properties: {
        accountName: 'stmlteam',
        credentials: { credentialsType: 'None' },
        datastoreType: 'AzureFile',
        description: 'team data',
        endpoint: 'core.windows.net',
        fileShareName: share.shareName,
        protocol: 'https',
        serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
      },
    });
    assert.deepEqual(r.dependsOn, ['Net/Shared']);
    assert.equal(r.secrets, undefined);
    assert.doesNotMatch(canonicalJson(s.manifest), /AccountKey|sasToken|"key"/);
    assert.deepEqual(validateBody(DS_T, r.body), []);
    // the IFileShareMountRef attributes compute instances read
    assert.equal(mount.mountPath, `${MOUNT_ROOT}/${mount.datastoreName}`);
    assert.equal(mount.readOnly, false);
    assert.equal(mount.storageAccountName, 'stmlteam');
    assert.equal(mount.shareName, share.shareName);
    assert.match(mount.datastoreName, /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/);
  });

  test('mounting on instances grants each assigned user SMB Share Contributor on the share, once per user', () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    const share = new FileShare(stack, 'Shared', { storageAccount: ACCOUNT_ID });
    const mount = new FileShareMount(stack, 'SharedMount', { workspace: ws, share });
    mount.registerMount(new TestInstance(stack, 'AliceCi', alice));
    mount.registerMount(new TestInstance(stack, 'AliceCi2', alice));
    mount.registerMount(new TestInstance(stack, 'BobCi', bob));
    mount.registerMount(new TestInstance(stack, 'Unassigned'));
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    const ras = s.ofType(RA_T);
    assert.equal(ras.length, 2);
    for (const ra of ras) {
      assert.ok(ra.id.startsWith(`${share.roleScopeId}/providers/Microsoft.Authorization/roleAssignments/`), ra.id);
      assert.equal(
        (ra.body.properties as { roleDefinitionId: string }).roleDefinitionId,
        BuiltInRole.STORAGE_FILE_DATA_SMB_SHARE_CONTRIBUTOR.definitionId(SUB),
      );
      assert.ok(ra.dependsOn.includes('Net/Shared'));
    }
    assert.deepEqual(ras.map((r) => (r.body.properties as { principalId: string }).principalId).sort(), [
      alice.objectId,
      bob.objectId,
    ]);
    assert.equal(mount.mountedOn.length, 4);
  });

  test('read-only mounts grant SMB Share Reader; grantInstanceUsers: false grants nothing; userRole overrides', () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    const share = new FileShare(stack, 'Shared', { storageAccount: ACCOUNT_ID });
    const ro = new FileShareMount(stack, 'Ro', {
      workspace: ws,
      share,
      readOnly: true,
      datastoreName: 'datasets_ro',
      mountPath: '/mnt/datasets',
    });
    ro.registerMount(new TestInstance(stack, 'A', alice));
    const none = new FileShareMount(stack, 'None', { workspace: ws, share, grantInstanceUsers: false });
    none.registerMount(new TestInstance(stack, 'B', bob));
    const priv = new FileShareMount(stack, 'Priv', {
      workspace: ws,
      share,
      userRole: BuiltInRole.STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
    });
    priv.registerMount(new TestInstance(stack, 'C', bob));
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    const roles = s
      .ofType(RA_T)
      .map((r) => [
        r.logicalId.split('/')[1],
        (r.body.properties as { roleDefinitionId: string }).roleDefinitionId.split('/').pop(),
      ]);
    assert.deepEqual(roles, [
      ['Ro', BuiltInRole.STORAGE_FILE_DATA_SMB_SHARE_READER.guid],
      ['Priv', BuiltInRole.STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR.guid],
    ]);
    assert.equal(ro.mountPath, '/mnt/datasets');
    assert.equal(ro.datastoreName, 'datasets_ro');
  });

  test('fromExistingShare registers a share of another account/resource group without creating it', () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    const m = FileShareMount.fromExistingShare(stack, 'Corp', {
      workspace: ws,
      storageAccountName: 'corpdata',
      shareName: 'datasets',
      storageAccountResourceGroup: 'rg-data',
      readOnly: true,
    });
    m.grantAccess(Principal.group('22222222-2222-2222-2222-222222222222'));
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    assert.equal(s.ofType(SHARE_T).length, 0);
    assert.deepEqual(s.resource('Net/Corp').body.properties, {
      accountName: 'corpdata',
      credentials: { credentialsType: 'None' },
      datastoreType: 'AzureFile',
      endpoint: 'core.windows.net',
      fileShareName: 'datasets',
      protocol: 'https',
      resourceGroup: 'rg-data',
      serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
    });
    assert.equal(
      m.shareScopeId,
      `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/corpdata/fileServices/default/fileshares/datasets`,
    );
    assert.ok(s.ofType(RA_T)[0].id.startsWith(m.shareScopeId));
  });

  test('fails InvalidMountPath, InvalidDatastoreName, NfsShareNotSupported, InvalidStorageAccountName, InvalidShareName, MissingWorkspace', () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    const share = new FileShare(stack, 'Shared', { storageAccount: ACCOUNT_ID });
    const nfs = new FileShare(stack, 'Nfs', { storageAccount: ACCOUNT_ID, protocol: 'NFS' });
    new FileShareMount(stack, 'Rel', { workspace: ws, share, mountPath: 'data' });
    new FileShareMount(stack, 'Over', { workspace: ws, share, mountPath: `${NOTEBOOK_DIRECTORY}/shared` });
    new FileShareMount(stack, 'Dots', { workspace: ws, share, mountPath: '/mnt/../etc' });
    new FileShareMount(stack, 'Reserved', { workspace: ws, share, datastoreName: DEFAULT_FILE_SHARE_DATASTORE });
    new FileShareMount(stack, 'Reserved2', { workspace: ws, share, datastoreName: 'workspaceblobstore' });
    new FileShareMount(stack, 'BadName', { workspace: ws, share, datastoreName: '-no' });
    new FileShareMount(stack, 'NfsMount', { workspace: ws, share: nfs });
    FileShareMount.fromExistingShare(stack, 'Ext', { workspace: ws, storageAccountName: 'Corp-Data', shareName: 'A' });
    new FileShareMount(stack, 'NoWs', { workspace: undefined as never, share });
    const s = synth(app);
    const count = (c: string) => s.errors.filter((e) => e.code === c).length;
    assert.equal(count('InvalidMountPath'), 3);
    assert.match(errorOf(s, 'InvalidMountPath').fix!, /mounts/);
    assert.ok(s.errors.some((e) => e.code === 'InvalidMountPath' && /notebook directory/.test(e.message)));
    assert.equal(count('InvalidDatastoreName'), 3);
    assert.equal(count('NfsShareNotSupported'), 1);
    assert.equal(count('InvalidStorageAccountName'), 1);
    assert.equal(count('InvalidShareName'), 1);
    assert.equal(count('MissingWorkspace'), 1);
    assert.ok(
      s.errors.every((e) => e.source?.file.endsWith('storage.test.ts')),
      "every error points at the user's line",
    );
  });
});

describe('WorkspaceDefaultFileShare', () => {
  test('is the notebook directory: datastore workspaceworkingdirectory at /home/azureuser/cloudfiles/code, rendering nothing', () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    const d = new WorkspaceDefaultFileShare(ws, 'DefaultShare', { workspace: ws, storageAccountName: 'stmlteam' });
    assert.equal(d.datastoreName, 'workspaceworkingdirectory');
    assert.equal(d.mountPath, '/home/azureuser/cloudfiles/code');
    assert.equal(d.isWorkspaceDefault, true);
    assert.equal(d.isNotebookDirectory, true);
    assert.equal(d.readOnly, false);
    assert.equal(d.storageAccountName, 'stmlteam');
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    assert.equal(s.manifest.resources.length, 0);
  });
});

void codes;
