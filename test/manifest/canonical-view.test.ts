import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson, contentHash } from '../../lib/manifest/canonical.js';

/**
 * The reference: a sorted deep copy of everything (what canonicalJson did before it stopped copying what is already
 * canonical), then JSON.stringify. canonicalJson and contentHash must give exactly these bytes.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
const referenceJson = (v: unknown, indent?: number): string => JSON.stringify(sortKeys(v), null, indent);
const referenceHash = (v: unknown): string => 'sha256:' + createHash('sha256').update(referenceJson(v)).digest('hex');

test("canonicalJson and contentHash equal a sorted deep copy's on JSON data (keys, array-index keys, unicode, undefined, non-finite numbers)", () => {
  const key = fc.oneof(
    fc.string(),
    fc.constantFrom(
      '0',
      '1',
      '9',
      '10',
      '01',
      '-1',
      '4294967294',
      '4294967295',
      '1e3',
      'a',
      'B',
      '~1',
      '\u00e9',
      '\ud83d\ude00',
      '\ud800',
    ),
  );
  const leaf = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constantFrom(-0, NaN, Infinity, 1e21, 5e-7),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node')), fc.dictionary(key, tie('node'))),
  })).node;
  fc.assert(
    fc.property(value, (v) => {
      assert.equal(
        contentHash({ observed: v, stateUpdatedAt: null }),
        referenceHash({ observed: v, stateUpdatedAt: null }),
      );
      assert.equal(canonicalJson(v, 2), referenceJson(v, 2));
    }),
    { numRuns: 2000 },
  );
});

test('canonicalJson and contentHash copy what is not plain JSON data exactly as a sorted deep copy does', () => {
  const odd: unknown[] = [
    new Date(0),
    { __proto__: null, b: 1, a: 2 },
    JSON.parse('{"__proto__":{"x":1},"a":1}'),
    // eslint-disable-next-line no-sparse-arrays -- a hole is one of the odd inputs under test
    [1, , 3],
    { f: () => 1, a: [() => 1] },
    new Map([[1, 2]]),
    Object.assign(Object.create({ inherited: 1 }), { own: 2 }),
  ];
  for (const v of odd) {
    assert.equal(contentHash({ v }), referenceHash({ v }));
    assert.equal(canonicalJson({ v }), referenceJson({ v }));
  }
});
