/** Human report: findings grouped by resource, with the effective value, its provenance and the fix. */
import pc from 'picocolors';
import type { CheckReport, Finding, Severity } from '../types.js';

type Colors = ReturnType<typeof pc.createColors>;

export interface TextReportOptions {
  /** Colors (from `colors()` in lib/cli/output.ts); plain when omitted. */
  readonly colors?: Colors;
  /** Also list suppressed findings in full. @default true */
  readonly showSuppressed?: boolean;
}

function label(s: Severity, c: Colors): string {
  const t = s.toUpperCase().padEnd(8);
  switch (s) {
    case 'critical':
      return c.bold(c.red(t));
    case 'high':
      return c.red(t);
    case 'medium':
      return c.yellow(t);
    case 'low':
      return c.cyan(t);
    default:
      return c.dim(t);
  }
}

function showValue(f: Finding): string | undefined {
  // Not judged: the message names the deploy-time value; "is not set" would be wrong.
  if (f.undetermined) return undefined;
  if (f.value === undefined) return f.provenance === 'unknown' && f.path ? `${f.path} is not set` : undefined;
  const v = typeof f.value === 'string' ? f.value : JSON.stringify(f.value);
  const how =
    f.provenance === 'set'
      ? 'set'
      : f.provenance === 'amlcdk-default'
        ? 'default of amlcdk'
        : f.provenance === 'defaulted'
          ? 'defaulted: API default'
          : 'not set';
  return `${f.path ? `${f.path} = ` : ''}${v} (${how})`;
}

export function renderText(report: CheckReport, options: TextReportOptions = {}): string {
  const c = options.colors ?? pc.createColors(false);
  const lines: string[] = [];
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    if (f.suppressed && options.showSuppressed === false) continue;
    const k = `${f.stack}\u0000${f.logicalId}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(f);
  }
  for (const fs of groups.values()) {
    const first = fs[0];
    const where = first.source ? c.dim(` ${first.source.file}:${first.source.line}`) : '';
    lines.push(
      `${c.bold(first.logicalId)} ${c.dim(`(${first.resourceType}${first.resourceName ? ` ${first.resourceName}` : ''})`)}${where}`,
    );
    for (const f of fs) {
      if (f.suppressed) {
        lines.push(`  ${c.dim('SUPPRESSED'.padEnd(8))} ${c.dim(`${f.ruleId} ${f.message}`)}`);
        lines.push(
          `    ${c.dim(`reason: ${f.suppressed.reason}${f.suppressed.expires ? ` (until ${f.suppressed.expires})` : ''}; declared at ${f.suppressed.declaredAt}${f.suppressed.source ? ` (${f.suppressed.source.file}:${f.suppressed.source.line})` : ''}`)}`,
        );
        continue;
      }
      lines.push(
        `  ${f.undetermined ? c.cyan('UNKNOWN'.padEnd(8)) : label(f.severity, c)} ${c.bold(f.ruleId)} ${f.message}`,
      );
      const v = showValue(f);
      if (v) lines.push(`    ${c.dim('value:')} ${v}`);
      lines.push(`    ${c.green('fix:')} ${f.fix}`);
    }
    lines.push('');
  }
  if (report.azurePolicy && report.azurePolicy.length) {
    lines.push(c.bold('Azure Policy (offline evaluation)'));
    for (const a of report.azurePolicy) {
      const tagged =
        a.outcome === 'Deny'
          ? c.red(a.outcome.padEnd(10))
          : a.outcome === 'NotEvaluable'
            ? c.dim(a.outcome.padEnd(10))
            : c.yellow(a.outcome.padEnd(10));
      lines.push(
        `  ${tagged} ${a.displayName ?? a.definition} ${c.dim('→')} ${a.logicalId}${a.source ? c.dim(` ${a.source.file}:${a.source.line}`) : ''}${a.note ? c.dim(` (${a.note})`) : ''}`,
      );
    }
    lines.push('');
  }
  const s = report.summary;
  const counts = (['critical', 'high', 'medium', 'low', 'info'] as const)
    .filter((k) => s.bySeverity[k] > 0)
    .map((k) => `${s.bySeverity[k]} ${k}`)
    .join(', ');
  const found = s.total - s.suppressed - s.undetermined;
  const head = found === 0 ? c.green('no findings') : `${found} finding(s)${counts ? ` (${counts})` : ''}`;
  const extra = [
    s.suppressed ? `${s.suppressed} suppressed` : '',
    s.undetermined ? `${s.undetermined} not judged (values known only at deploy time)` : '',
    report.azurePolicy ? `Azure Policy: ${s.azurePolicyDeny} deny, ${s.azurePolicyAudit} audit` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const verdict = report.failed
    ? c.red(
        `FAILED: ${s.failing} at or above ${report.failOn}${s.azurePolicyDeny ? `, ${s.azurePolicyDeny} Azure Policy deny` : ''}`,
      )
    : c.green(`passed (fail-on ${report.failOn})`);
  lines.push(
    `${head}${extra ? `; ${extra}` : ''} in ${report.resourceCount} resource(s), ${report.stacks.length} stack(s), profile ${report.profile}: ${verdict}`,
  );
  return lines.join('\n') + '\n';
}
