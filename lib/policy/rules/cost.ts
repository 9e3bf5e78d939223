/** Cost pack: scale to zero, node caps, idle shutdown, VM size allow-lists, GPU governance. */
import type { ManifestResource } from '../../manifest/types.js';
import type { FindingDraft, ResourceRule } from '../types.js';
import {
  T,
  computeType,
  effective,
  get,
  how,
  isGpuSize,
  isManagedCompute,
  lower,
  parseIsoDuration,
  tag,
  wildcardMatch,
  text,
} from '../util.js';
import { resourceRule } from './define.js';

const C = [T.compute];

function vmSize(c: ManifestResource): string | undefined {
  const v = get(c.body, 'properties.properties.vmSize');
  return typeof v === 'string' ? v : undefined;
}

const cost001 = resourceRule({
  id: 'AML-COST-001',
  thresholdKeys: ['warmPoolTag'],
  name: 'ClusterScalesToZero',
  title: 'Clusters scale down to zero nodes',
  pack: 'cost',
  severity: 'medium',
  types: C,
  scope: 'AmlCompute clusters (High for GPU sizes); clusters tagged as a warm pool are exempt',
  defaults: '`scaleSettings.minNodeCount` absent means the API default 0 (compliant).',
  rationale: 'Nodes above zero are billed around the clock even when no job runs; GPU nodes cost the most.',
  anchors: {
    checkov: ['CKV_AZURE_150'],
    azurePolicy: ['Deny-MachineLearning-ComputeCluster-Scale'],
    other: ['Steampipe compute_cluster_minimum_node_zero'],
  },
  evaluate(c, ctx) {
    if (computeType(c) !== 'AmlCompute') return 'not-applicable';
    if (tag(c, ctx.thresholds.warmPoolTag) !== undefined) return [];
    const e = effective<number>(c, 'properties.properties.scaleSettings.minNodeCount', 0);
    if (Number(e.value) === 0) return [];
    return [
      {
        path: 'properties.properties.scaleSettings.minNodeCount',
        value: e.value,
        provenance: e.provenance,
        severity: isGpuSize(vmSize(c)) ? 'high' : undefined,
        message: `cluster "${c.name}" keeps ${text(e.value)} ${vmSize(c) ?? ''} node(s) running when idle`,
        fix: `set minNodeCount: 0, or give the cluster tags: { ${ctx.thresholds.warmPoolTag}: '<reason>' } if a warm pool is intended`,
      },
    ];
  },
});

const cost002 = resourceRule({
  id: 'AML-COST-002',
  thresholdKeys: ['clusterMaxNodes', 'gpuClusterMaxNodes'],
  name: 'ClusterMaxNodesCapped',
  title: 'Cluster maximum node count is capped',
  pack: 'cost',
  severity: 'medium',
  types: C,
  scope: 'AmlCompute clusters',
  defaults:
    'Thresholds `clusterMaxNodes` / `gpuClusterMaxNodes` (dev 10/4, prod 20/8). `maxNodeCount` is required by the API.',
  rationale:
    'An uncapped cluster turns a runaway sweep into a large bill and exhausts the family quota shared with other teams.',
  anchors: { azurePolicy: ['Deny-MachineLearning-ComputeCluster-Scale'] },
  evaluate(c, ctx) {
    if (computeType(c) !== 'AmlCompute') return 'not-applicable';
    const gpu = isGpuSize(vmSize(c));
    const cap = gpu ? ctx.thresholds.gpuClusterMaxNodes : ctx.thresholds.clusterMaxNodes;
    const e = effective<number>(c, 'properties.properties.scaleSettings.maxNodeCount');
    if (e.value === undefined)
      return [
        {
          path: 'properties.properties.scaleSettings.maxNodeCount',
          provenance: 'unknown',
          message: `cluster "${c.name}" sets no maxNodeCount (the API requires one)`,
          fix: `set maxNodeCount: ${cap} (or lower)`,
        },
      ];
    const out: FindingDraft[] = [];
    if (Number(e.value) > cap)
      out.push({
        path: 'properties.properties.scaleSettings.maxNodeCount',
        value: e.value,
        provenance: e.provenance,
        message: `cluster "${c.name}" can grow to ${text(e.value)} ${gpu ? 'GPU ' : ''}nodes; the ${ctx.profile} profile caps ${gpu ? 'GPU ' : ''}clusters at ${cap}`,
        fix: `set maxNodeCount: ${cap} (or lower), or raise thresholds.${gpu ? 'gpuClusterMaxNodes' : 'clusterMaxNodes'} in the policy config`,
      });
    const min = Number(get(c.body, 'properties.properties.scaleSettings.minNodeCount') ?? 0);
    if (min > Number(e.value))
      out.push({
        path: 'properties.properties.scaleSettings.minNodeCount',
        value: min,
        provenance: 'set',
        message: `cluster "${c.name}" has minNodeCount ${min} above maxNodeCount ${text(e.value)}`,
        fix: 'set minNodeCount no higher than maxNodeCount',
      });
    return out;
  },
});

