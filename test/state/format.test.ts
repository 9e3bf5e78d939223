import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeState, encodeJournalLine, encodeState, parseJournal } from '../../lib/state/format.js';
import type { JournalEntry } from '../../lib/state/types.js';
import { InputError } from '../../lib/core/errors.js';
import { bigState } from './fixtures/states.js';

test('state encoding is canonical: the same state gives the same bytes whatever the key order', () => {
  const s = bigState('dev', 'x', 3);
  const reordered = JSON.parse(
    JSON.stringify({ updatedAt: s.updatedAt, resources: s.resources, stack: s.stack, version: s.version }),
  );
  assert.equal(encodeState(s, 4), encodeState(reordered, 4));
  assert.equal(decodeState(encodeState(s, 4), 'mem').serial, 4);
});

test('any single changed character of a state is detected', () => {
  const text = encodeState(bigState('dev', 'x', 2), 1);
  const body = text.indexOf('\n') + 1;
  fc.assert(
    fc.property(fc.integer({ min: body, max: text.length - 2 }), fc.constantFrom('0', 'Z', ' ', '"'), (i, ch) => {
      fc.pre(text[i] !== ch);
      const damaged = text.slice(0, i) + ch + text.slice(i + 1);
      assert.throws(
        () => decodeState(damaged, 'mem'),
        (e: unknown) => e instanceof InputError && e.code === 'StateCorrupt',
      );
    }),
    { numRuns: 200, seed: 7 },
  );
});

test('journal lines round-trip and any cut inside the last line is treated as torn, never as corruption', () => {
  const entries: JournalEntry[] = [
    { seq: 1, at: '2026-01-01T00:00:00.000Z', kind: 'begin', runId: 'r', manifestHash: 'sha256:x' },
    {
      seq: 2,
      at: '2026-01-01T00:00:01.000Z',
      kind: 'done',
      runId: 'r',
      opId: 'o',
      outcome: 'failed',
      error: 'ünïcödé ✓',
    },
  ];
  const text = entries.map(encodeJournalLine).join('');
  assert.deepEqual(parseJournal(text, 'mem').entries, entries);
  const firstEnd = encodeJournalLine(entries[0]).length;
  for (let cut = firstEnd + 1; cut < text.length; cut++) {
    const p = parseJournal(text.slice(0, cut), 'mem');
    assert.equal(p.entries.length, 1, `cut at ${cut}`);
    assert.equal(p.torn?.line, 2);
    assert.equal(p.validBytes, Buffer.byteLength(encodeJournalLine(entries[0])));
  }
  const padded = parseJournal(text.slice(0, firstEnd + 10) + '\0\0\0\n', 'mem');
  assert.equal(padded.torn?.line, 2, 'NUL padding after a crash is torn too');
});

test('observed bodies are stored as a merge patch against applied and come back exactly, nulls included', () => {
  const base = bigState('dev', 'x', 1);
  const [key, r] = Object.entries(base.resources)[0];
  const cases: unknown[] = [
    { ...(r.applied as object), extra: { deep: [1, 2, { a: 'b' }] }, tags: {} },
    { location: 'westeurope' },
    { ...(r.applied as object), properties: null },
    'not an object',
  ];
  for (const observed of cases) {
    const s = { ...base, resources: { [key]: { ...r, observed } } };
    const text = encodeState(s, 1);
    const back = decodeState(text, 'mem').resources[key];
    assert.deepEqual(back.observed, observed);
    assert.deepEqual(back.applied, r.applied);
  }
  const compact = encodeState(base, 1);
  assert.match(
    compact,
    /"observedDelta":\{"properties":\{"provisioningState":"Succeeded"\}\}/,
    'only the difference is stored',
  );
});
