// The spec-derived data: regenerating it from the committed extracts gives the committed module; the generator reads
// readOnly / x-ms-mutability / x-ms-secret / enum / required through $ref, allOf, arrays, maps and discriminated
// subtypes; the field tables and the normalizer take their ignore, replace and write-only paths from it, and the hand
// rules left in the tables never restate the spec.
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FIELD_TABLES,
  ML_COMPUTES,
  ML_WORKSPACES,
  classifyPath,
  fieldTableFor,
} from '../../lib/catalog/field-tables.js';
import { SPEC_FIELDS, SPEC_FIELD_SOURCES, specFieldsFor } from '../../lib/catalog/spec-fields.js';
import { diffBodies } from '../../lib/reconciler/diff.js';
import { BODY_SCHEMAS } from '../../lib/manifest/body-schemas.js';
import { normalizeObserved } from '../../lib/reconciler/normalize.js';
import { SPEC_FIELDS_FILE, deriveSpecFields, renderSpecFields } from '../../scripts/spec-fields.js';

type SchemaNode = Record<string, unknown>;

/** Every `enum` a body schema states at a path (`*` = items or map values), through allOf/oneOf/anyOf and the
 * `if computeType … then` branches of the compute schema. */
function schemaEnumsAt(s: unknown, segs: readonly string[], computeType: string | undefined, out: unknown[][]): void {
  if (!s || typeof s !== 'object') return;
  const o = s as SchemaNode;
  for (const k of ['allOf', 'oneOf', 'anyOf'] as const)
    for (const sub of (o[k] as unknown[] | undefined) ?? []) {
      const x = sub as SchemaNode;
      if (!x.if) schemaEnumsAt(x, segs, computeType, out);
      else if (((x.if as SchemaNode).properties as SchemaNode | undefined)?.computeType === undefined)
        schemaEnumsAt(x.then, segs, computeType, out);
      else if ((((x.if as SchemaNode).properties as SchemaNode).computeType as SchemaNode).const === computeType)
        schemaEnumsAt(x.then, segs, computeType, out);
    }
  if (segs.length === 0) {
    if (Array.isArray(o.enum)) out.push(o.enum as unknown[]);
    return;
  }
  const [head, ...rest] = segs;
  if (head === '*') {
    schemaEnumsAt(o.items, rest, computeType, out);
    if (typeof o.additionalProperties === 'object') schemaEnumsAt(o.additionalProperties, rest, computeType, out);
    return;
  }
  schemaEnumsAt((o.properties as SchemaNode | undefined)?.[head], rest, computeType, out);
}

