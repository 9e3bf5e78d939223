/**
 * Fix texts are instructions a user follows in their program: every one names a real construct prop (or a real
 * factory / method, or a policy-config threshold), never an ARM body name the constructs do not take, and warns when
 * following it replaces the resource (the field tables say the path is create-only).
 *
 * The findings come from the rule cases of rules.test.ts (every rule's non-compliant and defaulted cases) plus an
 * insecure amlcdk program synthesized here; the known names come from docs/constructs.md (generated from the TSDoc
 * and checked for staleness by test/core/docs.test.ts) and from the exported classes themselves.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as amlcdk from '../../lib/index.js';
import * as policy from '../../lib/policy/index.js';
import { POLICY_CONFIG_SCHEMA } from '../../lib/policy/config.js';
import { check } from '../../lib/policy/engine.js';
import type { Finding } from '../../lib/policy/types.js';
import { classifyPath, computeTypeOf, fieldTableFor } from '../../lib/catalog/field-tables.js';
import { synthesize } from '../../lib/core/synth.js';
import type { Manifest } from '../../lib/manifest/types.js';
import { RULE_CASES, NOW } from './rule-cases.js';
import * as f from './fixtures.js';

const CONSTRUCTS_MD = readFileSync(fileURLToPath(new URL('../../docs/constructs.md', import.meta.url)), 'utf8');

/** Props and option fields documented in docs/constructs.md (first column of every table). */
const PROPS = new Set([...CONSTRUCTS_MD.matchAll(/^\| `([A-Za-z_$][\w$]*)` \|/gm)].map((m) => m[1]));

/** Static and instance members of every exported class, by class name. */
function members(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const mod of [amlcdk, policy] as Record<string, unknown>[]) {
    for (const [name, v] of Object.entries(mod)) {
      if (typeof v !== 'function' && (typeof v !== 'object' || v === null)) continue;
      const names = new Set<string>(Object.getOwnPropertyNames(v));
      const proto = (v as { prototype?: object }).prototype;
      if (proto) for (const n of Object.getOwnPropertyNames(proto)) names.add(n);
      out.set(name, names);
    }
  }
  return out;
}
const MEMBERS = members();
const ALL_MEMBERS = new Set([...MEMBERS.values()].flatMap((s) => [...s]));
const THRESHOLDS = new Set(Object.keys(POLICY_CONFIG_SCHEMA.properties.thresholds.properties));

