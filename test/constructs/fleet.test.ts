/**
 * PersonalComputeInstances names: a pure function of each user, so adding, removing, reordering or renaming users
 * never renames (and so replaces) anyone else's instance; readable transliteration; no set of users crashes synth.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { App, NAME_RULES, PersonalComputeInstances, Principal, Stack, VmSize, Workspace } from '../../lib/index.js';
import { buildManifests } from '../../lib/core/synth.js';
import { transliterate } from '../../lib/core/transliterate.js';
import { Template } from '../../lib/testing/index.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';

interface User {
  readonly oid: string;
  readonly name: string;
}

function fleet(users: readonly User[], instanceNames?: Record<string, string>) {
  const app = new App();
  const stack = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  const ws = new Workspace(stack, 'Ws', { tenantId: TENANT });
  const f = new PersonalComputeInstances(ws, 'Personal', {
    users: users.map((u) => Principal.user(u.oid, { tenantId: TENANT, displayName: u.name })),
    template: { vmSize: VmSize.STANDARD_DS3_V2 },
    ...(instanceNames ? { instanceNames } : {}),
  });
  return { app, stack, fleet: f };
}

/** Compute name per object id. */
function names(users: readonly User[]): Map<string, string> {
  const { fleet: f } = fleet(users);
  return new Map([...f.instances].map(([oid, i]) => [oid, i.computeName]));
}

describe('transliteration', () => {
  test('accents go, Latin special letters are spelled out, other scripts are dropped', () => {
    assert.equal(transliterate('José Müller'), 'Jose Muller');
    assert.equal(transliterate('Strauß'), 'Strauss');
    assert.equal(transliterate('Łukasz Żółć'), 'Lukasz Zolc');
    assert.equal(transliterate('Ørsted Æbeltoft'), 'Orsted AEbeltoft');
    assert.equal(transliterate('Þór Đorđević'), 'Thor Dordevic');
    assert.equal(transliterate('李雷'), '');
  });
});

describe('PersonalComputeInstances names', () => {
  test('readable: José Müller is jose-muller-…, a user without a Latin name gets user-…', () => {
    const n = names([
      { oid: '22222222-2222-2222-2222-222222222222', name: 'José Müller' },
      { oid: '33333333-3333-3333-3333-333333333333', name: 'Łucja Strauß' },
      { oid: '44444444-4444-4444-4444-444444444444', name: '李雷' },
    ]);
    assert.match(n.get('22222222-2222-2222-2222-222222222222')!, /^jose-muller-[a-z2-7]{7}$/);
    assert.match(n.get('33333333-3333-3333-3333-333333333333')!, /^lucja-strauss-[a-z2-7]{7}$/);
    assert.match(n.get('44444444-4444-4444-4444-444444444444')!, /^user-[a-z2-7]{7}$/);
  });

  test('three namesakes whose object ids share the first 8 hex digits: distinct valid names, no crash', () => {
    const users = [0, 1, 2].map((i) => ({ oid: `abcdef01-0000-4000-8000-00000000000${i}`, name: 'Anna Berg' }));
    const { stack } = fleet(users);
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    const computes = t.findResources('Microsoft.MachineLearningServices/workspaces/computes').map((r) => r.name);
    assert.equal(new Set(computes).size, 3);
    for (const c of computes) assert.match(c, NAME_RULES.compute.pattern);
  });

  test('adding a namesake in front, removing one of two namesakes and reordering rename nobody else', () => {
    const a = { oid: '22222222-2222-2222-2222-222222222222', name: 'alex' };
    const b = { oid: '33333333-3333-3333-3333-333333333333', name: 'alex' };
    const c = { oid: '44444444-4444-4444-4444-444444444444', name: 'carol' };
    const before = names([a, c]);
    assert.deepEqual(names([b, a, c]).get(a.oid), before.get(a.oid), 'namesake added in front');
    assert.deepEqual(names([b, a, c]), names([a, b, c]), 'reordered');
    const both = names([a, b, c]);
    assert.equal(names([b, c]).get(b.oid), both.get(b.oid), 'one of two namesakes removed');
  });

  test('a per-user override keeps a name; the address of each instance is its user object id', () => {
    const a = { oid: '22222222-2222-2222-2222-222222222222', name: 'alice' };
    const { fleet: f, stack } = fleet([a], { [a.oid.toUpperCase()]: 'alice-kept' });
    assert.equal(f.instances.get(a.oid)!.computeName, 'alice-kept');
    assert.equal(f.instances.get(a.oid)!.node.path, `Team/Ws/Personal/${a.oid}`);
    Template.fromStack(stack).hasNoErrors();
  });

  test('users that are not principals are coded errors, never a crash', () => {
    const app = new App();
    const stack = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
    const ws = new Workspace(stack, 'Ws', { tenantId: TENANT });
    new PersonalComputeInstances(ws, 'Personal', {
      users: [null, 42, { objectId: 'not-a-guid', principalType: 'User' }] as never,
      template: { vmSize: VmSize.STANDARD_DS3_V2 },
    });
    const t = Template.synthScope(app);
    assert.equal(t.errors().filter((e) => e.code === 'InvalidPrincipal').length, 3);
  });
});

