/**
 * A check report on an ARM template, placed back in the template: each finding points at the line of the property
 * it is about (else of the resource), and a resource whose deployment depends on a condition or loop count known only
 * at deployment is not judged (its findings say why, and never fail the check).
 */
import { severityRank, type CheckReport, type Finding } from '../types.js';
import type { ReadTemplateResult } from './read.js';

export function onTemplate(report: CheckReport, template: ReadTemplateResult): CheckReport {
  const uncertain = new Map(template.uncertain.map((u) => [u.logicalId, u.why]));
  const findings = report.findings.map((f): Finding => {
    const line = template.lineOf(f.logicalId, f.path);
    // The words of a program review, said of a template; the fix also names the template property.
    const placed: Finding = {
      ...f,
      // Every way the rules name the program ("set in the program", "in this program", "the program left it out").
      message: f.message.replace(/\b(this|the) program\b/g, (_m, article: string) => `${article} template`),
      fix: f.path && !f.undetermined ? `${f.fix}. In the template: ${f.path}` : f.fix,
      ...(f.source && line ? { source: { ...f.source, line } } : {}),
    };
    const why = uncertain.get(f.logicalId);
    if (!why || f.undetermined) return placed;
    return {
      ...placed,
      undetermined: true,
      message: `not judged: ${f.message}; but ${why}`,
    };
  });
  const active = findings.filter((f) => !f.suppressed);
  const undetermined = active.filter((f) => f.undetermined).length;
  const failing = active.filter(
    (f) => !f.undetermined && severityRank(f.severity) >= severityRank(report.failOn),
  ).length;
  const bySeverity = { ...report.summary.bySeverity };
  for (const s of Object.keys(bySeverity) as (keyof typeof bySeverity)[])
    bySeverity[s] = active.filter((f) => !f.undetermined && f.severity === s).length;
  const azurePolicy = report.azurePolicy?.map((a) => {
    const line = template.lineOf(a.logicalId, '');
    return a.source && line ? { ...a, source: { ...a.source, line } } : a;
  });
  return {
    ...report,
    findings,
    ...(azurePolicy ? { azurePolicy } : {}),
    summary: { ...report.summary, undetermined, failing, bySeverity },
    failed: failing > 0 || report.summary.azurePolicyDeny > 0,
  };
}