const cost003 = resourceRule({
  id: 'AML-COST-003',
  thresholdKeys: ['clusterScaleDownMaxSeconds'],
  name: 'ClusterScaleDownIdleTime',
  title: 'Cluster nodes scale down soon after going idle',
  pack: 'cost',
  severity: 'low',
  types: C,
  scope: 'AmlCompute clusters',
  defaults:
    '`nodeIdleTimeBeforeScaleDown` absent means the service default of 120 seconds (compliant). Durations are parsed fully (PT1H30M = 5400 s), unlike the ALZ policy which reads only the last number.',
  rationale: 'Idle nodes are billed until they scale down.',
  anchors: { azurePolicy: ['Deny-MachineLearning-ComputeCluster-Scale'], other: ['WAF cost'] },
  evaluate(c, ctx) {
    if (computeType(c) !== 'AmlCompute') return 'not-applicable';
    const e = effective<string>(c, 'properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown', 'PT120S');
    const secs = parseIsoDuration(e.value);
    const max = ctx.thresholds.clusterScaleDownMaxSeconds;
    if (secs === undefined)
      return [
        {
          path: 'properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown',
          value: e.value,
          provenance: e.provenance,
          message: `cluster "${c.name}" has nodeIdleTimeBeforeScaleDown ${JSON.stringify(e.value)}, which is not an ISO-8601 duration`,
          fix: 'set idleTimeBeforeScaleDown: Duration.minutes(10) (the body holds an ISO-8601 duration such as PT10M)',
        },
      ];
    if (secs <= max) return [];
    return [
      {
        path: 'properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown',
        value: e.value,
        provenance: e.provenance,
        message: `cluster "${c.name}" keeps idle nodes for ${secs} s (${text(e.value)}); the limit is ${max} s`,
        fix: `set idleTimeBeforeScaleDown: Duration.minutes(${Math.floor(max / 60)}) or less`,
      },
    ];
  },
});

/** A POST action's body field (idle shutdown and schedules may be set by action on older api-versions). */
function actionValue(c: ManifestResource, action: string, path: string): unknown {
  const a = c.actions?.find((x) => x.name.toLowerCase() === action.toLowerCase());
  return a ? get(a.body, path) : undefined;
}

function hasStopSchedule(c: ManifestResource): boolean {
  const s =
    get(c.body, 'properties.properties.schedules.computeStartStop') ??
    actionValue(c, 'updateSchedules', 'computeStartStop');
  return (
    Array.isArray(s) &&
    s.some((x) => lower(get(x, 'action')) === 'stop' && lower(get(x, 'status') ?? 'enabled') === 'enabled')
  );
}

