/**
 * Fuzzing with fast-check (issue 8 item 3): random and mutated JSON and YAML given to every reader of user input
 * (amlcdk.json, `--manifest` files, saved plan files, policy config files, Azure Policy definitions and
 * parameters) and junk props given to the constructs not covered by test/manifest/property.test.ts (virtual
 * networks, subnets, role assignments, personal instance fleets). The only acceptable failure is a coded
 * `AmlcdkError` (InputError / UsageError / ValidationError / SynthesisError); a TypeError or any other crash fails
 * the property. A handful of CLI runs on mutated files check exit code 2 and no stack trace.
 * Runs per property: AMLCDK_FUZZ_RUNS (default 150 in `npm test`; more under test:reliability).
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import {
  AmlcdkError,
  App,
  BuiltInRole,
  ComputeCluster,
  PersonalComputeInstances,
  Principal,
  RoleAssignment,
  Stack,
  Subnet,
  VirtualNetwork,
  VmSize,
  Workspace,
} from '../../lib/index.js';
import { OUTDIR_ENV } from '../../lib/manifest/types.js';
import { loadConfig } from '../../lib/cli/config.js';
import { readSavedPlan } from '../../lib/cli/commands/plan.js';
import { canonicalJson, contentHash } from '../../lib/manifest/canonical.js';
import { parseManifest } from '../../lib/manifest/read.js';
import { parsePolicyConfig } from '../../lib/policy/config.js';
import { loadAzurePolicyInput } from '../../lib/policy/azure-policy/load.js';
import { STACK_TRACE, killAll, runCli } from '../helpers/cli.js';
import { envCount, fleet, record } from './support.js';

const RUNS = envCount('AMLCDK_FUZZ_RUNS', 150);
const SEED = envCount('AMLCDK_FUZZ_SEED', 42);
delete process.env[OUTDIR_ENV];

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';
const VALID_MANIFEST = canonicalJson(fleet(2, 'rg-fuzz', 'fz'), 2);
const VALID_CONFIG = JSON.stringify(
  { app: 'npx tsx main.ts', outdir: 'amlcdk.out', target: 'local', state: 'file', profile: 'dev' },
  null,
  2,
);
const VALID_POLICY_CONFIG =
  'profile: prod\nthresholds:\n  gpuClusterMaxNodes: 8\nrules:\n  AML-NET-001:\n    enabled: false\n';
const VALID_AZURE_POLICY = JSON.stringify(
  {
    name: 'deny-public-ip',
    properties: {
      displayName: 'Compute must not have public IPs',
      mode: 'All',
      parameters: { effect: { type: 'String', defaultValue: 'Deny', allowedValues: ['Deny', 'Audit'] } },
      policyRule: {
        if: {
          allOf: [
            { field: 'type', equals: 'Microsoft.MachineLearningServices/workspaces/computes' },
            { field: 'Microsoft.MachineLearningServices/workspaces/computes/enableNodePublicIP', equals: true },
          ],
        },
        then: { effect: "[parameters('effect')]" },
      },
    },
  },
  null,
  2,
);

interface PropertyFigures {
  runs: number;
  codedErrors: number;
  accepted: number;
  crashes: number;
  crash?: string;
}
const figures: Record<string, PropertyFigures> = {};

/** Text mutations: a byte replaced, a slice deleted or duplicated, a truncation, junk inserted. */
function mutated(valid: string): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.nat(),
      fc.nat(),
      fc.constantFrom('replace', 'delete', 'duplicate', 'truncate', 'insert'),
      fc.string({ minLength: 1, maxLength: 8 }),
    )
    .map(([a, b, op, junk]) => {
      const i = a % (valid.length + 1);
      const j = Math.min(valid.length, i + (b % 24));
      switch (op) {
        case 'replace':
          return valid.slice(0, i) + junk + valid.slice(i + junk.length);
        case 'delete':
          return valid.slice(0, i) + valid.slice(j);
        case 'duplicate':
          return valid.slice(0, j) + valid.slice(i, j) + valid.slice(j);
        case 'truncate':
          return valid.slice(0, i);
        default:
          return valid.slice(0, i) + junk + valid.slice(i);
      }
    });
}