/** Problems of one fix text (empty when it is fine). */
function problems(fix: string): string[] {
  const out: string[] = [];
  // Quoted literals, tag objects and ARM paths are values and places, not names to follow.
  const text = fix
    .replace(/'[^']*'/g, "''")
    .replace(/tags: \{[^}]*\}/g, 'tags')
    .replace(/\bproperties(\.[A-Za-z]\w*)+/g, 'properties');
  let names = 0;
  for (const m of text.matchAll(/\b([A-Z]\w*)\.([A-Za-z_]\w*)\(/g)) {
    if (!MEMBERS.get(m[1])?.has(m[2])) out.push(`${m[1]}.${m[2]}() is not a member of an exported class`);
    else names++;
  }
  for (const m of text.matchAll(/\b([A-Z][A-Z0-9_]+)\b/g)) {
    // Enum-like constants (VmPriority.LOW_PRIORITY) are members too.
    const owner = /([A-Z]\w*)\.$/.exec(text.slice(0, m.index))?.[1];
    const holder = (amlcdk as Record<string, unknown>)[owner ?? ''];
    if (owner && !MEMBERS.get(owner)?.has(m[1]) && !(typeof holder === 'object' && holder !== null && m[1] in holder))
      out.push(`${owner}.${m[1]} is not a member of ${owner}`);
  }
  for (const m of text.matchAll(/\bthresholds\.(\w+)/g)) {
    if (!THRESHOLDS.has(m[1])) out.push(`thresholds.${m[1]} is not a policy-config threshold`);
    else names++;
  }
  const body = text.replace(/\bthresholds\.\w+/g, '').replace(/\b[A-Z]\w*\.\w+/g, '');
  for (const m of body.matchAll(/\b([a-z][a-z0-9]*[A-Z]\w*)\b/g)) {
    if (PROPS.has(m[1])) names++;
    else if (!ALL_MEMBERS.has(m[1])) out.push(`"${m[1]}" is neither a construct prop nor a method of amlcdk`);
  }
  for (const m of body.matchAll(/\b([a-z]+)\b/g)) if (PROPS.has(m[1]) && /[:(]/.test(body)) names++;
  for (const m of text.matchAll(/\b([A-Z][a-z]\w*)\b/g))
    if (MEMBERS.has(m[1]) && /^[A-Z][a-z]+[A-Z]?/.test(m[1])) names++;
  if (names === 0) out.push('names no construct prop, factory, method or threshold');
  return out;
}

function replaces(x: Finding, m: Manifest): boolean {
  if (!x.path) return false;
  const r = m.resources.find((r) => r.logicalId === x.logicalId);
  if (!r) return false;
  const segments = x.path.split('.');
  return classifyPath(fieldTableFor(r.type, computeTypeOf(r.body)), segments).update === 'replace';
}

/** An amlcdk program with the usual mistakes, so the fixes are judged on constructs' own output too. */
function insecureProgram(): Manifest {
  const app = new amlcdk.App();
  const stack = new amlcdk.Stack(app, 'Team', { subscriptionId: f.SUB, resourceGroup: 'rg', location: 'westeurope' });
  const ws = new amlcdk.Workspace(stack, 'Ws', { tenantId: f.TENANT, computeLocalAuth: true });
  new amlcdk.ComputeInstance(ws, 'Alice', {
    vmSize: amlcdk.VmSize.STANDARD_D4S_V5,
    sshAccess: amlcdk.SshAccess.enabled({ publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE7bq alice' }),
  });
  new amlcdk.ComputeCluster(ws, 'Cpu', {
    vmSize: amlcdk.VmSize.STANDARD_D4S_V5,
    maxNodeCount: 200,
    minNodeCount: 2,
    sshAccess: amlcdk.SshAccess.enabled({ publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE7bq admin' }),
  });
  return synthesize(app, { write: false }).manifests[0];
}

describe('fix texts', () => {
  const runs: { name: string; manifest: Manifest; findings: readonly Finding[] }[] = [];
  for (const c of RULE_CASES.filter((c) => c.kind !== 'compliant')) {
    const manifest = f.manifest(c.resources());
    runs.push({ name: `${c.rule} ${c.name}`, manifest, findings: check(manifest, { now: NOW, ...c.opts }).findings });
  }
  const program = insecureProgram();
  runs.push({ name: 'insecure program', manifest: program, findings: check(program, { profile: 'prod' }).findings });

  test('the cases reach every rule (so every fix text is looked at)', () => {
    const seen = new Set(runs.flatMap((r) => r.findings.map((x) => x.ruleId)));
    const missing = policy.BUILTIN_RULES.filter((r) => r.pack !== 'meta' && !seen.has(r.id)).map((r) => r.id);
    assert.deepEqual(missing, []);
  });

  test('every fix names a real prop, factory, method or threshold, and no ARM-only name', () => {
    const bad: string[] = [];
    for (const run of runs)
      for (const x of run.findings)
        for (const p of problems(x.fix)) bad.push(`${x.ruleId} (${run.name}): ${p} — "${x.fix}"`);
    assert.deepEqual([...new Set(bad)], []);
  });

  test('a fix whose change replaces the resource says so', () => {
    const bad: string[] = [];
    for (const run of runs)
      for (const x of run.findings)
        if (replaces(x, run.manifest) && !/\breplac/i.test(x.fix))
          bad.push(`${x.ruleId} on ${x.logicalId} (${x.path}): "${x.fix}"`);
    assert.deepEqual([...new Set(bad)], []);
    // The case the issue found: a tag on a compute instance (instances have no update path).
    const gov = runs
      .flatMap((r) => r.findings)
      .find((x) => x.ruleId === 'AML-GOV-001' && x.resourceType.endsWith('/computes'))!;
    assert.ok(gov, 'a GOV-001 finding on a compute');
    assert.match(gov.fix, /replaces the ComputeInstance|replaces the AmlCompute/);
  });

  test('the names the issue found wrong are gone and the real ones are used', () => {
    const fixes = runs.flatMap((r) => r.findings.map((x) => `${x.ruleId}: ${x.fix}`));
    const of = (id: string) => fixes.filter((x) => x.startsWith(`${id}:`)).join('\n');
    assert.doesNotMatch(of('AML-NET-009'), /allowedSourceCidrs/);
    assert.match(of('AML-NET-009'), /sourceCidrs/);
    assert.doesNotMatch(of('AML-NET-008'), /remoteLoginPortPublicAccess/);
    assert.match(of('AML-NET-008'), /sshAccess: SshAccess\.disabled\(\)/);
    assert.ok(PROPS.has('sourceCidrs') && PROPS.has('sshAccess') && !PROPS.has('remoteLoginPortPublicAccess'));
  });

  test('the checker itself refuses ARM-only names and unknown members', () => {
    assert.deepEqual(problems('set localAuth: false'), []);
    assert.match(problems("set remoteLoginPortPublicAccess: 'Disabled'").join(), /remoteLoginPortPublicAccess/);
    assert.match(problems('use SshAccess.enabled({ allowedSourceCidrs })').join(), /allowedSourceCidrs/);
    assert.match(problems('use SshAccess.open()').join(), /SshAccess\.open/);
    assert.match(problems('do the right thing').join(), /names no construct prop/);
  });
});

describe('provenance', () => {
  test('values a construct defaulted are reported as "default of amlcdk", not "set in the program"', () => {
    const app = new amlcdk.App();
    const stack = new amlcdk.Stack(app, 'Team', { subscriptionId: f.SUB, resourceGroup: 'rg', location: 'westeurope' });
    const ws = new amlcdk.Workspace(stack, 'Ws', { tenantId: f.TENANT });
    new amlcdk.ComputeCluster(ws, 'Cpu', { vmSize: amlcdk.VmSize.STANDARD_D4S_V5, maxNodeCount: 2 });
    const explicit = new amlcdk.Workspace(stack, 'Open', { tenantId: f.TENANT, publicNetworkAccess: true });
    new amlcdk.ComputeCluster(explicit, 'Pub', {
      vmSize: amlcdk.VmSize.STANDARD_D4S_V5,
      maxNodeCount: 2,
      nodePublicIp: true,
    });
    const m = synthesize(app, { write: false }).manifests[0];
    const report = check(m);
    const one = (rule: string, logicalId: string) =>
      report.findings.find((x) => x.ruleId === rule && x.logicalId === logicalId)!;
    assert.equal(one('AML-NET-001', 'Team/Ws').provenance, 'amlcdk-default');
    assert.match(
      one('AML-NET-001', 'Team/Ws').message,
      /publicNetworkAccess=Enabled, default of amlcdk, not set in the program/,
    );
    assert.equal(one('AML-NET-007', 'Team/Ws/Cpu').provenance, 'amlcdk-default');
    assert.match(one('AML-NET-007', 'Team/Ws/Cpu').message, /enableNodePublicIp=true, default of amlcdk/);
    // Written in the program: "set".
    assert.equal(one('AML-NET-001', 'Team/Open').provenance, 'set');
    assert.match(one('AML-NET-001', 'Team/Open').message, /set in the program/);
    assert.equal(one('AML-NET-007', 'Team/Open/Pub').provenance, 'set');
    // The manifest records what amlcdk defaulted, as JSON pointers.
    const ws0 = m.resources.find((r) => r.logicalId === 'Team/Ws')!;
    assert.ok(ws0.defaults?.includes('/properties/publicNetworkAccess'));
    assert.ok(
      !m.resources.find((r) => r.logicalId === 'Team/Open')!.defaults?.includes('/properties/publicNetworkAccess'),
    );
  });

  test('AML-DATA-002: a key without a status is not called an API default', () => {
    const ws = f.workspace({
      encryption: {
        keyVaultProperties: { keyVaultArmId: f.KV_ID, keyIdentifier: 'https://kv.vault.azure.net/keys/k/1' },
      },
    });
    const x = check(f.manifest([ws])).findings.find((y) => y.ruleId === 'AML-DATA-002')!;
    assert.doesNotMatch(x.message, /API default/);
    assert.match(x.message, /names a key .* but no status/);
    assert.equal(x.provenance, 'unknown');
    assert.match(x.fix, /customerManagedKey: \{ keyVaultId, keyUri \}/);
  });
});
