/** Tagging pack: required tags, naming convention, explicit legacy mode. */
import type { ResourceRule } from '../types.js';
import { T, get, isManagedCompute, tag } from '../util.js';
import { resourceRule } from './define.js';

const gov001 = resourceRule({
  id: 'AML-GOV-001',
  thresholdKeys: ['requiredTags'],
  name: 'RequiredTags',
  title: 'Workspaces and compute carry the required tags',
  pack: 'tagging',
  severity: 'low',
  prodSeverity: 'medium',
  types: [T.workspace, T.compute],
  scope: 'Workspaces, ComputeInstance and AmlCompute',
  defaults:
    'Required tags (`requiredTags`): dev owner, costCenter; prod also environment, dataClassification. Stack tags count (they are merged into each resource).',
  rationale:
    'Without owner and cost center, nobody can be asked about an expensive idle GPU, and chargeback is impossible.',
  anchors: { other: ['CloudSploit workspaceHasTags', 'Azure Policy: Require a tag on resources'] },
  evaluate(r, ctx) {
    if (r.type.toLowerCase() === T.compute && !isManagedCompute(r)) return 'not-applicable';
    const missing = ctx.thresholds.requiredTags.filter((t) => {
      const v = tag(r, t);
      return v === undefined || v.trim() === '';
    });
    if (missing.length === 0) return [];
    return [
      {
        path: 'tags',
        value: missing,
        provenance: 'unknown',
        message: `${r.name} lacks the required tag(s) ${missing.join(', ')}`,
        fix: `add ${missing.map((m) => `${m}: '...'`).join(', ')} to the resource or its Stack tags`,
      },
    ];
  },
});

const gov002 = resourceRule({
  id: 'AML-GOV-002',
  thresholdKeys: ['workspaceNamePattern'],
  name: 'WorkspaceNamingConvention',
  title: 'Workspace names follow the naming convention',
  pack: 'tagging',
  severity: 'low',
  types: [T.workspace],
  scope: 'Workspaces, when `workspaceNamePattern` is set (prod default `^mlw-`, the CAF abbreviation)',
  rationale: 'Consistent names make resources recognisable in cost reports and logs.',
  anchors: { other: ['CAF resource abbreviations'] },
  evaluate(ws, ctx) {
    const pattern = ctx.thresholds.workspaceNamePattern;
    if (!pattern) return 'not-applicable';
    if (new RegExp(pattern).test(ws.name)) return [];
    return [
      {
        path: 'name',
        value: ws.name,
        provenance: 'set',
        message: `workspace name "${ws.name}" does not match ${pattern}`,
        fix: `rename the workspace to match ${pattern} (a rename replaces the workspace)`,
      },
    ];
  },
});

const gov003 = resourceRule({
  id: 'AML-GOV-003',
  name: 'V1LegacyModeExplicit',
  title: 'V1 legacy mode is a deliberate choice',
  pack: 'tagging',
  severity: 'info',
  types: [T.workspace],
  scope: 'Workspaces with v1LegacyMode: true',
  defaults: '`v1LegacyMode` absent means `false` (compliant).',
  rationale:
    'V1 legacy mode keeps the v1 control plane private but disables v2 features; it should be a documented exception.',
  anchors: { azurePolicy: ['e413671a-dd10-4cc1-a943-45b598596cb7'] },
  evaluate(ws) {
    if (get(ws.body, 'properties.v1LegacyMode') !== true) return [];
    return [
      {
        path: 'properties.v1LegacyMode',
        value: true,
        provenance: 'set',
        message: `workspace "${ws.name}" runs in V1 legacy mode, which disables v2 API features`,
        fix: 'turn v1LegacyMode off unless the V1 private control plane is required, and suppress this rule with the reason',
      },
    ];
  },
});

export const taggingRules: readonly ResourceRule[] = [gov001, gov002, gov003];