/** Random JSON values reshaped like the valid document (same top-level keys, junk values) or anything at all. */
function jsonLike(valid: unknown): fc.Arbitrary<unknown> {
  const keys = valid && typeof valid === 'object' && !Array.isArray(valid) ? Object.keys(valid) : [];
  const junk = fc.jsonValue({ maxDepth: 3 });
  const reshaped = keys.length
    ? fc.record(
        Object.fromEntries(keys.map((k) => [k, fc.oneof(junk, fc.constant((valid as Record<string, unknown>)[k]))])),
        { requiredKeys: [] },
      )
    : junk;
  return fc.oneof(junk, reshaped);
}

/** Random documents for a reader: mutated valid text, random JSON, JSON shaped like the valid one, random text. */
function inputs(validText: string, validValue: unknown, yaml = false): fc.Arbitrary<string> {
  const asText = (v: unknown): string => (yaml ? toYaml(v) : JSON.stringify(v, null, 2)) ?? '';
  return fc.oneof(
    { weight: 4, arbitrary: mutated(validText) },
    { weight: 3, arbitrary: jsonLike(validValue).map(asText) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '\uFEFF',
        'null',
        '[]',
        '{}',
        '"x"',
        '0',
        '{"__proto__":{"polluted":1}}',
        '- a\n- b',
        '&a [*a]',
        '!!binary x',
      ),
    },
  );
}

/** Run `fn` on every generated value; only AmlcdkError may escape it. Records runs, coded errors and crashes. */
function fuzz<T>(name: string, arb: fc.Arbitrary<T>, fn: (v: T) => void, runs = RUNS): void {
  const f: PropertyFigures = { runs: 0, codedErrors: 0, accepted: 0, crashes: 0 };
  figures[name] = f;
  try {
    fc.assert(
      fc.property(arb, (v) => {
        f.runs += 1;
        try {
          fn(v);
          f.accepted += 1;
        } catch (err) {
          if (err instanceof AmlcdkError) {
            f.codedErrors += 1;
            return;
          }
          throw err;
        }
      }),
      { numRuns: runs, seed: SEED },
    );
  } catch (err) {
    f.crashes += 1;
    f.crash = String(err).split('\n').slice(0, 6).join('\n');
    throw err;
  }
  assert.ok(f.codedErrors > 0, `${name}: some inputs were refused (the generator reaches the checks)`);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'amlcdk-fuzz-'));
});
afterAll(() => {
  killAll();
  record('fuzz', {
    seed: SEED,
    runsPerProperty: RUNS,
    properties: figures,
    runs: Object.values(figures).reduce((n, f) => n + f.runs, 0),
    crashes: Object.values(figures).reduce((n, f) => n + f.crashes, 0),
  });
  rmSync(dir, { recursive: true, force: true });
});

