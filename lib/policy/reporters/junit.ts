/**
 * JUnit XML: one test suite per stack, one test case per (resource, rule) that was evaluated. Findings at or
 * above fail-on are failures; below fail-on they are reported as passed with the finding in system-out;
 * suppressed findings are skipped with the reason. Passing pairs appear when the report recorded passes.
 */
import { severityRank, type CheckReport, type Finding } from '../types.js';

function esc(s: string): string {
  return (
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // XML 1.0 forbids most control characters even when escaped.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

export function renderJunit(report: CheckReport): string {
  const suites: string[] = [];
  let totalTests = 0,
    totalFailures = 0,
    totalSkipped = 0;
  for (const stack of report.stacks) {
    const cases: string[] = [];
    let failures = 0,
      skipped = 0;
    const findings = report.findings.filter((f) => f.stack === stack);
    const byCase = new Map<string, Finding[]>();
    for (const f of findings) {
      const k = `${f.logicalId}\u0000${f.ruleId}`;
      let l = byCase.get(k);
      if (!l) byCase.set(k, (l = []));
      l.push(f);
    }
    for (const fs of byCase.values()) {
      const f = fs[0];
      const name = `${f.ruleId} ${f.title}`;
      // logicalId is the construct path, which starts with the stack name.
      const classname = f.logicalId.replace(/\//g, '.');
      const file = f.source ? ` file="${esc(f.source.file)}" line="${f.source.line}"` : '';
      const active = fs.filter((x) => !x.suppressed && !x.undetermined);
      const failing = active.filter((x) => severityRank(x.severity) >= severityRank(report.failOn));
      const unknown = fs.filter((x) => !x.suppressed && x.undetermined);
      const details = fs
        .map(
          (x) =>
            `[${x.severity}] ${x.message}${x.suppressed ? ` (suppressed: ${x.suppressed.reason})` : ''}\nfix: ${x.fix}${x.source ? `\nat ${x.source.file}:${x.source.line}` : ''}`,
        )
        .join('\n\n');
      if (failing.length) {
        failures++;
        cases.push(
          `    <testcase name="${esc(name)}" classname="${esc(classname)}"${file}>\n      <failure message="${esc(failing[0].message)}" type="${esc(failing[0].severity)}">${esc(details)}</failure>\n    </testcase>`,
        );
      } else if (active.length === 0 && unknown.length > 0) {
        skipped++;
        cases.push(
          `    <testcase name="${esc(name)}" classname="${esc(classname)}"${file}>\n      <skipped message="${esc(unknown[0].message)}"/>\n    </testcase>`,
        );
      } else if (active.length === 0) {
        skipped++;
        cases.push(
          `    <testcase name="${esc(name)}" classname="${esc(classname)}"${file}>\n      <skipped message="${esc(`suppressed: ${f.suppressed!.reason}`)}"/>\n    </testcase>`,
        );
      } else {
        cases.push(
          `    <testcase name="${esc(name)}" classname="${esc(classname)}"${file}>\n      <system-out>${esc(details)}</system-out>\n    </testcase>`,
        );
      }
    }
    const rulesById = new Map(report.rules.map((r) => [r.id, r]));
    for (const p of report.passes ?? []) {
      if (p.stack !== stack || byCase.has(`${p.logicalId}\u0000${p.ruleId}`)) continue;
      const title = rulesById.get(p.ruleId)?.title ?? '';
      cases.push(
        `    <testcase name="${esc(`${p.ruleId} ${title}`)}" classname="${esc(p.logicalId.replace(/\//g, '.'))}"/>`,
      );
    }
    totalTests += cases.length;
    totalFailures += failures;
    totalSkipped += skipped;
    suites.push(
      `  <testsuite name="${esc(`amlcdk check ${stack}`)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  if (report.azurePolicy && report.azurePolicy.length) {
    const cases = report.azurePolicy.map((a) => {
      const name = `${a.displayName ?? a.definition}`;
      const cls = `azure-policy.${a.logicalId}`.replace(/\//g, '.');
      if (a.outcome === 'Deny')
        return `    <testcase name="${esc(name)}" classname="${esc(cls)}">\n      <failure message="${esc(`Azure Policy would deny ${a.logicalId}`)}" type="Deny"/>\n    </testcase>`;
      if (a.outcome === 'NotEvaluable' || a.outcome === 'Disabled')
        return `    <testcase name="${esc(name)}" classname="${esc(cls)}">\n      <skipped message="${esc(`${a.outcome}${a.note ? `: ${a.note}` : ''}`)}"/>\n    </testcase>`;
      return `    <testcase name="${esc(name)}" classname="${esc(cls)}">\n      <system-out>${esc(`${a.outcome}`)}</system-out>\n    </testcase>`;
    });
    const failures = report.azurePolicy.filter((a) => a.outcome === 'Deny').length;
    const skipped = report.azurePolicy.filter((a) => a.outcome === 'NotEvaluable' || a.outcome === 'Disabled').length;
    totalTests += cases.length;
    totalFailures += failures;
    totalSkipped += skipped;
    suites.push(
      `  <testsuite name="amlcdk azure-policy" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="amlcdk check" tests="${totalTests}" failures="${totalFailures}" errors="0" skipped="${totalSkipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}
