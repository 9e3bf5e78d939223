/**
 * State entries of the wrong shape (issue 14 finding 7): a whole, checksummed state whose entries are `null`,
 * `"x"`, a number, or an entry with `applied: 42`, is refused on load with StateInvalid naming the file and the
 * JSON pointer — in the decoder, and on plan, apply, drift and state show, with no request to Azure and no stack
 * trace (before, plan crashed with a TypeError and `applied: 42` made apply replace a cluster).
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../lib/core/errors.js';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import type { Manifest } from '../../lib/manifest/types.js';
import { decodeState } from '../../lib/state/format.js';
import { startHarness, synthExample, type Harness } from '../e2e/harness.js';
import { STACK_TRACE, killAll, runCli } from '../helpers/cli.js';
import { bigState } from './fixtures/states.js';

/** A checksummed state whose first entry is replaced by `entry` (header and checksum written as amlcdk does). */
function forged(stack: string, entry: (good: Record<string, unknown>) => unknown): { text: string; key: string } {
  const state = bigState(stack, 'x', 2);
  const key = Object.keys(state.resources)[0];
  const resources: Record<string, unknown> = { ...state.resources };
  resources[key] = entry({ ...state.resources[key] });
  const body = canonicalJson({ ...state, resources });
  const header = canonicalJson({
    checksum: `sha256:${createHash('sha256').update(body).digest('hex')}`,
    format: 'amlcdk-state',
    serial: 3,
    stack,
    version: 1,
  });
  return { text: `${header}\n${body}\n`, key };
}

const FORGERIES: [string, (good: Record<string, unknown>) => unknown, RegExp][] = [
  ['null', () => null, /must be object/],
  ['"x"', () => 'x', /must be object/],
  ['42', () => 42, /must be object/],
  ['applied: 42', (g) => ({ ...g, applied: 42 }), /\/applied: it must be object/],
  ['ownership: "stolen"', (g) => ({ ...g, ownership: 'stolen' }), /allowed: "created", "adopted"/],
  ['no id', (g) => ({ ...g, id: undefined }), /missing "id"/],
];

describe('state schema on load', () => {
  test.each(FORGERIES)('an entry %s is StateInvalid naming the file and JSON pointer', (_name, entry, message) => {
    const { text, key } = forged('dev', entry);
    const pointer = `/resources/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    assert.throws(
      () => decodeState(text, '.amlcdk/state/dev.json'),
      (e: unknown) =>
        e instanceof InputError &&
        e.code === 'StateInvalid' &&
        e.message.includes('state .amlcdk/state/dev.json') &&
        e.message.includes(pointer) &&
        message.test(e.message),
    );
  });

  test('a well-formed state still loads, and fields a newer amlcdk adds are allowed', () => {
    const { text } = forged('dev', (g) => ({ ...g, futureField: { x: 1 } }));
    assert.equal(Object.keys(decodeState(text, 'mem').resources).length, 2);
  });
});

describe('forged state entries on the command line', () => {
  let h: Harness;
  let m: Manifest;
  beforeAll(async () => {
    h = await startHarness();
    m = await synthExample('quickstart');
    writeFileSync(join(h.dir, 'q.manifest.json'), canonicalJson(m, 2));
  });
  afterAll(async () => {
    killAll();
    await h?.close();
  });

  test('plan, apply, drift and state show refuse a state with a null entry or applied: 42, with no request', async () => {
    const stack = m.stack.name;
    mkdirSync(join(h.dir, '.amlcdk', 'state'), { recursive: true });
    const since = h.lastSeq();
    const runs: [(typeof FORGERIES)[number], string[]][] = [
      ...[['plan'], ['apply', '--yes'], ['drift']].map((a): [(typeof FORGERIES)[number], string[]] => [
        FORGERIES[0],
        [...a, '--manifest', 'q.manifest.json'],
      ]),
      [FORGERIES[0], ['state', 'show', stack]],
      [FORGERIES[3], ['apply', '--manifest', 'q.manifest.json', '--yes']],
    ];
    for (const [[name, entry], args] of runs) {
      writeFileSync(join(h.dir, '.amlcdk', 'state', `${stack}.json`), forged(stack, entry).text);
      const r = await runCli(args, h.dir, { emu: h.emu });
      assert.equal(r.code, 2, `${name} ${args[0]}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stderr,
        /StateInvalid: state .*Quickstart\.json does not have the shape of an amlcdk state at \/resources\//,
      );
      assert.doesNotMatch(r.stderr, STACK_TRACE);
    }
    assert.deepEqual(h.writesSince(since), []);
  });
});
