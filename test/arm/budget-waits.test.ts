/** BudgetWaits: overlapping waits of one kind count once; kinds are apart; an open wait counts up to now. */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { BudgetWaits } from '../../lib/arm/budget-waits.js';

describe('BudgetWaits', () => {
  test('the elapsed time with at least one waiter, per kind', () => {
    let now = 1000;
    const w = new BudgetWaits(() => now);
    const a = w.begin('reads'); // 1000
    now = 1100;
    const b = w.begin('reads'); // overlaps a
    now = 1300;
    a();
    a(); // a second call changes nothing
    now = 1400;
    b(); // reads waited 1000 → 1400
    assert.equal(w.ms('reads'), 400);
    assert.equal(w.ms('writes'), 0);
    now = 2000;
    const c = w.begin('reads');
    now = 2050;
    assert.equal(w.ms('reads'), 450, 'an open wait counts up to now');
    c();
    const d = w.begin('writes');
    now = 2070;
    d();
    assert.deepEqual([w.ms('reads'), w.ms('writes'), w.ms('deletes')], [450, 20, 0]);
  });
});
