/**
 * Every coded compute error and warning, each proven by a program that triggers it (and a valid neighbour that
 * does not, where the distinction matters).
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  AttachTarget,
  AttachedCompute,
  ComputeCluster,
  ComputeInstance,
  ComputeSchedule,
  Duration,
  PersonalComputeInstances,
  Secret,
  SetupScript,
  SshAccess,
  Subnet,
  VirtualNetwork,
  VmPriority,
  VmSize,
  Workspace,
  IsolationMode,
  Annotations,
  type IPrincipal,
} from '../../lib/index.js';
import { Template } from '../../lib/testing/index.js';
import { ALICE, KEY, SUB, TENANT, alice, bob, setup } from './fixtures.js';

const cpu = VmSize.STANDARD_DS3_V2;

function errorsOf(build: (ws: Workspace) => void, wsProps = {}): Template {
  const { stack, ws } = setup(wsProps);
  build(ws);
  return Template.fromStack(stack);
}

describe('compute names', () => {
  test('ComputeNameTooLong: more than 24 characters', () => {
    const t = errorsOf(
      (ws) => new ComputeCluster(ws, 'C', { computeName: 'a-very-long-cluster-name-x', vmSize: cpu, maxNodeCount: 2 }),
    );
    const d = t.hasError('ComputeNameTooLong', 'Team/Ws/C');
    assert.equal(d.value, 'a-very-long-cluster-name-x');
    assert.ok(d.fix && d.allowed);
  });
  test('InvalidComputeName: trailing -<digits> and leading digit are rejected; derived names are valid', () => {
    const t = errorsOf((ws) => {
      new ComputeCluster(ws, 'C1', { computeName: 'cpu-cluster-1', vmSize: cpu, maxNodeCount: 2 });
      new ComputeCluster(ws, 'C2', { computeName: '1cluster', vmSize: cpu, maxNodeCount: 2 });
      new ComputeCluster(ws, 'gpu-1', { vmSize: cpu, maxNodeCount: 2 });
    });
    t.hasError('InvalidComputeName', 'Team/Ws/C1');
    t.hasError('InvalidComputeName', 'Team/Ws/C2');
    assert.equal(t.errors().filter((e) => e.path === 'Team/Ws/gpu-1').length, 0);
  });
  test('DuplicateComputeName: the same name twice in one region, even across stacks and workspaces', () => {
    const { app, stack, ws } = setup();
    new ComputeCluster(ws, 'A', { computeName: 'shared-name', vmSize: cpu, maxNodeCount: 1 });
    const other = new (stack.constructor as typeof import('../../lib/index.js').Stack)(app, 'Other', {
      subscriptionId: SUB,
      resourceGroup: 'rg-2',
      location: 'westeurope',
    });
    const ws2 = new Workspace(other, 'Ws2', { tenantId: TENANT });
    new ComputeCluster(ws2, 'B', { computeName: 'Shared-Name', vmSize: cpu, maxNodeCount: 1 });
    const t = Template.synthScope(app);
    const d = t.hasError('DuplicateComputeName', 'Other/Ws2/B');
    assert.match(d.message, /Team\/Ws\/A/);
  });
  test('different regions may reuse a name', () => {
    const { app, ws } = setup();
    new ComputeCluster(ws, 'A', { computeName: 'shared-name', vmSize: cpu, maxNodeCount: 1 });
    const { Stack } = require_lib();
    const other = new Stack(app, 'Us', { subscriptionId: SUB, resourceGroup: 'rg-2', location: 'eastus' });
    new ComputeCluster(new Workspace(other, 'W', { tenantId: TENANT }), 'B', {
      computeName: 'shared-name',
      vmSize: cpu,
      maxNodeCount: 1,
    });
    assert.equal(Template.synthScope(app).errors().length, 0);
  });
});

// Small helper so one test can construct a second Stack without another import line.
import * as lib from '../../lib/index.js';
import type { Json } from '../helpers/json.js';
function require_lib(): typeof lib {
  return lib;
}

describe('cluster sizing and VM sizes', () => {
  test('MaxNodesBelowMin', () => {
    const d = errorsOf((ws) => new ComputeCluster(ws, 'C', { vmSize: cpu, minNodeCount: 4, maxNodeCount: 2 })).hasError(
      'MaxNodesBelowMin',
      'Team/Ws/C',
    );
    assert.equal(d.value, 2);
    assert.equal(d.allowed, '>= 4');
  });
  test('InvalidNodeCount: negative, fractional or zero max', () => {
    const t = errorsOf((ws) => {
      new ComputeCluster(ws, 'Neg', { vmSize: cpu, minNodeCount: -1, maxNodeCount: 2 });
      new ComputeCluster(ws, 'Zero', { vmSize: cpu, maxNodeCount: 0 });
      new ComputeCluster(ws, 'Frac', { vmSize: cpu, maxNodeCount: 1.5 });
    });
    for (const p of ['Neg', 'Zero', 'Frac']) t.hasError('InvalidNodeCount', `Team/Ws/${p}`);
  });
  test('RetiredVmSize names the replacement', () => {
    const d = errorsOf(
      (ws) => new ComputeCluster(ws, 'Old', { vmSize: VmSize.STANDARD_NC6, maxNodeCount: 2 }),
    ).hasError('RetiredVmSize');
    assert.equal(d.value, 'Standard_NC6');
    assert.ok(d.fix && /use Standard_/.test(d.fix), d.fix);
  });
  test('VmSizeNotAllowedForInstance: 8-GPU ND sizes are cluster-only', () => {
    const t = errorsOf((ws) => {
      new ComputeInstance(ws, 'Big', { vmSize: VmSize.STANDARD_ND96ISR_H100_V5, assignedUser: alice() });
      new ComputeCluster(ws, 'BigCluster', { vmSize: VmSize.STANDARD_ND96ISR_H100_V5, maxNodeCount: 2 });
    });
    t.hasError('VmSizeNotAllowedForInstance', 'Team/Ws/Big');
    assert.equal(t.errors().filter((e) => e.path === 'Team/Ws/BigCluster').length, 0);
  });
  test('VmSizeNotAllowedForCluster: a size the catalog excludes from clusters', () => {
    // NVv4 (AMD GPUs) is allowed for neither instances nor clusters; the catalog marks it, whatever its retirement.
    const info = lib.VM_SIZES.find((s) => !s.allowedFor.cluster && s.retirement?.status !== 'retired');
    if (!info) return assert.fail('catalog has no size that is excluded from clusters');
    errorsOf((ws) => new ComputeCluster(ws, 'C', { vmSize: VmSize.of(info.name), maxNodeCount: 1 })).hasError(
      'VmSizeNotAllowedForCluster',
      'Team/Ws/C',
    );
  });
  test('VmSizeRequired: a string instead of a VmSize', () => {
    errorsOf(
      (ws) => new ComputeCluster(ws, 'C', { vmSize: 'Standard_DS3_v2' as unknown as VmSize, maxNodeCount: 1 }),
    ).hasError('VmSizeRequired');
  });
  test('warning azureml:compute:zeroQuotaByDefault for GPU families', () => {
    const t = errorsOf(
      (ws) => new ComputeCluster(ws, 'Gpu', { vmSize: VmSize.STANDARD_NC24ADS_A100_V4, maxNodeCount: 2 }),
    );
    t.hasWarning('azureml:compute:zeroQuotaByDefault', 'Team/Ws/Gpu');
    t.hasNoErrors();
  });
  test('warning azureml:compute:unknownVmSize suggests close names', () => {
    const d = errorsOf(
      (ws) => new ComputeCluster(ws, 'C', { vmSize: VmSize.of('Standard_DS3_v9'), maxNodeCount: 1 }),
    ).hasWarning('azureml:compute:unknownVmSize');
    assert.match(String(d.allowed), /Standard_DS3_v2/);
  });
  test('InvalidVmPriority and the low-priority = Spot warning, acknowledgeable with a reason', () => {
    const t = errorsOf((ws) => {
      new ComputeCluster(ws, 'Bad', { vmSize: cpu, maxNodeCount: 1, vmPriority: 'Spot' as VmPriority });
      const spot = new ComputeCluster(ws, 'Spot', {
        vmSize: cpu,
        maxNodeCount: 1,
        vmPriority: VmPriority.LOW_PRIORITY,
      });
      Annotations.of(spot).acknowledgeWarning('azureml:cluster:lowPriorityIsSpot', 'jobs checkpoint every 10 minutes');
      new ComputeCluster(ws, 'Spot2', { vmSize: cpu, maxNodeCount: 1, vmPriority: VmPriority.LOW_PRIORITY });
    });
    t.hasError('InvalidVmPriority', 'Team/Ws/Bad');
    assert.deepEqual(t.hasWarning('azureml:cluster:lowPriorityIsSpot', 'Team/Ws/Spot').acknowledged, {
      reason: 'jobs checkpoint every 10 minutes',
    });
    assert.equal(t.hasWarning('azureml:cluster:lowPriorityIsSpot', 'Team/Ws/Spot2').acknowledged, undefined);
    // acknowledged warnings are kept in the manifest, marked
    assert.ok(t.manifest.diagnostics?.some((d) => d.path === 'Team/Ws/Spot' && d.acknowledged));
  });
  test('AcknowledgementWithoutReason', () => {
    errorsOf((ws) => Annotations.of(ws).acknowledgeWarning('azureml:cluster:lowPriorityIsSpot', '  ')).hasError(
      'AcknowledgementWithoutReason',
    );
  });
});

describe('network placement', () => {
  function net(ws: Workspace, location?: string, prefix = '10.0.1.0/24', delegations?: string[]): Subnet {
    const vnet = new VirtualNetwork(ws.node.scope!, 'Vnet', {
      addressSpace: ['10.0.0.0/16'],
      ...(location ? { location } : {}),
    });
    return vnet.addSubnet('Training', { addressPrefix: prefix, ...(delegations ? { delegations } : {}) });
  }
  test('SubnetRegionMismatch', () => {
    const d = errorsOf(
      (ws) => new ComputeCluster(ws, 'C', { vmSize: cpu, maxNodeCount: 2, subnet: net(ws, 'northeurope') }),
    ).hasError('SubnetRegionMismatch', 'Team/Ws/C');
    assert.equal(d.value, 'northeurope');
    assert.equal(d.allowed, 'westeurope');
  });
  test('SubnetDelegated', () => {
    errorsOf(
      (ws) =>
        new ComputeCluster(ws, 'C', {
          vmSize: cpu,
          maxNodeCount: 2,
          subnet: net(ws, undefined, '10.0.1.0/24', ['Microsoft.Web/serverFarms']),
        }),
    ).hasError('SubnetDelegated');
  });
  test('SubnetTooSmall: /28 (11 usable) for 16 nodes', () => {
    const d = errorsOf(
      (ws) => new ComputeCluster(ws, 'C', { vmSize: cpu, maxNodeCount: 16, subnet: net(ws, undefined, '10.0.1.0/28') }),
    ).hasError('SubnetTooSmall', 'Team/Ws/C');
    assert.equal(d.value, '10.0.1.0/28');
  });
  test('SubnetWithManagedNetwork', () => {
    errorsOf((ws) => new ComputeCluster(ws, 'C', { vmSize: cpu, maxNodeCount: 2, subnet: net(ws) }), {
      isolationMode: IsolationMode.ALLOW_INTERNET_OUTBOUND,
    }).hasError('SubnetWithManagedNetwork');
  });
  test('NoPublicIpRequiresNetwork: no public IP, no subnet, no managed network', () => {
    errorsOf((ws) => new ComputeCluster(ws, 'C', { vmSize: cpu, maxNodeCount: 2, nodePublicIp: false })).hasError(
      'NoPublicIpRequiresNetwork',
    );
  });
  test('NoPublicIpWithoutPrivateEndpoint: subnet but no workspace private endpoint; fixed by PrivateEndpoint.forWorkspace', () => {
    errorsOf(
      (ws) => new ComputeCluster(ws, 'C', { vmSize: cpu, maxNodeCount: 2, nodePublicIp: false, subnet: net(ws) }),
    ).hasError('NoPublicIpWithoutPrivateEndpoint');
    const t = errorsOf((ws) => {
      const subnet = net(ws);
      new ComputeCluster(ws, 'C', { vmSize: cpu, maxNodeCount: 2, nodePublicIp: false, subnet });
      const pes = subnet.virtualNetwork.addSubnet('Pe', { addressPrefix: '10.0.2.0/24' });
      lib.PrivateEndpoint.forWorkspace(ws.node.scope as lib.Stack, 'WsPe', { workspace: ws, subnet: pes });
    });
    assert.deepEqual(
      t.errors().map((e) => e.code),
      [],
    );
  });
  test('managed network allows no public IP without a subnet', () => {
    errorsOf((ws) => new ComputeCluster(ws, 'C', { vmSize: cpu, maxNodeCount: 2, nodePublicIp: false }), {
      isolationMode: IsolationMode.ALLOW_ONLY_APPROVED_OUTBOUND,
    }).hasNoErrors();
  });
  test('InvalidCidr in SSH source CIDRs', () => {
    const d = errorsOf(
      (ws) =>
        new ComputeInstance(ws, 'I', {
          vmSize: cpu,
          assignedUser: alice(),
          sshAccess: SshAccess.enabled({ publicKey: KEY, sourceCidrs: ['10.0.0.0/33', '300.1.1.1/24'] }),
        }),
    ).hasError('InvalidCidr');
    assert.equal(d.value, '10.0.0.0/33');
  });
});

describe('compute instance', () => {
  test('AssignedUserIncomplete: missing tenant id', () => {
    const u: IPrincipal = { objectId: ALICE, principalType: 'User' };
    const d = errorsOf((ws) => new ComputeInstance(ws, 'I', { vmSize: cpu, assignedUser: u })).hasError(
      'AssignedUserIncomplete',
    );
    assert.deepEqual(d.value, { objectId: ALICE, tenantId: null });
  });
  test('AssignedUserNotAUser: a group', () => {
    errorsOf(
      (ws) =>
        new ComputeInstance(ws, 'I', { vmSize: cpu, assignedUser: lib.Principal.group(ALICE, { tenantId: TENANT }) }),
    ).hasError('AssignedUserNotAUser');
  });
  test('warning azureml:instance:noAssignedUser', () => {
    errorsOf((ws) => new ComputeInstance(ws, 'I', { vmSize: cpu })).hasWarning('azureml:instance:noAssignedUser');
  });
  test('SshKeyMissing, InvalidSshPublicKey (a private key is never echoed), SshPasswordNotSupported', () => {
    const t = errorsOf((ws) => {
      new ComputeInstance(ws, 'NoKey', { vmSize: cpu, assignedUser: alice(), sshAccess: SshAccess.enabled({}) });
      new ComputeInstance(ws, 'Priv', {
        vmSize: cpu,
        assignedUser: alice(),
        sshAccess: SshAccess.enabled({ publicKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc' }),
      });
      new ComputeInstance(ws, 'Pwd', {
        vmSize: cpu,
        assignedUser: alice(),
        sshAccess: SshAccess.enabled({ publicKey: KEY, password: Secret.fromEnv('PW') }),
      });
    });
    t.hasError('SshKeyMissing', 'Team/Ws/NoKey');
    const d = t.hasError('InvalidSshPublicKey', 'Team/Ws/Priv');
    assert.doesNotMatch(JSON.stringify(d), /BEGIN OPENSSH/);
    t.hasError('SshPasswordNotSupported', 'Team/Ws/Pwd');
  });
  test('IdleShutdownOutOfRange: below 15 minutes and above 3 days; bounds accepted', () => {
    const t = errorsOf((ws) => {
      new ComputeInstance(ws, 'Short', { vmSize: cpu, assignedUser: alice(), idleShutdown: Duration.minutes(10) });
      new ComputeInstance(ws, 'Long', { vmSize: cpu, assignedUser: alice(), idleShutdown: Duration.days(4) });
      new ComputeInstance(ws, 'Min', { vmSize: cpu, assignedUser: alice(), idleShutdown: Duration.minutes(15) });
      new ComputeInstance(ws, 'Max', { vmSize: cpu, assignedUser: alice(), idleShutdown: Duration.days(3) });
    });
    t.hasError('IdleShutdownOutOfRange', 'Team/Ws/Short');
    assert.equal(t.hasError('IdleShutdownOutOfRange', 'Team/Ws/Long').value, 'P4D');
    assert.equal(t.errors().filter((e) => e.path.endsWith('/Min') || e.path.endsWith('/Max')).length, 0);
  });
  test('InvalidCron, InvalidTimeZone (with a suggestion for IANA ids), TooManySchedules', () => {
    const t = errorsOf((ws) => {
      new ComputeInstance(ws, 'Cron', {
        vmSize: cpu,
        assignedUser: alice(),
        schedules: [ComputeSchedule.stopAt('0 25 * * *')],
      });
      new ComputeInstance(ws, 'Tz', {
        vmSize: cpu,
        assignedUser: alice(),
        schedules: [ComputeSchedule.stopAt('0 19 * * 1-5', { timeZone: 'Europe/Berlin' })],
      });
      new ComputeInstance(ws, 'Many', {
        vmSize: cpu,
        assignedUser: alice(),
        schedules: [1, 2, 3, 4, 5].map((h) => ComputeSchedule.stopAt(`0 ${h} * * *`)),
      });
    });
    assert.match(t.hasError('InvalidCron', 'Team/Ws/Cron').message, /hour/);
    assert.match(String(t.hasError('InvalidTimeZone', 'Team/Ws/Tz').fix), /W\. Europe Standard Time/);
    t.hasError('TooManySchedules', 'Team/Ws/Many');
  });
  test('recurrence schedules render as ARM Recurrence triggers; InvalidRecurrence names what is wrong', () => {
    const t = errorsOf((ws) => {
      new ComputeInstance(ws, 'Weekly', {
        computeName: 'ci-weekly',
        vmSize: cpu,
        assignedUser: alice(),
        schedules: [
          ComputeSchedule.startRecurring(
            { frequency: 'Week', hours: [8], minutes: [30], weekDays: ['Monday', 'Wednesday'] },
            { timeZone: 'W. Europe Standard Time', enabled: false },
          ),
          ComputeSchedule.stopRecurring({ frequency: 'Month', interval: 2, hours: [19], minutes: [0] }),
        ],
      });
    });
    const body = t.resource('Team/Ws/Weekly').body as { properties: { properties: { schedules: unknown } } };
    assert.deepEqual(body.properties.properties.schedules, {
      computeStartStop: [
        {
          status: 'Disabled',
          action: 'Start',
          triggerType: 'Recurrence',
          recurrence: {
            frequency: 'Week',
            interval: 1,
            timeZone: 'W. Europe Standard Time',
            schedule: { hours: [8], minutes: [30], weekDays: ['Monday', 'Wednesday'] },
          },
        },
        {
          status: 'Enabled',
          action: 'Stop',
          triggerType: 'Recurrence',
          recurrence: { frequency: 'Month', interval: 2, timeZone: 'UTC', schedule: { hours: [19], minutes: [0] } },
        },
      ],
    });
    t.hasNoErrors();
    assert.deepEqual(t.schemaIssues(), []);
    const bad = errorsOf((ws) => {
      new ComputeInstance(ws, 'Bad', {
        vmSize: cpu,
        assignedUser: alice(),
        schedules: [
          ComputeSchedule.stopRecurring({
            frequency: 'Week',
            interval: 0,
            hours: [24],
            minutes: 'x' as unknown as number[],
          }),
        ],
      });
    }).hasError('InvalidRecurrence', 'Team/Ws/Bad');
    assert.match(bad.message, /interval 0 .*; hours must hold whole numbers 0–23.*; minutes must be a list/);
    // Empty lists are what az ml sends for a recurrence without `schedule`: valid, and sent as such.
    const empty = errorsOf((ws) => {
      new ComputeInstance(ws, 'Empty', {
        vmSize: cpu,
        assignedUser: alice(),
        schedules: [ComputeSchedule.stopRecurring({ frequency: 'Day', hours: [], minutes: [] })],
      });
    });
    empty.hasNoErrors();
    assert.deepEqual(empty.schemaIssues(), []);
  });
  test('custom application privileged mode: docker.privileged in the body; a non-boolean is InvalidPropType', () => {
    const app = { name: 'tool', image: 'ghcr.io/x/tool:1', endpoints: [{ name: 'ui', target: 80, published: 8080 }] };
    const t = errorsOf((ws) => {
      new ComputeInstance(ws, 'Priv', {
        vmSize: cpu,
        assignedUser: alice(),
        customApplications: [{ ...app, privileged: true }],
      });
      new ComputeInstance(ws, 'Plain', { vmSize: cpu, assignedUser: alice(), customApplications: [app] });
      new ComputeInstance(ws, 'Odd', {
        vmSize: cpu,
        assignedUser: alice(),
        customApplications: [{ ...app, privileged: 'yes' as unknown as boolean }],
      });
    });
    const svc = (id: string) =>
      (t.resource(`Team/Ws/${id}`).body as { properties: { properties: { customServices: { docker?: unknown }[] } } })
        .properties.properties.customServices[0];
    assert.deepEqual(svc('Priv').docker, { privileged: true });
    assert.equal(svc('Plain').docker, undefined);
    assert.match(t.hasError('InvalidPropType', 'Team/Ws/Odd').message, /privileged must be true or false/);
  });
  test('setup scripts: EmptySetupScript and SetupScriptTimeoutOutOfRange', () => {
    const t = errorsOf((ws) => {
      new ComputeInstance(ws, 'Empty', { vmSize: cpu, assignedUser: alice(), creationScript: SetupScript.inline('') });
      new ComputeInstance(ws, 'Slow', {
        vmSize: cpu,
        assignedUser: alice(),
        startupScript: SetupScript.inline('echo hi', { timeout: Duration.minutes(30) }),
      });
    });
    t.hasError('EmptySetupScript', 'Team/Ws/Empty');
    t.hasError('SetupScriptTimeoutOutOfRange', 'Team/Ws/Slow');
  });
  test('custom applications: InvalidCustomApplicationName, CustomApplicationWithoutEndpoint, InvalidPort, PortConflict, InvalidImage', () => {
    const t = errorsOf((ws) => {
      new ComputeInstance(ws, 'Apps', {
        vmSize: cpu,
        assignedUser: alice(),
        customApplications: [
          { name: '1bad', image: 'x', endpoints: [{ name: 'a', target: 80, published: 8080 }] },
          { name: 'noep', image: 'x', endpoints: [] },
          { name: 'port', image: 'x', endpoints: [{ name: 'a', target: 70000, published: 8081 }] },
          { name: 'jup', image: 'x', endpoints: [{ name: 'a', target: 80, published: 8888 }] },
          { name: 'img', image: 42 as unknown as string, endpoints: [{ name: 'a', target: 80, published: 9000 }] },
        ],
      });
    });
    for (const c of [
      'InvalidCustomApplicationName',
      'CustomApplicationWithoutEndpoint',
      'InvalidPort',
      'PortConflict',
      'InvalidImage',
    ])
      t.hasError(c, 'Team/Ws/Apps');
  });
  test('warning azureml:instance:ssoForAssignedUser', () => {
    errorsOf((ws) => new ComputeInstance(ws, 'I', { vmSize: cpu, assignedUser: alice(), sso: true })).hasWarning(
      'azureml:instance:ssoForAssignedUser',
    );
  });
  test('warning azureml:instance:idleShutdownNeedsContributor: identity + idle shutdown', () => {
    const t = errorsOf((ws) => {
      new ComputeInstance(ws, 'Id', {
        vmSize: cpu,
        assignedUser: alice(),
        identity: lib.ComputeIdentity.systemAssigned(),
        idleShutdown: Duration.minutes(30),
      });
      new ComputeInstance(ws, 'NoId', { vmSize: cpu, assignedUser: alice(), idleShutdown: Duration.minutes(30) });
    });
    t.hasWarning('azureml:instance:idleShutdownNeedsContributor', 'Team/Ws/Id');
    assert.equal(
      t
        .warnings()
        .filter((w) => w.path === 'Team/Ws/NoId' && w.code === 'azureml:instance:idleShutdownNeedsContributor').length,
      0,
    );
  });
  test('addSchedule / addCustomApplication are validated at synth like props (TooManySchedules, PortConflict)', () => {
    const { stack, ws } = setup();
    const i = new ComputeInstance(ws, 'I', {
      vmSize: cpu,
      assignedUser: alice(),
      schedules: [ComputeSchedule.stopAt('0 19 * * *')],
    });
    for (const h of [1, 2, 3, 4]) i.addSchedule(ComputeSchedule.startAt(`0 ${h} * * *`));
    i.addCustomApplication({ name: 'lab', image: 'x', endpoints: [{ name: 'a', target: 80, published: 8888 }] });
    const t = Template.fromStack(stack);
    t.hasError('TooManySchedules', 'Team/Ws/I');
    t.hasError('PortConflict', 'Team/Ws/I');
    assert.equal((t.resource('Team/Ws/I').body as Json).properties.properties.schedules.computeStartStop.length, 5);
  });
  test('NoWorkspace is thrown when a compute has no workspace', () => {
    const { stack } = setup();
    assert.throws(
      () => new ComputeCluster(stack, 'C', { vmSize: cpu, maxNodeCount: 1 }),
      (e: lib.ValidationError) => e.code === 'NoWorkspace',
    );
  });
});

describe('cluster SSH and images', () => {
  test('SshKeyMissing, InvalidAdminUserName, PlainSecret', () => {
    const t = errorsOf((ws) => {
      new ComputeCluster(ws, 'NoKey', { vmSize: cpu, maxNodeCount: 1, sshAccess: SshAccess.enabled({}) });
      new ComputeCluster(ws, 'User', {
        vmSize: cpu,
        maxNodeCount: 1,
        sshAccess: SshAccess.enabled({ publicKey: KEY, adminUserName: 'Root User' }),
      });
      new ComputeCluster(ws, 'Plain', {
        vmSize: cpu,
        maxNodeCount: 1,
        sshAccess: SshAccess.enabled({ password: 'hunter2' as unknown as Secret }),
      });
    });
    t.hasError('SshKeyMissing', 'Team/Ws/NoKey');
    t.hasError('InvalidAdminUserName', 'Team/Ws/User');
    t.hasError('PlainSecret', 'Team/Ws/Plain');
    assert.doesNotMatch(JSON.stringify(t.diagnostics), /hunter2/);
  });
  test('CustomImageNeedsWindows and WrongResourceType for the image id', () => {
    const t = errorsOf(
      (ws) =>
        new ComputeCluster(ws, 'C', {
          vmSize: cpu,
          maxNodeCount: 1,
          virtualMachineImageId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x`,
        }),
    );
    t.hasError('CustomImageNeedsWindows');
    t.hasError('WrongResourceType');
  });
});

describe('attached compute', () => {
  const aks = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks1`;
  const vm = `/subscriptions/${SUB}/resourceGroups/rg-vm/providers/Microsoft.Compute/virtualMachines/vm1`;
  test('AttachResourceTypeMismatch: a VM id given to a Kubernetes attach', () => {
    const d = errorsOf(
      (ws) => new AttachedCompute(ws, 'K', { target: AttachTarget.kubernetes({ resourceId: vm }) }),
    ).hasError('AttachResourceTypeMismatch', 'Team/Ws/K');
    assert.equal(d.value, vm);
    assert.match(d.message, /Microsoft\.Compute\/virtualMachines/);
  });
  test('AttachCredentialMissing and AttachAdminMissing for VMs, AttachTargetRequired', () => {
    const t = errorsOf((ws) => {
      new AttachedCompute(ws, 'NoCred', {
        target: AttachTarget.virtualMachine({ resourceId: vm, administratorAccount: { username: 'azureuser' } }),
      });
      new AttachedCompute(ws, 'NoUser', {
        target: AttachTarget.virtualMachine({ resourceId: vm, administratorAccount: { username: '' } }),
      });
      new AttachedCompute(ws, 'NoTarget', {} as lib.AttachedComputeProps);
      new AttachedCompute(ws, 'Dbx', {
        target: AttachTarget.databricks({
          resourceId: `/subscriptions/${SUB}/resourceGroups/r/providers/Microsoft.Databricks/workspaces/d`,
          accessToken: undefined as unknown as Secret,
        }),
      });
    });
    t.hasError('AttachCredentialMissing', 'Team/Ws/NoCred');
    t.hasError('AttachAdminMissing', 'Team/Ws/NoUser');
    t.hasError('AttachTargetRequired', 'Team/Ws/NoTarget');
    t.hasError('AttachCredentialMissing', 'Team/Ws/Dbx');
  });
  test('valid AKS attach renders resourceId and properties, no location, Detach policy', () => {
    const t = errorsOf(
      (ws) =>
        new AttachedCompute(ws, 'Aks', {
          target: AttachTarget.kubernetes({
            resourceId: aks,
            namespace: 'azureml',
            instanceTypes: { gpu: { nodeSelector: { pool: 'gpu' }, limits: { 'nvidia.com/gpu': '1' } } },
          }),
        }),
    );
    t.hasNoErrors();
    const r = t.resource('Team/Ws/Aks');
    assert.equal(r.options.deletePolicy, 'Detach');
    assert.equal((r.body as { location?: string }).location, undefined);
    t.hasResourceProperties('Microsoft.MachineLearningServices/workspaces/computes', {
      properties: {
        computeType: 'Kubernetes',
        resourceId: aks,
        properties: {
          namespace: 'azureml',
          instanceTypes: { gpu: { resources: { limits: { 'nvidia.com/gpu': '1' } } } },
        },
      },
    });
  });
});

test('InvalidDeletePolicy: Detach on managed compute (reuse trap), Purge on attached compute, Detach on a workspace', () => {
  const aks = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks1`;
  const t = errorsOf(
    (ws) => {
      new ComputeCluster(ws, 'C', { vmSize: cpu, maxNodeCount: 1, deletePolicy: 'Detach' });
      new AttachedCompute(ws, 'A', { target: AttachTarget.kubernetes({ resourceId: aks }), deletePolicy: 'Purge' });
      new AttachedCompute(ws, 'Ok', { target: AttachTarget.kubernetes({ resourceId: aks }), deletePolicy: 'Retain' });
    },
    { deletePolicy: 'Detach' },
  );
  assert.match(String(t.hasError('InvalidDeletePolicy', 'Team/Ws/C').fix), /18889/);
  t.hasError('InvalidDeletePolicy', 'Team/Ws/A');
  t.hasError('InvalidDeletePolicy', 'Team/Ws');
  assert.equal(t.errors().filter((e) => e.path === 'Team/Ws/Ok').length, 0);
});

describe('personal instances', () => {
  test('NoUsers and DuplicatePrincipal', () => {
    const t = errorsOf((ws) => {
      new PersonalComputeInstances(ws, 'Empty', { users: [], template: { vmSize: cpu } });
      new PersonalComputeInstances(ws, 'Dup', { users: [alice(), alice()], template: { vmSize: cpu } });
    });
    t.hasError('NoUsers', 'Team/Ws/Empty');
    t.hasError('DuplicatePrincipal', 'Team/Ws/Dup');
  });
  test('same or very long display names still give unique, valid names of at most 24 characters', () => {
    const { stack, ws } = setup();
    const users = [
      lib.Principal.user(ALICE, { tenantId: TENANT, displayName: 'alex' }),
      lib.Principal.user('66666666-6666-6666-6666-666666666666', { tenantId: TENANT, displayName: 'alex' }),
      lib.Principal.user('77777777-7777-7777-7777-777777777777', {
        tenantId: TENANT,
        displayName: 'Maximilian Alexander von Humboldt-Bonpland',
      }),
      lib.Principal.user('88888888-8888-8888-8888-888888888888', { tenantId: TENANT }),
    ];
    new PersonalComputeInstances(ws, 'Team', { users, template: { vmSize: cpu } });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    const names = t.findResources('Microsoft.MachineLearningServices/workspaces/computes').map((r) => r.name);
    assert.equal(new Set(names).size, 4);
    for (const n of names) assert.ok(n.length <= 24 && lib.NAME_RULES.compute.pattern.test(n), n);
  });
  test('one instance per user, assigned to them, names unique and valid, operator role on their own instance only', () => {
    const { stack, ws } = setup();
    const team = new PersonalComputeInstances(ws, 'Team', {
      users: [alice(), bob()],
      template: { vmSize: cpu, idleShutdown: Duration.minutes(30) },
    });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    const computes = t.findResources('Microsoft.MachineLearningServices/workspaces/computes');
    assert.equal(computes.length, 2);
    const names = computes.map((c) => c.name);
    assert.equal(new Set(names).size, 2);
    for (const n of names) assert.ok(n.length <= 24 && lib.NAME_RULES.compute.pattern.test(n), n);
    const roles = t.findResources('Microsoft.Authorization/roleAssignments');
    assert.equal(roles.length, 2);
    for (const [oid, inst] of team.instances) {
      const mine = roles.filter(
        (r) => (r.body as { properties: { principalId: string } }).properties.principalId === oid,
      );
      assert.equal(mine.length, 1);
      assert.ok(
        mine[0].id.startsWith(inst.computeId + '/providers/Microsoft.Authorization/roleAssignments/'),
        mine[0].id,
      );
      const body = t.resource(inst.node.path).body as {
        properties: { properties: { personalComputeInstanceSettings: { assignedUser: { objectId: string } } } };
      };
      assert.equal(body.properties.properties.personalComputeInstanceSettings.assignedUser.objectId, oid);
    }
  });
});
