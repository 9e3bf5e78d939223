/**
 * docs/reliability.md is printed from the figures the reliability tests `record()` (scripts/reliability-report.ts).
 * These checks fail when a test records figures the report does not print, or the report reads figures no test
 * records (the staleness check of the committed doc comes with its regeneration).
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIGURES, renderReport, type FigureName } from '../../scripts/reliability-report.js';

const ROOT = join(import.meta.dirname, '..', '..');

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
});
