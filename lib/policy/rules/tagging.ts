/** Tagging pack: required tags, naming convention, explicit legacy mode. */
import type { ResourceRule } from '../types.js';
import { judgedName, T, get, isManagedCompute, tag } from '../util.js';
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
        fix: `set tags: { ${missing.map((m) => `${m}: '...'`).join(', ')} } on the resource or its Stack`,
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
    const name = judgedName(ws);
    if (name === undefined || new RegExp(pattern).test(name)) return [];
    return [
      {
        path: 'name',
        value: ws.name,
        provenance: 'set',
        message: `workspace name "${ws.name}" does not match ${pattern}`,
        fix: `set workspaceName to match ${pattern} (a rename replaces the workspace)`,
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
  // Built-in e413671a is no anchor: it audits workspaces that do NOT enable V1 legacy mode, the opposite check.
  anchors: { other: ['the opposite of Azure Policy e413671a (which audits workspaces without V1 legacy mode)'] },
  evaluate(ws) {
    if (get(ws.body, 'properties.v1LegacyMode') !== true) return [];
    return [
      {
        path: 'properties.v1LegacyMode',
        value: true,
        provenance: 'set',
        message: `workspace "${ws.name}" runs in V1 legacy mode, which disables v2 API features`,
        fix: "amlcdk's Workspace never enables V1 legacy mode: drop properties.v1LegacyMode from the template unless the V1 private control plane is required, and then record why with Suppressions.of(workspace).add({ id, reason })",
      },
    ];
  },
});

export const taggingRules: readonly ResourceRule[] = [gov001, gov002, gov003];
