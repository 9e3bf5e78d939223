/** Machine report: the CheckReport as JSON (stable key order), with rule metadata trimmed to what CI needs. */
import { canonicalJson } from '../../manifest/canonical.js';
import type { CheckReport } from '../types.js';

export const JSON_REPORT_VERSION = 1;

export function renderJson(report: CheckReport): string {
  const doc = {
    version: JSON_REPORT_VERSION,
    tool: 'amlcdk check',
    profile: report.profile,
    failOn: report.failOn,
    failed: report.failed,
    packs: report.packs,
    stacks: report.stacks,
    resourceCount: report.resourceCount,
    summary: report.summary,
    rules: report.rules.map((r) => ({
      id: r.id,
      name: r.name,
      title: r.title,
      pack: r.pack,
      severity: r.severity,
      anchors: r.anchors,
      docs: r.docs,
    })),
    findings: report.findings,
    ...(report.passes ? { passes: report.passes } : {}),
    ...(report.azurePolicy ? { azurePolicy: report.azurePolicy } : {}),
  };
  return canonicalJson(doc, 2) + '\n';
}