describe(`fuzz: CLI inputs (${RUNS} runs per property, seed ${SEED})`, () => {
  test('amlcdk.json: only ConfigInvalidJson / ConfigNotObject / ConfigInvalidValue', () => {
    const cwd = mkdtempSync(join(dir, 'cfg-'));
    fuzz('amlcdk.json', inputs(VALID_CONFIG, JSON.parse(VALID_CONFIG)), (text) => {
      writeFileSync(join(cwd, 'amlcdk.json'), text);
      loadConfig(cwd);
    });
  });

  test('--manifest files: only coded manifest errors, also for documents whose hash matches their junk content', () => {
    const valid = JSON.parse(VALID_MANIFEST) as Record<string, unknown>;
    fuzz('manifest (text)', inputs(VALID_MANIFEST, valid), (text) => {
      parseManifest(text, 'fuzz.manifest.json', { schema: true });
    });
    // Junk that passes the hash check reaches the schema check.
    const rehashed = jsonLike({ ...valid, hash: undefined }).map((v) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return JSON.stringify(v);
      const { hash: _h, ...rest } = v as Record<string, unknown>;
      void _h;
      return JSON.stringify({
        ...rest,
        schemaVersion: 1,
        resources: Array.isArray(rest.resources) ? rest.resources : [],
        hash: contentHash(rest),
      });
    });
    fuzz('manifest (re-hashed junk)', rehashed, (text) => {
      parseManifest(text, 'fuzz.manifest.json', { schema: true });
    });
  });

  test('saved plan files (apply <plan>): only coded plan or manifest errors', () => {
    const plan = {
      format_version: '1.0',
      resource_changes: [],
      manifest: JSON.parse(VALID_MANIFEST) as unknown,
      observed_fingerprint: 'sha256:x',
    };
    const file = join(dir, 'fuzz.plan.json');
    fuzz('saved plan', inputs(JSON.stringify(plan, null, 2), plan), (text) => {
      writeFileSync(file, text);
      readSavedPlan(file);
    });
  });

  test('policy config (JSON or YAML): only coded PolicyConfig* errors', () => {
    const known = new Set(['AML-NET-001', 'AML-SEC-001']);
    fuzz(
      'policy config (YAML)',
      inputs(
        VALID_POLICY_CONFIG,
        { profile: 'prod', thresholds: { gpuClusterMaxNodes: 8 }, rules: { 'AML-NET-001': { enabled: false } } },
        true,
      ),
      (text) => {
        parsePolicyConfig(text, 'amlcdk-policy.yaml', known);
      },
    );
  });

  test('Azure Policy definitions and parameters: only coded AzurePolicy* errors', () => {
    const defFile = join(dir, 'policy.json');
    const paramsFile = join(dir, 'params.json');
    writeFileSync(paramsFile, '{ "*": { "effect": "Audit" } }');
    fuzz('azure policy definition', inputs(VALID_AZURE_POLICY, JSON.parse(VALID_AZURE_POLICY)), (text) => {
      writeFileSync(defFile, text);
      loadAzurePolicyInput(defFile, paramsFile);
    });
    writeFileSync(defFile, VALID_AZURE_POLICY);
    fuzz(
      'azure policy parameters',
      inputs('{ "deny-public-ip": { "effect": "Audit" } }', { 'deny-public-ip': { effect: 'Audit' } }),
      (text) => {
        writeFileSync(paramsFile, text);
        loadAzurePolicyInput(defFile, paramsFile);
      },
    );
  });
});

// Junk for construct props: wrong types, out-of-range values, odd strings.
const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -5, max: 100000 }),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
  fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }),
  fc.constantFrom('10.0.0.0/16', '10.0.1.0/24', '300.1.1.1/8', '10.0.0.0/33'),
);

