/**
 * A compact Markdown summary for pull-request comments: counts by severity, then the findings grouped by severity
 * with the construct, file:line and fix; suppressed findings in a collapsed section.
 */
import { SEVERITIES, type CheckReport, type Finding } from '../types.js';

/** Table-cell safe: no pipes, no line breaks, no raw HTML (GitHub renders tags in comments). */
function cell(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function where(f: Finding): string {
  return f.source ? `\`${f.source.file}:${f.source.line}\`` : '';
}

export function renderMarkdown(report: CheckReport): string {
  const s = report.summary;
  const active = report.findings.filter((f) => !f.suppressed);
  const lines: string[] = [];
  const verdict = report.failed
    ? `:x: **failed** (${s.failing} at or above \`${report.failOn}\`${s.azurePolicyDeny ? `, ${s.azurePolicyDeny} Azure Policy deny` : ''})`
    : `:white_check_mark: **passed** (fail-on \`${report.failOn}\`)`;
  lines.push(`### amlcdk check: ${verdict}`, '');
  lines.push(
    `${report.resourceCount} resources in ${report.stacks.length} stack(s), profile \`${report.profile}\`, packs ${report.packs.join(', ')}.`,
    '',
  );
  lines.push('| Severity | Findings |', '|---|---|');
  for (const sev of SEVERITIES) if (s.bySeverity[sev]) lines.push(`| ${sev} | ${s.bySeverity[sev]} |`);
  if (s.suppressed) lines.push(`| suppressed | ${s.suppressed} |`);
  lines.push('');
  for (const sev of SEVERITIES) {
    const fs = active.filter((f) => f.severity === sev);
    if (fs.length === 0) continue;
    lines.push(
      `#### ${sev} (${fs.length})`,
      '',
      '| Rule | Resource | Where | Finding | Fix |',
      '|---|---|---|---|---|',
    );
    for (const f of fs)
      lines.push(`| \`${f.ruleId}\` | \`${cell(f.logicalId)}\` | ${where(f)} | ${cell(f.message)} | ${cell(f.fix)} |`);
    lines.push('');
  }
  const sup = report.findings.filter((f) => f.suppressed);
  if (sup.length) {
    lines.push(
      `<details><summary>${sup.length} suppressed finding(s)</summary>`,
      '',
      '| Rule | Resource | Reason | Until |',
      '|---|---|---|---|',
    );
    for (const f of sup)
      lines.push(
        `| \`${f.ruleId}\` | \`${cell(f.logicalId)}\` | ${cell(f.suppressed!.reason)} | ${f.suppressed!.expires ?? '-'} |`,
      );
    lines.push('', '</details>', '');
  }
  if (report.azurePolicy?.length) {
    lines.push('#### Azure Policy (offline)', '', '| Outcome | Definition | Resource |', '|---|---|---|');
    for (const a of report.azurePolicy)
      lines.push(`| ${a.outcome} | ${cell(a.displayName ?? a.definition)} | \`${cell(a.logicalId)}\` |`);
    lines.push('');
  }
  return lines.join('\n');
}
