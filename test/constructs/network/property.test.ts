/**
 * Property tests (fast-check): valid random network/RBAC/storage programs synthesize schema-valid manifests with no
 * errors; arbitrary (often invalid) input only ever produces coded ValidationErrors — never a TypeError.
 */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  VirtualNetwork,
  NetworkSecurityGroup,
  PrivateEndpoint,
  PrivateDnsZone,
  type SecurityRuleProps,
} from '../../../lib/constructs/network/index.js';
import { Principal, RoleAssignment } from '../../../lib/constructs/rbac/index.js';
import { FileShare, FileShareMount } from '../../../lib/constructs/storage/index.js';
import { BuiltInRole } from '../../../lib/catalog/index.js';
import { ValidationError } from '../../../lib/core/errors.js';
import { validateManifestDeep } from '../../../lib/manifest/schema.js';
import { newStack, synth, TestCompute, TestWorkspace, SUB } from './helpers.js';

const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stmlteam`;
const ROLES = BuiltInRole.values();

const validProgram = fc.record({
  second: fc.integer({ min: 0, max: 255 }),
  thirds: fc.uniqueArray(fc.integer({ min: 0, max: 254 }), { minLength: 1, maxLength: 5 }),
  computes: fc.array(
    fc.record({
      kind: fc.constantFrom('ComputeInstance' as const, 'AmlCompute' as const),
      publicIp: fc.boolean(),
      ips: fc.integer({ min: 0, max: 40 }),
      ssh: fc.option(
        fc.array(
          fc
            .tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }))
            .map(([a, b]) => `${a}.${b}.0.0/16`),
          { minLength: 1, maxLength: 3 },
        ),
        { nil: undefined },
      ),
    }),
    { maxLength: 5 },
  ),
  rules: fc.uniqueArray(
    fc.record({
      priority: fc.integer({ min: 100, max: 2999 }),
      inbound: fc.boolean(),
      allow: fc.boolean(),
      port: fc.integer({ min: 0, max: 65535 }),
    }),
    { selector: (r) => `${r.inbound}/${r.priority}`, maxLength: 6 },
  ),
  grants: fc.array(
    fc.record({ oid: fc.uuid(), role: fc.constantFrom(...ROLES), kind: fc.constantFrom('user', 'group', 'sp') }),
    { maxLength: 6 },
  ),
  quota: fc.integer({ min: 1, max: 5120 }),
  readOnly: fc.boolean(),
  users: fc.array(fc.uuid(), { maxLength: 4 }),
});

test('property: random valid programs synthesize without errors and every body is schema-valid', () => {
  fc.assert(
    fc.property(validProgram, (p) => {
      const { app, stack } = newStack();
      const ws = new TestWorkspace(stack, 'Ws');
      const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: [`10.${p.second}.0.0/16`] });
      const nsg = new NetworkSecurityGroup(stack, 'Nsg');
      const subnets = p.thirds.map((t, i) =>
        vnet.addSubnet(`S${i}`, { addressPrefix: `10.${p.second}.${t}.0/24`, networkSecurityGroup: nsg }),
      );
      p.computes.forEach((c, i) =>
        subnets[i % subnets.length].registerCompute(new TestCompute(stack, `C${i}`, c.kind, c.publicIp, c.ips, c.ssh)),
      );
      p.rules.forEach((r, i) =>
        nsg.addRule({
          name: `R${i}`,
          priority: r.priority,
          direction: r.inbound ? 'Inbound' : 'Outbound',
          access: r.allow ? 'Allow' : 'Deny',
          protocol: 'Tcp',
          destinationPorts: [r.port],
        }),
      );
      PrivateEndpoint.forWorkspace(stack, 'Pe', { workspace: ws, subnet: subnets[0] });
      const seen = new Set<string>();
      p.grants.forEach((g, i) => {
        const key = `${g.oid.toLowerCase()}|${g.role.guid}`;
        if (seen.has(key)) return;
        seen.add(key);
        const principal =
          g.kind === 'user'
            ? Principal.user(g.oid)
            : g.kind === 'group'
              ? Principal.group(g.oid)
              : Principal.servicePrincipal(g.oid);
        new RoleAssignment(stack, `G${i}`, { principal, role: g.role, scope: ws });
      });
      const share = new FileShare(stack, 'Share', { storageAccount: ACCOUNT_ID, quotaGiB: p.quota });
      const mount = new FileShareMount(stack, 'Mount', { workspace: ws, share, readOnly: p.readOnly });
      p.users.forEach((u, i) =>
        mount.registerMount(
          new (class extends TestCompute {
            assignedUser = Principal.user(u);
          })(stack, `I${i}`, 'ComputeInstance', false, 0),
        ),
      );
      const s = synth(app);
      assert.deepEqual(s.errors, []);
      assert.deepEqual(validateManifestDeep(s.manifest), []);
    }),
    { numRuns: 60 },
  );
});

const anything = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant(undefined),
  fc.constant(null),
  fc.constantFrom('10.0.0.0/8', '10.0.0.1/24', '300.0.0.0/8', '', '*'),
);

test('property: arbitrary input only ever yields coded ValidationErrors, never a TypeError', () => {
  fc.assert(
    fc.property(
      fc.record({
        space: fc.array(anything, { maxLength: 3 }),
        prefix: anything,
        priority: anything,
        ruleName: anything,
        protocol: anything,
        role: fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom('Reader', 'acrpull', 'f6c7c914-8db3-469d-8ca1-694a8f32e121'),
        ),
        oid: fc.oneof(fc.uuid(), fc.string({ maxLength: 10 })),
        scope: anything,
        quota: anything,
        shareName: anything,
        mountPath: anything,
        datastore: anything,
        ips: anything,
        delegations: fc.oneof(anything, fc.array(anything, { maxLength: 2 })),
        groupIds: fc.oneof(anything, fc.array(anything, { maxLength: 2 })),
        sources: fc.oneof(anything, fc.array(anything, { maxLength: 2 })),
        ports: fc.oneof(anything, fc.array(anything, { maxLength: 2 })),
        dns: fc.oneof(anything, fc.array(anything, { maxLength: 2 })),
        zone: anything,
        user: fc.oneof(anything, fc.record({ objectId: anything, principalType: anything })),
      }),
      (p) => {
        try {
          const { app, stack } = newStack();
          const ws = new TestWorkspace(stack, 'Ws');
          const vnet = new VirtualNetwork(stack, 'Vnet', {
            addressSpace: p.space as string[],
            dnsServers: p.dns as string[],
          });
          const nsg = new NetworkSecurityGroup(stack, 'Nsg');
          const sn = vnet.addSubnet('S', {
            addressPrefix: p.prefix as string,
            networkSecurityGroup: nsg,
            delegations: p.delegations as string[],
          });
          sn.registerCompute(new TestCompute(stack, 'C', 'AmlCompute', true, p.ips as number, p.sources as string[]));
          nsg.addRule({
            name: p.ruleName as string,
            priority: p.priority as number,
            direction: 'Inbound',
            access: 'Allow',
            protocol: p.protocol as SecurityRuleProps['protocol'],
            sourceAddresses: p.sources as string[],
            destinationPorts: p.ports as number[],
          });
          new PrivateEndpoint(stack, 'Pe', { subnet: sn, target: ws, groupIds: p.groupIds as string[] });
          new PrivateDnsZone(stack, 'Zone', { zoneName: p.zone as string, virtualNetworks: [vnet] });
          new RoleAssignment(stack, 'G', {
            principal: { objectId: p.oid, principalType: 'User' },
            role: p.role,
            scope: p.scope as string,
          });
          const share = new FileShare(stack, 'Share', {
            storageAccount: ACCOUNT_ID,
            quotaGiB: p.quota as number,
            shareName: p.shareName as string,
          });
          const mount = new FileShareMount(stack, 'Mount', {
            workspace: ws,
            share,
            mountPath: p.mountPath as string,
            datastoreName: p.datastore as string,
          });
          mount.registerMount(
            new (class extends TestCompute {
              assignedUser = p.user as never;
            })(stack, 'I', 'ComputeInstance', false, 1),
          );
          const s = synth(app);
          for (const e of s.errors) {
            assert.match(e.code, /^[A-Z][A-Za-z]+$/, `coded error: ${e.code}`);
            assert.ok(e.path.startsWith('Net'), e.path);
            assert.ok(e.message.length > 0);
          }
        } catch (err) {
          assert.ok(err instanceof ValidationError, `only ValidationError may escape, got ${String(err)}`);
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('property: storage and grant helpers with arbitrary input only yield coded errors', () => {
  const weird = fc.oneof(
    anything,
    fc.array(anything, { maxLength: 2 }),
    fc.record({ storageAccountName: anything, resourceId: anything }),
    fc.record({ workspaceId: anything }),
  );
  fc.assert(
    fc.property(
      fc.record({
        account: weird,
        ws: weird,
        share: weird,
        readOnly: anything,
        role: weird,
        oid: fc.oneof(fc.uuid(), anything),
        tenant: anything,
        sda: anything,
        acct: anything,
        shareName: anything,
        tier: anything,
        squash: anything,
      }),
      (p) => {
        try {
          const { app, stack } = newStack();
          const ws = new TestWorkspace(stack, 'Ws');
          const share = new FileShare(stack, 'Share', {
            storageAccount: p.account as string,
            accessTier: p.tier as never,
            rootSquash: p.squash as never,
          });
          new FileShareMount(stack, 'Mount', {
            workspace: p.ws as never,
            share: p.share as never,
            readOnly: p.readOnly as unknown as boolean,
            serviceDataAccessAuthIdentity: p.sda as never,
          });
          const ext = FileShareMount.fromExistingShare(stack, 'Ext', {
            workspace: ws,
            storageAccountName: p.acct as string,
            shareName: p.shareName as string,
            userRole: p.role as never,
          });
          new FileShareMount(stack, 'Ok', { workspace: ws, share });
          try {
            ext.grantAccess(Principal.user(p.oid as string, { tenantId: p.tenant as string }));
          } catch (err) {
            assert.ok(err instanceof ValidationError, String(err));
          }
          const s = synth(app);
          for (const e of s.errors) assert.match(e.code, /^[A-Z][A-Za-z]+$/);
        } catch (err) {
          assert.ok(err instanceof ValidationError, `only ValidationError may escape, got ${String(err)}`);
        }
      },
    ),
    { numRuns: 150 },
  );
});