// Object ids that share long prefixes (the old code cut at 8 hex digits), display names with namesakes and diacritics.
const PREFIXES = ['abcdef01-0000-4000-8000-', 'abcdef01-0000-4000-8001-', '12345678-9abc-4def-8000-'];
const NAMES = ['José Müller', 'Jose Muller', 'Łukasz', 'Strauß', 'anna', 'Anna', 'Zoë', '李雷', 'Ørjan', 'x'];
const oidArb = fc
  .tuple(fc.constantFrom(...PREFIXES), fc.integer({ min: 0, max: 0xffffff }))
  .map(([p, n]) => `${p}${n.toString(16).padStart(12, '0')}`);
const userArb = fc.record({ oid: oidArb, name: fc.constantFrom(...NAMES) });
type Op =
  | { kind: 'add'; user: User; at: number }
  | { kind: 'remove'; at: number }
  | { kind: 'reorder'; seed: number }
  | { kind: 'rename'; at: number; name: string };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), user: userArb, at: fc.nat() }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('reorder' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: fc.constantFrom(...NAMES) }),
);

function apply(users: User[], op: Op): { next: User[]; changed?: string } {
  const next = [...users];
  switch (op.kind) {
    case 'add':
      if (next.some((u) => u.oid === op.user.oid) || next.length >= 200) return { next };
      next.splice(op.at % (next.length + 1), 0, op.user);
      return { next };
    case 'remove':
      if (next.length <= 1) return { next };
      return { next: next.filter((_, i) => i !== op.at % next.length) };
    case 'reorder': {
      // A deterministic shuffle from the seed (Fisher-Yates with a small LCG).
      let s = op.seed;
      for (let i = next.length - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) % 2 ** 31;
        const j = s % (i + 1);
        [next[i], next[j]] = [next[j], next[i]];
      }
      return { next };
    }
    case 'rename': {
      const i = op.at % next.length;
      next[i] = { ...next[i], name: op.name };
      return { next, changed: next[i].oid };
    }
  }
}

describe('fleet property (fast-check)', () => {
  test('random add / remove / reorder / rename of 1-200 users: 0 renames of unchanged users, 0 crashes', () => {
    let renames = 0;
    let crashes = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(userArb, { minLength: 1, maxLength: 200, selector: (u) => u.oid }),
        fc.array(opArb, { minLength: 1, maxLength: 6 }),
        (start, ops) => {
          let users = start;
          let prev = names(users);
          for (const op of ops) {
            const { next, changed } = apply(users, op);
            const now = names(next);
            for (const [oid, name] of now) {
              if (oid !== changed && prev.has(oid) && prev.get(oid) !== name) renames++;
            }
            for (const n of now.values()) assert.match(n, NAME_RULES.compute.pattern);
            users = next;
            prev = now;
          }
          // The whole pipeline on the final set: no exception, no error (distinct users always get distinct names).
          try {
            const { diagnostics } = buildManifests(fleet(users).app);
            assert.deepEqual(
              diagnostics.filter((d) => d.level === 'error'),
              [],
            );
          } catch (e) {
            crashes++;
            throw e;
          }
          assert.equal(renames, 0);
        },
      ),
      { numRuns: 25, seed: 1313 },
    );
    assert.equal(renames, 0);
    assert.equal(crashes, 0);
  });
});
