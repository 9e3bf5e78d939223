import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { contentHash } from '../../lib/manifest/canonical.js';
import { jsonContentHash } from '../../lib/reconciler/fingerprint.js';

test('jsonContentHash equals contentHash on JSON data (keys, array-index keys, unicode, undefined, non-finite numbers)', () => {
  const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '9', '10', '01', '-1', '4294967294', '4294967295', '1e3', 'a', 'B', '~1', '\u00e9', '\ud83d\ude00', '\ud800'));
  const leaf = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constantFrom(-0, NaN, Infinity, 1e21, 5e-7));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node')), fc.dictionary(key, tie('node'))),
  })).node;
  fc.assert(fc.property(value, (v) => assert.equal(jsonContentHash({ observed: v, stateUpdatedAt: null }), contentHash({ observed: v, stateUpdatedAt: null }))), { numRuns: 2000 });
});

test('jsonContentHash falls back to contentHash for what is not JSON data', () => {
  const odd: unknown[] = [new Date(0), { __proto__: null, b: 1, a: 2 }, JSON.parse('{"__proto__":{"x":1},"a":1}'), [1, , 3], { f: () => 1, a: [() => 1] }, new Map([[1, 2]]), Object.assign(Object.create({ inherited: 1 }), { own: 2 })];
  for (const v of odd) assert.equal(jsonContentHash({ v }), contentHash({ v }));
});
