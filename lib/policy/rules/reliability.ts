/** Reliability pack: dedicated inference nodes, attached compute, environment segregation, retired sizes, protection. */
import type { ResourceRule } from '../types.js';
import { T, computeType, effective, get, how, isManagedCompute, lower, retirementOf, tag, text } from '../util.js';
import { resourceRule } from './define.js';

const ATTACHED = new Set([
  'AKS',
  'Kubernetes',
  'VirtualMachine',
  'HDInsight',
  'Databricks',
  'DataFactory',
  'DataLakeAnalytics',
  'SynapseSpark',
]);

const rel001 = resourceRule({
  id: 'AML-REL-001',
  name: 'InferenceClustersDedicated',
  title: 'Inference and batch clusters use dedicated nodes',
  pack: 'reliability',
  severity: 'medium',
  types: [T.compute],
  scope: 'AmlCompute clusters tagged purpose=inference or purpose=batch',
  defaults: '`vmPriority` absent means `Dedicated` (compliant).',
  rationale: 'Low-priority nodes can be preempted at any time; batch inference with deadlines must not depend on them.',
  anchors: { other: ['WAF Reliability: Use the Dedicated virtual machine tier'] },
  evaluate(c) {
    if (computeType(c) !== 'AmlCompute') return 'not-applicable';
    const purpose = lower(tag(c, 'purpose'));
    if (purpose !== 'inference' && purpose !== 'batch') return 'not-applicable';
    const e = effective<string>(c, 'properties.properties.vmPriority', 'Dedicated');
    if (lower(e.value) === 'dedicated') return [];
    return [
      {
        path: 'properties.properties.vmPriority',
        value: e.value,
        provenance: e.provenance,
        message: `${purpose} cluster "${c.name}" uses preemptible ${text(e.value)} nodes (${how(e)})`,
        fix: 'set vmPriority: VmPriority.DEDICATED',
      },
    ];
  },
});

const rel002 = resourceRule({
  id: 'AML-REL-002',
  name: 'AttachedComputeReferencesExisting',
  title: 'Attached compute references an existing resource',
  pack: 'reliability',
  severity: 'medium',
  types: [T.compute],
  scope:
    'Attached compute (Kubernetes, AKS, VirtualMachine, HDInsight, Databricks, Synapse, Data Factory, Data Lake Analytics)',
  rationale:
    'Compute created inside Azure ML (legacy AKS create) is deleted with it and cannot be governed like your own cluster; attach existing resources by id instead.',
  anchors: { azurePolicy: ['Deny-MachineLearning-Aks'] },
  evaluate(c) {
    const ct = computeType(c);
    if (!ct || !ATTACHED.has(ct)) return 'not-applicable';
    const rid = get(c.body, 'properties.resourceId');
    if (typeof rid === 'string' && rid.startsWith('/subscriptions/')) return [];
    return [
      {
        path: 'properties.resourceId',
        value: rid,
        provenance: rid === undefined ? 'unknown' : 'set',
        message: `${ct} compute "${c.name}" has no resourceId of an existing resource${ct === 'AKS' ? ', so Azure ML would create (and own) a new AKS cluster' : ''}`,
        fix: 'attach an existing resource: new AttachedCompute(ws, id, { target: AttachTarget.kubernetes({ resourceId }) })',
      },
    ];
  },
});

const rel003 = resourceRule({
  id: 'AML-REL-003',
  name: 'EnvironmentSegregation',
  title: 'Production workspaces are tagged and host no exploratory instances',
  pack: 'reliability',
  severity: 'low',
  profiles: ['prod'],
  graph: true,
  types: [T.workspace],
  scope: 'Workspaces, prod profile only',
  rationale:
    'Mixing experimentation and production in one workspace lets exploratory work affect production jobs, quotas and data.',
  anchors: { other: ['WAF Reliability: Segregate Machine Learning workspaces'] },
  evaluate(ws, ctx) {
    const env = tag(ws, 'environment');
    if (env === undefined)
      return [
        {
          path: 'tags.environment',
          provenance: 'unknown',
          message: `workspace "${ws.name}" has no environment tag`,
          fix: "set tags: { environment: 'prod' } (or dev/test) on the workspace or its Stack",
        },
      ];
    if (!/^prod/i.test(env)) return [];
    const instances = ctx.graph.computesOf(ws).filter((c) => computeType(c) === 'ComputeInstance');
    if (instances.length === 0) return [];
    return [
      {
        path: 'tags.environment',
        value: env,
        provenance: 'set',
        message: `production workspace "${ws.name}" hosts ${instances.length} compute instance(s) (${instances
          .slice(0, 3)
          .map((i) => i.name)
          .join(', ')})`,
        fix: 'define exploratory ComputeInstance constructs in a dev Workspace',
      },
    ];
  },
});

const rel004 = resourceRule({
  id: 'AML-REL-004',
  thresholdKeys: ['retirementWarningDays'],
  name: 'VmSizeNotRetired',
  title: 'Compute does not use a retired or retiring VM series',
  pack: 'reliability',
  severity: 'high',
  types: [T.compute],
  scope: 'ComputeInstance and AmlCompute',
  defaults:
    'Retirement dates come from the VM size catalog (docs/vm-sizes.md). Announced retirements are reported when at most `retirementWarningDays` away (dev 180, prod 365).',
  rationale: 'Retired series cannot be allocated (creation fails); retiring ones stop working on the announced date.',
  anchors: { other: ['azure-compute-docs retired-sizes-list'] },
  evaluate(c, ctx) {
    if (!isManagedCompute(c)) return 'not-applicable';
    const size = get(c.body, 'properties.properties.vmSize');
    const now = ctx.now;
    const r = retirementOf(size, now);
    if (!r) return [];
    if (
      !r.retired &&
      new Date(`${r.date}T00:00:00Z`).getTime() - now.getTime() > ctx.thresholds.retirementWarningDays * 86_400_000
    )
      return [];
    return [
      {
        path: 'properties.properties.vmSize',
        value: size,
        provenance: 'set',
        severity: r.retired ? 'high' : 'medium',
        message: `${computeType(c)} "${c.name}" uses ${text(size)} from the ${r.series} series, ${r.retired ? 'retired' : 'retiring'} on ${r.date}`,
        fix: `set vmSize to ${r.replacement} (a VmSize constant or VmSize.of(name))`,
      },
    ];
  },
});

const rel005 = resourceRule({
  id: 'AML-REL-005',
  name: 'ProdWorkspaceProtected',
  title: 'Production workspaces are protected from deletion',
  pack: 'reliability',
  severity: 'medium',
  profiles: ['prod'],
  types: [T.workspace],
  scope: 'Workspaces, prod profile only',
  defaults: 'amlcdk resource option `protect` defaults to false and `deletePolicy` to Delete.',
  rationale:
    'Deleting a workspace removes its registered models, runs and datastores references; a refactor that renames a construct must not do that silently.',
  anchors: { other: ['amlcdk resource options'] },
  evaluate(ws) {
    if (ws.options.protect || ws.options.deletePolicy === 'Retain') return [];
    return [
      {
        path: 'options.protect',
        value: false,
        provenance: 'defaulted',
        message: `workspace "${ws.name}" can be deleted by apply/destroy (protect=false, deletePolicy=${ws.options.deletePolicy})`,
        fix: "set protect: true (or deletePolicy: 'Retain') on the Workspace",
      },
    ];
  },
});

export const reliabilityRules: readonly ResourceRule[] = [rel001, rel002, rel003, rel004, rel005];
