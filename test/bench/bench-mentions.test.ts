/**
 * Every performance figure in docs/ comes from the bench: docs/performance.md's measured table is written from
 * bench/results.json (test/bench/gen-performance-doc.test.ts), and the figures other docs quote are printed from that
 * table (scripts/gen-bench-mentions.ts). A figure typed by hand, or a quote that differs from the table, fails here.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../lib/core/errors.js';
import {
  MENTIONS,
  handTypedFigures,
  parseMeasured,
  regenerate,
  replaceMention,
} from '../../scripts/gen-bench-mentions.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (doc: string): string => readFileSync(join(ROOT, doc), 'utf8');

describe('figures quoted in docs', () => {
  test('the measured table of docs/performance.md reads back into figures, the bench run date included', () => {
    const m = parseMeasured(read('docs/performance.md'));
    assert.match(m.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(m.figures.length >= 20);
    const get = m.figures.find((f) => f.name === 'emulator GET/s (loopback, 32 in flight)')!;
    assert.equal(get.unit, 'req/s');
    assert.ok(get.min <= get.median && get.median <= get.max);
    // An escaped bar in a name stays part of the name, not a cell boundary.
    assert.ok(m.figures.every((f) => Number.isFinite(f.median) && f.group !== ''));
  });

  test('every quote (pulumi.md, emulator.md, state.md) equals the table: `npm run docs` regenerates them', () => {
    for (const [doc, text] of regenerate(read))
      assert.equal(read(doc), text, `${doc} quotes figures the table does not hold: run npm run docs`);
  });

  test('a hand-changed figure in a quote is caught (the ×Pulumi ratio, GET/s)', () => {
    const fresh = regenerate(read);
    const pulumi = fresh.get('docs/pulumi.md')!;
    const ratio = /\| seconds, median \(min–max\) \|[^\n]*\| ([\d.]+)× \|/.exec(pulumi)!;
    const forged = pulumi.replace(`${ratio[1]}×`, '40.7×');
    assert.notEqual(forged, pulumi);
    const m = parseMeasured(read('docs/performance.md'));
    const mention = MENTIONS.find((x) => x.id === 'pulumi')!;
    assert.equal(replaceMention(forged, 'docs/pulumi.md', 'pulumi', mention.render(m)), pulumi);
    const emu = fresh.get('docs/emulator.md')!;
    assert.match(emu, /\*\*[\d.]+ GET\/s\*\*/);
  });

  test('no measured figure is typed by hand anywhere else in docs/', () => {
    // performance.md's hand-written part is method and goals; reliability.md is generated whole from its report.
    const docs = [...readdirSync(join(ROOT, 'docs'))].filter(
      (f) => f.endsWith('.md') && f !== 'performance.md' && f !== 'reliability.md',
    );
    const found = docs.flatMap((f) => handTypedFigures(read(`docs/${f}`)).map((h) => `docs/${f}:${h.line}: ${h.text}`));
    assert.deepEqual(found, []);
    // What the scan catches: the figures these docs used to type by hand.
    for (const line of [
      'measured about **3,200 GET/s** (goal ≥ 2,000) and **1,300 durable PUT/s**.',
      '| seconds, median of 3 (min–max) | 1.06 (0.99–1.66) | 43.3 (28.3–118.3) | 40.7× |',
      '0.4–4 ms per fsynced append (goal ≤ 5 ms), 363 bytes per entry (goal ≤ 1 KB).',
      'resource (goal ≤ 3 KB), 10k-resource load 0.2–0.6 s (goal ≤ 0.2 s on a laptop-class core; the file is 11 MB',
      'scale test (`test/reliability/scale.test.ts`) went from 62 s to 19.5 s of apply time, and from 55 s to 29 s of',
    ])
      assert.equal(handTypedFigures(line).length, 1, line);
    // Inside a generated section, figures are expected.
    assert.deepEqual(handTypedFigures('<!-- bench:x: generated -->\n40.7×\n<!-- /bench:x -->'), []);
  });

  test('a quote whose figure the table lacks, or a doc without its markers: coded errors', () => {
    const empty = read('docs/performance.md').replace(/\n\| emulator \| emulator GET\/s \(loopback[^\n]*/, '');
    assert.throws(
      () => regenerate((d) => (d === 'docs/performance.md' ? empty : read(d))),
      (e: unknown) => e instanceof InputError && e.code === 'BenchFigureMissing' && /emulator GET\/s/.test(e.message),
    );
    assert.throws(
      () => replaceMention('no markers', 'docs/x.md', 'pulumi', 'text'),
      (e: unknown) => e instanceof InputError && e.code === 'BenchMentionMarkers',
    );
  });
});
