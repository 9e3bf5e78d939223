/**
 * docs/reliability.md is printed from the figures the reliability tests `record()` (scripts/reliability-report.ts).
 * These checks fail when a test records figures the report does not print, when the report reads figures no test
 * records, and when the committed doc is stale: a section or criterion the report prints now is missing from it,
 * says "not run", or the doc was measured at other sizes than `npm run test:reliability` uses.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIGURES, renderReport, type FigureName } from '../../scripts/reliability-report.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'reliability.md'), 'utf8');

function tsFiles(dir: string): string[] {
  return [...readdirSync(dir, { withFileTypes: true })].flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The figure names the tests pass to `record('<name>', …)`. */
function recordedNames(): Set<string> {
  const names = new Set<string>();
  for (const f of tsFiles(join(ROOT, 'test')))
    for (const m of readFileSync(f, 'utf8').matchAll(/\brecord\(\s*'([a-z-]+)'/g)) names.add(m[1]);
  return names;
}

/** Section headings and criterion names the report prints, whatever the figures. */
function printed(): { headings: string[]; criteria: string[] } {
  const empty = renderReport(() => undefined).text;
  const headings = [...empty.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  const criteria = [...empty.matchAll(/^\| (.+?) \| — not run \|/gm)].map((m) => m[1]);
  return { headings, criteria };
}

describe('docs/reliability.md', () => {
  test('every figure a test records is printed, and every figure printed is recorded by a test', () => {
    const recorded = recordedNames();
    const read = new Set<string>(FIGURES.filter((f) => f !== 'runner'));
    assert.deepEqual(
      [...recorded].filter((r) => !read.has(r)),
      [],
      'recorded but not printed by scripts/reliability-report.ts',
    );
    assert.deepEqual(
      [...read].filter((r) => !recorded.has(r)),
      [],
      'printed but no test records it',
    );
  });

  test('a missing figure shows as "not run" and a failed criterion counts as failed', () => {
    const met = { runs: 10, uncoded: 0, slowestMs: 12, slowest: 'x', constructs: 1, factories: 1 };
    const only =
      (figures: Partial<Record<FigureName, unknown>>) =>
      (name: FigureName): unknown =>
        figures[name];
    const ok = renderReport(only({ 'construct-props-fuzz': met }));
    assert.equal(ok.failed, 0);
    assert.match(ok.text, /^\| Construct props fuzz[^\n]*\| ✔ met \| 10 cases: 0 uncoded/m);
    assert.match(ok.text, /^\| Tampered saved plans[^\n]*\| — not run \|/m);
    for (const bad of [{ uncoded: 1 }, { slowestMs: 5001 }, { runs: 0 }]) {
      const r = renderReport(only({ 'construct-props-fuzz': { ...met, ...bad } }));
      assert.equal(r.failed, 1, JSON.stringify(bad));
      assert.match(r.text, /^\| Construct props fuzz[^\n]*\| ✖ NOT met \|/m);
    }
  });

  test('the committed doc is current: every section and criterion, all run, at the reliability sizes', () => {
    const { headings, criteria } = printed();
    assert.ok(
      headings.length >= 10 && criteria.length >= 10,
      `${headings.length} sections, ${criteria.length} criteria`,
    );
    const stale: string[] = [];
    for (const h of headings) {
      const at = DOC.indexOf(`\n## ${h}\n`);
      if (at < 0) stale.push(`section "${h}" missing`);
      else if (/^\s*Not run\.\s*$/m.test(DOC.slice(at + h.length + 5).split(/\n## /)[0])) stale.push(`"${h}" not run`);
    }
    for (const c of criteria) {
      const line = DOC.split('\n').find((l) => l.startsWith(`| ${c} |`));
      if (!line) stale.push(`criterion "${c}" missing`);
      // Met or not is what was measured (the doc says so); stale is a criterion that was not run at all.
      else if (line.includes('| — not run |')) stale.push(`criterion "${c}" not run`);
    }
    const script = readFileSync(join(ROOT, 'scripts', 'test-reliability.mjs'), 'utf8');
    const sizes = [...script.matchAll(/^\s+(AMLCDK_[A-Z_]+): '(\d+)',$/gm)].map((m) => `\`${m[1]}=${m[2]}\``);
    assert.ok(sizes.length >= 8, `sizes found in scripts/test-reliability.mjs: ${sizes.join(', ')}`);
    for (const s of sizes) if (!DOC.includes(s)) stale.push(`not measured at ${s}`);
    assert.deepEqual(stale, [], 'docs/reliability.md is stale: run `npm run test:reliability`');
  });
});