const cost004 = resourceRule({
  id: 'AML-COST-004',
  thresholdKeys: ['instanceIdleShutdownMaxMinutes', 'gpuInstanceIdleShutdownMaxMinutes'],
  name: 'InstanceIdleShutdown',
  title: 'Compute instances shut down when idle or on a schedule',
  pack: 'cost',
  severity: 'medium',
  types: C,
  scope: 'ComputeInstance (High for GPU sizes)',
  defaults:
    'No `idleTimeBeforeShutdown` (in the body or an `updateIdleShutdownSetting` action) and no enabled Stop schedule means the instance runs until someone stops it. Thresholds: `instanceIdleShutdownMaxMinutes` (dev 120, prod 60), GPU (dev 60, prod 30).',
  rationale: 'Forgotten instances are the largest avoidable Azure ML cost, GPU instances most of all.',
  anchors: {
    psrule: ['Azure.ML.ComputeIdleShutdown'],
    azurePolicy: ['679ddf89-ab8f-48a5-9029-e76054077449'],
    other: ['WAF cost'],
  },
  evaluate(c, ctx) {
    if (computeType(c) !== 'ComputeInstance') return 'not-applicable';
    const gpu = isGpuSize(vmSize(c));
    const maxMin = gpu
      ? ctx.thresholds.gpuInstanceIdleShutdownMaxMinutes
      : ctx.thresholds.instanceIdleShutdownMaxMinutes;
    const viaAction = actionValue(c, 'updateIdleShutdownSetting', 'idleTimeBeforeShutdown');
    const e =
      viaAction !== undefined && get(c.body, 'properties.properties.idleTimeBeforeShutdown') === undefined
        ? { value: viaAction as string, provenance: 'set' as const }
        : effective<string>(c, 'properties.properties.idleTimeBeforeShutdown');
    const sev = gpu ? ('high' as const) : undefined;
    if (e.value === undefined) {
      if (hasStopSchedule(c)) return [];
      return [
        {
          path: 'properties.properties.idleTimeBeforeShutdown',
          provenance: 'unknown',
          severity: sev,
          message: `compute instance "${c.name}"${gpu ? ' (GPU)' : ''} has no idle shutdown and no stop schedule`,
          fix: `set idleShutdown: Duration.minutes(${maxMin}) or less, or add schedules: [ComputeSchedule.stopAt(cron)]`,
        },
      ];
    }
    const secs = parseIsoDuration(e.value);
    if (secs === undefined)
      return [
        {
          path: 'properties.properties.idleTimeBeforeShutdown',
          value: e.value,
          provenance: 'set',
          message: `compute instance "${c.name}" has idleTimeBeforeShutdown ${JSON.stringify(e.value)}, which is not an ISO-8601 duration`,
          fix: 'set idleShutdown: Duration.minutes(60) (the body holds an ISO-8601 duration such as PT60M)',
        },
      ];
    if (secs <= maxMin * 60 || hasStopSchedule(c)) return [];
    return [
      {
        path: 'properties.properties.idleTimeBeforeShutdown',
        value: e.value,
        provenance: 'set',
        severity: sev,
        message: `compute instance "${c.name}" shuts down after ${Math.round(secs / 60)} idle minutes; the ${ctx.profile} profile allows at most ${maxMin}${gpu ? ' for GPU sizes' : ''}`,
        fix: `set idleShutdown: Duration.minutes(${maxMin}) or less, or add schedules: [ComputeSchedule.stopAt(cron)]`,
      },
    ];
  },
});

const cost005 = resourceRule({
  id: 'AML-COST-005',
  thresholdKeys: ['allowedVmSizes'],
  name: 'AllowedVmSizes',
  title: 'Compute uses an allowed VM size',
  pack: 'cost',
  severity: 'medium',
  types: C,
  scope: 'ComputeInstance and AmlCompute, when `thresholds.allowedVmSizes` is configured',
  rationale: 'A VM size allow-list keeps teams on sizes with quota, budget approval and support.',
  anchors: { azurePolicy: ['Deny-MachineLearning-Compute-VmSize'] },
  evaluate(c, ctx) {
    const allowed = ctx.thresholds.allowedVmSizes;
    if (!allowed || !isManagedCompute(c)) return 'not-applicable';
    const size = vmSize(c);
    if (size && allowed.some((p) => wildcardMatch(p, size))) return [];
    return [
      {
        path: 'properties.properties.vmSize',
        value: size,
        provenance: size ? 'set' : 'unknown',
        message: `${computeType(c)} "${c.name}" uses VM size ${size ?? '(none)'}, which is not in the allow-list`,
        fix: `set vmSize: VmSize.of(size) with one of: ${allowed.join(', ')}`,
      },
    ];
  },
});