describe('spec-derived field data', () => {
  test('lib/catalog/spec-fields.generated.ts equals what the extracts generate', () => {
    assert.equal(
      readFileSync(SPEC_FIELDS_FILE, 'utf8'),
      renderSpecFields(),
      'run `node --import tsx scripts/gen-spec-fields.ts` and commit lib/catalog/spec-fields.generated.ts',
    );
  });

  test('every spec file is named with its repository, path and commit', () => {
    assert.ok(SPEC_FIELD_SOURCES.length >= 4);
    for (const s of SPEC_FIELD_SOURCES) {
      assert.equal(s.repository, 'Azure/azure-rest-api-specs');
      assert.match(s.path, /^specification\/.+\.json$/);
      assert.match(s.commit, /^[0-9a-f]{40}$/);
    }
  });

  describe('the generator over a synthetic extract', () => {
    let dir = '';
    const write = (extract: unknown): void => writeFileSync(join(dir, 'x.json'), JSON.stringify(extract));
    const base = {
      apiVersion: '2099-01-01',
      files: {
        main: {
          repository: 'Azure/azure-rest-api-specs',
          path: 'specification/x/stable/2099-01-01/main.json',
          commit: 'a'.repeat(40),
          definitions: {
            Res: {
              allOf: [{ $ref: '../../common/types.json#/definitions/Resource' }],
              properties: { properties: { $ref: '#/definitions/Base' }, tags: { additionalProperties: {} } },
            },
            Base: {
              discriminator: 'kind',
              properties: {
                kind: { enum: ['A', 'B'] },
                zone: { 'x-ms-mutability': ['read', 'create'] },
                label: { 'x-ms-mutability': ['read', 'create', 'update'] },
              },
              required: ['kind'],
            },
            A: {
              allOf: [{ $ref: '#/definitions/Base' }],
              'x-ms-discriminator-value': 'A',
              properties: {
                key: { 'x-ms-secret': true },
                rules: { items: { $ref: '#/definitions/Rule' } },
                state: { readOnly: true, properties: { inner: { 'x-ms-secret': true } } },
              },
            },
            B: { allOf: [{ $ref: '#/definitions/Base' }], 'x-ms-discriminator-value': 'B' },
            Rule: { properties: { id: { readOnly: true }, mode: { $ref: '#/definitions/Mode' } } },
            Mode: { enum: ['On', 'Off'] },
          },
        },
        common: {
          repository: 'Azure/azure-rest-api-specs',
          path: 'specification/common/types.json',
          commit: 'b'.repeat(40),
          definitions: { Resource: { properties: { id: { readOnly: true } } } },
        },
      },
      roots: [
        { armType: 'X.Y/things', computeType: 'A', file: 'main', definition: 'Res' },
        { armType: 'X.Y/things', computeType: 'B', file: 'main', definition: 'Res' },
      ],
    };
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'amlcdk-spec-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('markers through $ref, allOf, arrays, cross-file refs and the discriminated subtype', () => {
      write(base);
      const out = deriveSpecFields(dir);
      const a = new Map(out['X.Y/things|A'].map((f) => [f.path, f]));
      assert.equal(a.get('/id')?.readOnly, true, 'cross-file allOf');
      assert.equal(a.get('/id')?.from, 'types.json#/definitions/Resource/properties/id');
      assert.equal(a.get('/properties/zone')?.createOnly, true, 'read+create without update');
      assert.equal(a.has('/properties/label'), false, 'updatable: no marker, no entry');
      assert.equal(a.get('/properties/key')?.secret, true, 'subtype property');
      assert.deepEqual(a.get('/properties/kind')?.enum, ['A', 'B']);
      assert.equal(a.get('/properties/kind')?.required, true);
      assert.equal(a.get('/properties/rules/*/id')?.readOnly, true, 'array items');
      assert.deepEqual(a.get('/properties/rules/*/mode')?.enum, ['On', 'Off'], 'enum through $ref');
      assert.equal(a.get('/properties/state')?.readOnly, true);
      assert.equal(a.has('/properties/state/inner'), false, 'nothing below a read-only property');
      const b = new Map(out['X.Y/things|B'].map((f) => [f.path, f]));
      assert.equal(b.has('/properties/key'), false, "another subtype's properties are not B's");
      assert.equal(b.get('/properties/zone')?.createOnly, true, 'the base applies to every subtype');
    });

    test('a $ref to a definition the extract lacks names the extract and the reference', () => {
      const broken = structuredClone(base);
      broken.files.main.definitions.Rule.properties.mode.$ref = '#/definitions/Missing';
      write(broken);
      assert.throws(() => deriveSpecFields(dir), /x\.json: main has no definition Missing/);
    });
  });

  describe('the field tables and the normalizer read it', () => {
    const types: readonly (readonly [string, string | undefined])[] = Object.keys(SPEC_FIELDS).map((k) => {
      const [t, c] = k.split('|');
      return [t, c] as const;
    });

    test('every readOnly path is ignored and every create-only path replaces, unless a hand rule overrides it', () => {
      for (const [type, ct] of types) {
        const table = fieldTableFor(type, ct);
        const hand = new Set((table.handRules ?? []).map((r) => r.path));
        for (const f of specFieldsFor(type, ct)) {
          if (hand.has(f.path)) continue;
          if (f.readOnly) assert.equal(classifyPath(table, f.path).update, 'ignore', `${type} ${ct} ${f.path}`);
          if (f.createOnly) assert.equal(classifyPath(table, f.path).update, 'replace', `${type} ${ct} ${f.path}`);
        }
      }
    });

    test('no hand rule restates what the spec already says (one place of data per property)', () => {
      const restated: string[] = [];
      for (const t of FIELD_TABLES) {
        const spec = new Map(specFieldsFor(t.type, t.computeType).map((f) => [f.path, f]));
        for (const r of t.handRules ?? []) {
          const f = spec.get(r.path);
          if ((f?.readOnly && r.update === 'ignore') || (f?.createOnly && r.update === 'replace'))
            restated.push(`${t.type} ${t.computeType ?? ''} ${r.path}`);
        }
      }
      assert.deepEqual(restated, []);
    });

    test('every enum the manifest body schemas state at a path the spec covers is the spec enum', () => {
      let compared = 0;
      const wrong: string[] = [];
      for (const [type, ct] of types) {
        const schema = Object.entries(BODY_SCHEMAS).find(([t]) => t.toLowerCase() === type.toLowerCase())?.[1];
        assert.ok(schema, `no body schema for ${type}`);
        for (const f of specFieldsFor(type, ct)) {
          if (!f.enum || f.readOnly) continue;
          const found: unknown[][] = [];
          schemaEnumsAt(schema, f.path.split('/').slice(1), ct, found);
          for (const e of found) {
            compared++;
            const a = e.map(String).sort().join(', ');
            const b = [...f.enum].sort().join(', ');
            if (a !== b) wrong.push(`${type} ${ct ?? ''} ${f.path}: schema [${a}], spec [${b}] (${f.from})`);
          }
        }
      }
      assert.deepEqual(wrong, []);
      assert.ok(compared >= 20, `${compared} enums compared`);
    });

    test('workspace outbound rules: the server-set errorInformation and parentRuleNames are not compared', () => {
      const t = fieldTableFor(ML_WORKSPACES);
      assert.equal(classifyPath(t, '/properties/managedNetwork/outboundRules/r1/errorInformation').update, 'ignore');
      const observed = normalizeObserved({
        id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w',
        name: 'w',
        type: ML_WORKSPACES,
        location: 'eastus',
        properties: {
          managedNetwork: {
            isolationMode: 'AllowOnlyApprovedOutbound',
            outboundRules: {
              r1: { type: 'FQDN', destination: 'pypi.org', parentRuleNames: ['x'], errorInformation: 'e' },
            },
          },
        },
      });
      assert.deepEqual(observed.properties, {
        managedNetwork: {
          isolationMode: 'AllowOnlyApprovedOutbound',
          outboundRules: { r1: { type: 'FQDN', destination: 'pypi.org' } },
        },
      });
    });

    test('x-ms-secret paths are write-only: an AKS TLS key Azure never echoes is no difference', () => {
      const desired = {
        properties: {
          computeType: 'AKS',
          properties: { sslConfiguration: { status: 'Enabled', cert: 'CERT', key: 'KEY' } },
        },
      };
      const observed = { properties: { computeType: 'AKS', properties: { sslConfiguration: { status: 'Enabled' } } } };
      assert.deepEqual(diffBodies({ type: ML_COMPUTES, desired, observed, lastApplied: desired }), []);
      const changed = diffBodies({ type: ML_COMPUTES, desired, observed, lastApplied: { properties: {} } });
      assert.deepEqual(
        changed.map((d) => [d.path, d.sensitive]),
        [
          ['/properties/properties/sslConfiguration/cert', true],
          ['/properties/properties/sslConfiguration/key', true],
        ],
      );
    });
  });
});
