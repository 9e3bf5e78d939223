/** bench/pulumi.ts keeps working: both modes run the same program in a child process (no timings asserted). */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { runChild } from '../../bench/pulumi.js';

test('the Pulumi baseline runs the same program through synth and through Pulumi mocks', async () => {
  const synth = await runChild('synth', 40);
  const pulumi = await runChild('pulumi', 40);
  assert.equal(synth.mode, 'synth');
  assert.equal(pulumi.mode, 'pulumi');
  assert.ok(synth.resources >= 30, `synth made ${synth.resources} resources`);
  assert.equal(pulumi.resources, synth.resources, 'the same program yields the same number of resources on both paths');
  for (const r of [synth, pulumi]) {
    assert.ok(r.seconds > 0 && Number.isFinite(r.seconds));
    assert.ok(r.peakRssMiB > 0);
  }
});