describe('fuzz: construct props not covered by test/manifest/property.test.ts', () => {
  test('junk in VirtualNetwork, Subnet, RoleAssignment and PersonalComputeInstances props: only ValidationError / SynthesisError', () => {
    const props = fc.record({
      vnet: fc.record(
        {
          addressSpace: fc.oneof(junk, fc.array(junk, { maxLength: 3 })),
          virtualNetworkName: junk,
          location: junk,
          dnsServers: junk,
          tags: junk,
        },
        { requiredKeys: [] },
      ),
      subnet: fc.record({ addressPrefix: junk, subnetName: junk }, { requiredKeys: [] }),
      role: fc.record(
        {
          role: fc.oneof(junk, fc.constant(BuiltInRole.AZUREML_DATA_SCIENTIST)),
          description: junk,
          condition: junk,
          conditionVersion: junk,
          roleAssignmentName: junk,
          scopeId: junk,
        },
        { requiredKeys: [] },
      ),
      users: fc.oneof(
        junk,
        fc.array(fc.record({ objectId: fc.oneof(junk, fc.uuid()), displayName: junk }), { maxLength: 3 }),
      ),
    });
    fuzz(
      'construct props',
      props,
      (p) => {
        const app = new App();
        const stack = new Stack(app, 'F', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
        const ws = new Workspace(stack, 'Ws', { tenantId: TENANT });
        const vnet = new VirtualNetwork(stack, 'Vnet', p.vnet as never);
        new Subnet(stack, 'Sn', { virtualNetwork: vnet, ...(p.subnet as object) } as never);
        const principal = Principal.user('22222222-2222-2222-2222-222222222222', { tenantId: TENANT });
        new RoleAssignment(stack, 'Ra', { principal, scope: ws, ...(p.role as object) } as never);
        const users = Array.isArray(p.users)
          ? p.users.map((u) =>
              u && typeof u === 'object'
                ? Principal.user((u as { objectId: string }).objectId, {
                    tenantId: TENANT,
                    displayName: (u as { displayName: string }).displayName,
                  })
                : u,
            )
          : p.users;
        new PersonalComputeInstances(ws, 'Fleet', { users, template: { vmSize: VmSize.STANDARD_DS3_V2 } } as never);
        new ComputeCluster(ws, 'C', { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2 });
        app.synth({ write: false });
      },
      Math.max(50, Math.floor(RUNS / 2)),
    );
  });
});

describe('fuzz: the CLI on mutated input files', () => {
  test('mutated amlcdk.json, manifests and plan files: exit 2 with a coded message, never a stack trace', async () => {
    const samples = fc.sample(fc.tuple(mutated(VALID_CONFIG), mutated(VALID_MANIFEST), mutated(VALID_MANIFEST)), {
      numRuns: 40,
      seed: SEED,
    });
    // Keep the mutations that break the input (a mutation can leave JSON valid and the hash intact).
    const pick = samples.find(([c, m, p]) => {
      const broken = (f: () => unknown): boolean => {
        try {
          f();
          return false;
        } catch (e) {
          return e instanceof AmlcdkError;
        }
      };
      const cwd = mkdtempSync(join(dir, 'probe-'));
      writeFileSync(join(cwd, 'amlcdk.json'), c);
      return broken(() => loadConfig(cwd)) && broken(() => parseManifest(m)) && broken(() => parseManifest(p));
    });
    assert.ok(pick, 'a sample breaks all three inputs');
    const [config, manifest, planManifest] = pick;
    const cliFigures = { runs: 0, exit2: 0, stackTraces: 0 };
    figures['cli (child processes)'] = { runs: 0, codedErrors: 0, accepted: 0, crashes: 0 };
    const cases: { label: string; files: Record<string, string>; args: string[]; code: RegExp }[] = [
      {
        label: 'amlcdk.json',
        files: { 'amlcdk.json': config },
        args: ['plan'],
        code: /Config(InvalidJson|NotObject|InvalidValue)/,
      },
      {
        label: '--manifest',
        files: { 'm.manifest.json': manifest },
        args: ['plan', '--manifest', 'm.manifest.json'],
        code: /Manifest(InvalidJson|Invalid|HashMismatch)/,
      },
      {
        label: 'apply <plan>',
        files: {
          'saved.plan.json': planManifest.startsWith('{')
            ? `{"format_version":"1.0","resource_changes":[],"manifest":${planManifest}}`
            : planManifest,
        },
        args: ['apply', 'saved.plan.json'],
        code: /(Plan|Manifest)[A-Za-z]+:/,
      },
      {
        label: 'synth --json on amlcdk.json',
        files: { 'amlcdk.json': '{"app": 42}' },
        args: ['synth'],
        code: /ConfigInvalidValue/,
      },
    ];
    for (const c of cases) {
      const cwd = mkdtempSync(join(dir, 'cli-'));
      mkdirSync(cwd, { recursive: true });
      for (const [name, text] of Object.entries(c.files)) writeFileSync(join(cwd, name), text);
      const r = await runCli(c.args, cwd, { env: { AMLCDK_ARM_ENDPOINT: 'https://127.0.0.1:9' } });
      cliFigures.runs += 1;
      figures['cli (child processes)'].runs += 1;
      if (r.code === 2) cliFigures.exit2 += 1;
      if (STACK_TRACE.test(r.stdout + r.stderr)) cliFigures.stackTraces += 1;
      if (r.code === 2 && !STACK_TRACE.test(r.stdout + r.stderr)) figures['cli (child processes)'].codedErrors += 1;
      else figures['cli (child processes)'].crashes += 1;
      assert.equal(r.code, 2, `${c.label}: exit 2\n${r.stdout}${r.stderr}`);
      assert.match(r.stderr, c.code, c.label);
      assert.doesNotMatch(r.stdout + r.stderr, STACK_TRACE, c.label);
    }
  });
});