const cost006 = resourceRule({
  id: 'AML-COST-006',
  thresholdKeys: ['gpuAllowList', 'allowGpuInstances'],
  name: 'GpuGovernance',
  title: 'GPU compute uses an approved size, is allowed for its kind and carries a cost center',
  pack: 'cost',
  severity: 'high',
  types: C,
  scope: 'ComputeInstance and AmlCompute with a GPU (N-series) size',
  defaults:
    'GPU allow-list: current T4, A10, A100, H100, H200 lines. GPU compute instances: allowed in dev, not in prod (`allowGpuInstances`).',
  rationale:
    'GPU capacity is scarce and expensive: only approved current-generation sizes, personal GPU workstations only where the profile allows, and every GPU resource attributable to a cost center.',
  anchors: { azurePolicy: ['Deny-MachineLearning-Compute-VmSize'], other: ['WAF cost (GPU waste)'] },
  evaluate(c, ctx) {
    if (!isManagedCompute(c)) return 'not-applicable';
    const size = vmSize(c);
    if (!isGpuSize(size)) return 'not-applicable';
    const out: FindingDraft[] = [];
    if (!ctx.thresholds.gpuAllowList.some((p) => wildcardMatch(p, size!)))
      out.push({
        path: 'properties.properties.vmSize',
        value: size,
        provenance: 'set',
        message: `${computeType(c)} "${c.name}" uses GPU size ${size}, which is not in the GPU allow-list`,
        fix: `set vmSize to an approved GPU size (${ctx.thresholds.gpuAllowList.slice(0, 3).join(', ')}, ...) or extend thresholds.gpuAllowList in the policy config`,
      });
    if (computeType(c) === 'ComputeInstance' && !ctx.thresholds.allowGpuInstances)
      out.push({
        path: 'properties.properties.vmSize',
        value: size,
        provenance: 'set',
        message: `GPU compute instance "${c.name}" (${size}) is not allowed under the ${ctx.profile} profile`,
        fix: 'run GPU work on a ComputeCluster with minNodeCount: 0, or set thresholds.allowGpuInstances: true in the policy config',
      });
    if (tag(c, 'costCenter') === undefined)
      out.push({
        path: 'tags.costCenter',
        provenance: 'unknown',
        message: `GPU ${computeType(c)} "${c.name}" has no costCenter tag`,
        fix: "set tags: { costCenter: '<id>' } on the compute or its Stack",
      });
    return out;
  },
});

const cost007 = resourceRule({
  id: 'AML-COST-007',
  name: 'DevClustersLowPriority',
  title: 'Development training clusters use low-priority VMs',
  pack: 'cost',
  severity: 'low',
  profiles: ['dev'],
  types: C,
  scope: 'AmlCompute clusters, dev profile only; inference/batch-tagged clusters exempt',
  defaults: '`vmPriority` absent means `Dedicated`.',
  rationale:
    'Low-priority (spot-backed) nodes cost a fraction of dedicated ones and suit interruptible experimentation.',
  anchors: { other: ['WAF: Use low-priority virtual machines for batch workloads'] },
  evaluate(c) {
    if (computeType(c) !== 'AmlCompute') return 'not-applicable';
    const purpose = lower(tag(c, 'purpose'));
    if (purpose === 'inference' || purpose === 'batch') return 'not-applicable';
    const e = effective<string>(c, 'properties.properties.vmPriority', 'Dedicated');
    if (lower(e.value) === 'lowpriority') return [];
    return [
      {
        path: 'properties.properties.vmPriority',
        value: e.value,
        provenance: e.provenance,
        message: `dev cluster "${c.name}" uses ${text(e.value)} nodes (${how(e)})`,
        fix: 'set vmPriority: VmPriority.LOW_PRIORITY for experimentation clusters',
      },
    ];
  },
});

export const costRules: readonly ResourceRule[] = [cost001, cost002, cost003, cost004, cost005, cost006, cost007];
