/**
 * The policy engine: runs the selected rules over one or more manifests, applies suppressions, and returns a
 * `CheckReport` that the reporters render. Pure: no I/O, no clock except `options.now`.
 */
import { AmlcdkError } from '../core/errors.js';
import { replaceWarning } from './replace-warning.js';
import { containsDeployTimeValue } from '../manifest/unknown.js';
import { withUnknownWatch, type UnknownRead } from './unknowns.js';
import type { Manifest, ManifestResource, Suppression } from '../manifest/types.js';
import { evaluateAzurePolicies, type AzurePolicyInput } from './azure-policy/evaluate.js';
import { resolveThresholds, type PolicyConfig } from './config.js';
import { ManifestGraph } from './graph.js';
import { BUILTIN_RULES, RULES_BY_ID } from './rules/index.js';
import { SUP_EXPIRED, SUP_INVALID, SUP_STACK_WIDE } from './rules/meta.js';
import { MIN_REASON_LENGTH, isExpired, isIsoDate } from './suppressions.js';
import {
  PACKS,
  SEVERITIES,
  severityRank,
  type AzurePolicyResult,
  type CheckReport,
  type Finding,
  type FindingDraft,
  type PassRecord,
  type Profile,
  type ResourceRule,
  type Rule,
  type RuleContext,
  type RuleMeta,
  type Severity,
} from './types.js';

/** Options of {@link check}. Everything a policy config file holds, plus run-time settings. */
export interface CheckOptions extends PolicyConfig {
  /** Clock for suppression expiry. @default new Date() */
  readonly now?: Date;
  /** Also record passing (rule, resource) pairs, for JUnit and compliance reports. @default false */
  readonly recordPasses?: boolean;
  /** Azure Policy definitions to evaluate offline next to the rules. @default - none */
  readonly azurePolicy?: AzurePolicyInput;
  /** Extra rules (custom packs) run with the built-in ones. @default - none */
  readonly extraRules?: readonly Rule[];
}

/** A manifest, or something that holds one (what `synthApp`/`loadManifests` return). */
export type CheckInput = Manifest | { readonly manifest: Manifest };

/** The severity a rule has under a profile, after config overrides. */
export function ruleSeverity(rule: RuleMeta, profile: Profile, override?: Severity): Severity {
  if (override) return override;
  return profile === 'prod' && rule.prodSeverity ? rule.prodSeverity : rule.severity;
}

/** One rule on one resource (resource rules) or on the whole manifest (manifest rules). */
function evaluateRule(rule: Rule, r: ManifestResource | undefined, ctx: RuleContext): ReturnType<Rule['evaluate']> {
  return rule.kind === 'resource' ? rule.evaluate(r!, ctx) : rule.evaluate(ctx);
}

/** Stable fingerprint of a finding: rule, stack, construct path and property path (not the line). */
export function fingerprintOf(ruleId: string, stack: string, logicalId: string, path: string): string {
  // A 53-bit string hash (cyrb53): stable across runs and machines and far cheaper than a crypto hash, which
  // matters with tens of thousands of findings. Collisions only merge alerts; it is not a security boundary.
  return cyrb53(`${ruleId}|${stack}|${logicalId}|${path}`, 0x9e3779b9).toString(16).padStart(14, '0');
}

function cyrb53(str: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Check manifests against the rule packs.
 *
 * @example
 * const { manifests } = await synthApp({ app: 'npx tsx main.ts', outdir: 'amlcdk.out' });
 * const report = check(manifests, { profile: 'prod', failOn: 'high' });
 * if (report.failed) process.exitCode = 1;
 */
export function check(input: CheckInput | readonly CheckInput[], options: CheckOptions = {}): CheckReport {
  const manifests = (Array.isArray(input) ? input : [input]).map((m: CheckInput) =>
    'manifest' in m && !('resources' in m) ? m.manifest : (m as Manifest),
  );
  const profile: Profile = options.profile ?? 'dev';
  const failOn: Severity = options.failOn ?? 'high';
  const packs = options.packs && options.packs.length ? options.packs : PACKS;
  const thresholds = resolveThresholds(profile, options.thresholds);
  const now = options.now ?? new Date();
  const overrides = options.rules ?? {};

  const allRules = [...BUILTIN_RULES, ...(options.extraRules ?? [])];
  const active = allRules.filter(
    (r) =>
      (r.pack === 'meta' || packs.includes(r.pack)) &&
      (!r.profiles || r.profiles.includes(profile)) &&
      overrides[r.id]?.enabled !== false,
  );
  const severityOf = new Map(active.map((r) => [r.id, ruleSeverity(r, profile, overrides[r.id]?.severity)]));
  const byType = new Map<string, ResourceRule[]>();
  const anyType: ResourceRule[] = [];
  const manifestRules = active.filter((r) => r.kind === 'manifest' && r.pack !== 'meta');
  for (const r of active) {
    if (r.kind !== 'resource') continue;
    for (const t of r.types) {
      if (t === '*') {
        anyType.push(r);
        continue;
      }
      const k = t.toLowerCase();
      let list = byType.get(k);
      if (!list) byType.set(k, (list = []));
      list.push(r);
    }
  }
  const metaActive = new Set(active.filter((r) => r.pack === 'meta').map((r) => r.id));

  const findings: Finding[] = [];
  const passes: PassRecord[] = [];
  const azure: AzurePolicyResult[] = [];
  let resourceCount = 0;

  for (const manifest of manifests) {
    const stack = manifest.stack.name;
    // Deploy-time values (ARM template expressions, references): rules that read one are reported as not judged.
    const unknowns = manifest.resources.some((r) => containsDeployTimeValue([r.name, r.body]));
    const graph = new ManifestGraph(manifest, unknowns);
    const ctx: RuleContext = { manifest, graph, profile, thresholds, now };
    resourceCount += manifest.resources.length;

    const emit = (rule: RuleMeta, owner: ManifestResource, d: FindingDraft, undetermined = false): void => {
      const target = (d.logicalId && graph.byLogicalId.get(d.logicalId)) || owner;
      const base = severityOf.get(rule.id) ?? rule.severity;
      // A finding-level severity (e.g. GPU, or a sub-check the rule rates lower) replaces the rule's.
      const severity = overrides[rule.id]?.severity ?? d.severity ?? base;
      const sup = applicableSuppression(target, rule.id, now);
      const finding: { -readonly [K in keyof Finding]: Finding[K] } = {
        ruleId: rule.id,
        ruleName: rule.name,
        title: rule.title,
        severity,
        pack: rule.pack,
        stack,
        logicalId: target.logicalId,
        resourceType: target.type,
        resourceName: target.name,
        path: d.path,
        message: d.message,
        fix: undetermined ? d.fix : d.fix + replaceWarning(target, d.path, d.fix),
        fingerprint: fingerprintOf(rule.id, stack, target.logicalId, d.path),
      };
      if (undetermined) finding.undetermined = true;
      if (d.value !== undefined) finding.value = d.value;
      if (d.provenance) finding.provenance = d.provenance;
      if (target.source) finding.source = target.source;
      if (sup)
        finding.suppressed = {
          reason: sup.reason,
          declaredAt: sup.declaredAt,
          ...(sup.expires ? { expires: sup.expires } : {}),
          ...(sup.source ? { source: sup.source } : {}),
        };
      findings.push(finding);
    };

    /** The rule read values known only at deploy time: neither a pass nor a finding, but "not judged". */
    const notJudged = (rule: RuleMeta, owner: ManifestResource, reads: readonly UnknownRead[]): void => {
      const first = reads[0];
      const more = reads.length > 1 ? ` (and ${reads.length - 1} more value(s) like it)` : '';
      const local = !first.path.includes(': ');
      emit(
        rule,
        owner,
        {
          path: local ? first.path : '',
          provenance: 'unknown',
          severity: 'info',
          message: `not judged: ${rule.title.charAt(0).toLowerCase()}${rule.title.slice(1)} depends on ${first.path} = ${first.what}${more}`,
          fix: reads.every((x) => x.reference)
            ? 'nothing to do before apply (Azure assigns the value); the rule judges it when the value is given as a literal'
            : 'give the value before deployment (a parameter value with --arm-parameters, a defaultValue, or a literal), then check again',
        },
        true,
      );
    };

    const run = (rule: Rule, r: ManifestResource | undefined): void => {
      let outcome;
      try {
        // No closure per (rule, resource) in the common case: this runs rules × resources times.
        if (unknowns) {
          const watched = withUnknownWatch(() => evaluateRule(rule, r, ctx));
          if (watched.reads.length > 0) return notJudged(rule, r ?? manifest.resources[0], watched.reads);
          outcome = watched.result;
        } else outcome = evaluateRule(rule, r, ctx);
      } catch (e) {
        throw new AmlcdkError(
          'PolicyRuleFailed',
          `rule ${rule.id} failed on ${r?.logicalId ?? stack}: ${(e as Error).message}`,
          { cause: e },
        );
      }
      if (outcome === 'not-applicable') return;
      if (outcome.length === 0) {
        if (options.recordPasses && r) passes.push({ ruleId: rule.id, stack, logicalId: r.logicalId });
        return;
      }
      for (const d of outcome) emit(rule, r ?? manifest.resources[0], d);
    };

    for (const r of manifest.resources) {
      const rules = byType.get(r.type.toLowerCase());
      if (rules) for (const rule of rules) run(rule, r);
      for (const rule of anyType) run(rule, r);
    }
    if (manifest.resources.length > 0) for (const rule of manifestRules) run(rule, undefined);

    // Suppressions: validity, expiry and stack-wide scope are reported once per declaration.
    const seen = new Set<string>();
    for (const r of manifest.resources) {
      for (const s of r.suppressions ?? []) {
        const key = `${s.declaredAt}|${s.ruleId}|${s.reason}|${s.expires ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const holder = graph.byLogicalId.get(s.declaredAt) ?? r;
        const at = (rule: RuleMeta, path: string, message: string, fix: string, value?: unknown): void => {
          if (!metaActive.has(rule.id)) return;
          findings.push({
            ruleId: rule.id,
            ruleName: rule.name,
            title: rule.title,
            severity: severityOf.get(rule.id) ?? rule.severity,
            pack: rule.pack,
            stack,
            logicalId: s.declaredAt || stack,
            resourceType: graph.byLogicalId.has(s.declaredAt) ? holder.type : 'Construct',
            ...(graph.byLogicalId.has(s.declaredAt) ? { resourceName: holder.name } : {}),
            path,
            message,
            fix,
            ...(value !== undefined ? { value } : {}),
            provenance: 'set',
            ...(s.source ? { source: s.source } : holder.source ? { source: holder.source } : {}),
            fingerprint: fingerprintOf(rule.id, stack, s.declaredAt, `${path}|${s.ruleId}`),
          });
        };
        const problem = suppressionProblem(s);
        if (problem) {
          at(
            SUP_INVALID,
            'suppressions',
            `suppression of ${s.ruleId} declared at ${s.declaredAt || stack} is ignored: ${problem}`,
            'declare it with Suppressions.of(construct).add({ id, reason, expires }) using a known rule id, a reason of 10+ characters and a YYYY-MM-DD date',
            s.ruleId,
          );
          continue;
        }
        if (isExpired(s.expires, now)) {
          at(
            SUP_EXPIRED,
            'suppressions',
            `suppression of ${s.ruleId} declared at ${s.declaredAt || stack} expired on ${s.expires}; its findings are active again (reason was: ${s.reason})`,
            'fix the finding, or renew the exception with Suppressions.of(construct).add({ id, reason, expires }) and a later expires date',
            s.expires,
          );
        }
        if (s.declaredAt === stack || s.declaredAt === '') {
          at(
            SUP_STACK_WIDE,
            'suppressions',
            `suppression of ${s.ruleId} covers the whole stack ${stack} (reason: ${s.reason})`,
            'call Suppressions.of(construct) on the constructs it is about instead of the Stack',
            s.ruleId,
          );
        }
      }
    }

    if (options.azurePolicy) azure.push(...evaluateAzurePolicies(manifest, options.azurePolicy));
  }

  // Decorate-sort: resource order in the manifests, then severity, rule and path.
  const order = new Map<string, number>();
  manifests.forEach((m, mi) =>
    m.resources.forEach((r, i) => order.set(`${m.stack.name}\u0000${r.logicalId}`, mi * 1e7 + i)),
  );
  const keyed = findings.map((f) => ({
    f,
    o: order.get(`${f.stack}\u0000${f.logicalId}`) ?? -1,
    s: severityRank(f.severity),
  }));
  keyed.sort(
    (a, b) =>
      a.o - b.o ||
      b.s - a.s ||
      (a.f.ruleId < b.f.ruleId ? -1 : a.f.ruleId > b.f.ruleId ? 1 : 0) ||
      (a.f.path < b.f.path ? -1 : a.f.path > b.f.path ? 1 : 0),
  );
  for (let i = 0; i < keyed.length; i++) findings[i] = keyed[i].f;

  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressed = 0;
  let failing = 0;
  let undetermined = 0;
  for (const f of findings) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    if (f.undetermined) {
      // Never a failure (and never a pass): the value is known only at deploy time.
      undetermined++;
      continue;
    }
    bySeverity[f.severity]++;
    if (severityRank(f.severity) >= severityRank(failOn)) failing++;
  }
  const azurePolicyDeny = azure.filter((a) => a.outcome === 'Deny').length;
  const azurePolicyAudit = azure.filter((a) => a.outcome === 'Audit' || a.outcome === 'AuditIfNotExists').length;
  const rules = active.map((r): RuleMeta => {
    // Reports carry the metadata only (no functions), with the severity in effect for this run.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- `evaluate` is dropped here, never called
    const { evaluate: _e, kind: _k, ...meta } = r as Rule & { types?: unknown };
    delete meta.types;
    return { ...meta, severity: severityOf.get(r.id) ?? r.severity };
  });
  return {
    profile,
    failOn,
    packs: [...packs],
    rules,
    findings,
    ...(options.recordPasses ? { passes } : {}),
    ...(options.azurePolicy ? { azurePolicy: azure } : {}),
    stacks: manifests.map((m) => m.stack.name),
    resourceCount,
    summary: {
      total: findings.length,
      suppressed,
      undetermined,
      bySeverity,
      failing,
      azurePolicyDeny,
      azurePolicyAudit,
    },
    failed: failing > 0 || azurePolicyDeny > 0,
  };
}

function suppressionProblem(s: Suppression): string | undefined {
  const rule = RULES_BY_ID.get(s.ruleId);
  if (!rule) return `no rule has the id ${JSON.stringify(s.ruleId)}`;
  if (rule.pack === 'meta') return `${s.ruleId} cannot be suppressed`;
  if (typeof s.reason !== 'string' || s.reason.trim().length < MIN_REASON_LENGTH)
    return `the reason has fewer than ${MIN_REASON_LENGTH} characters`;
  if (s.expires !== undefined && !isIsoDate(s.expires))
    return `expires ${JSON.stringify(s.expires)} is not a YYYY-MM-DD date`;
  return undefined;
}

/** The first valid, unexpired suppression of `ruleId` on a resource. */
function applicableSuppression(r: ManifestResource, ruleId: string, now: Date): Suppression | undefined {
  if (!r.suppressions) return undefined;
  for (const s of r.suppressions) {
    if (s.ruleId !== ruleId) continue;
    if (suppressionProblem(s)) continue;
    if (isExpired(s.expires, now)) continue;
    return s;
  }
  return undefined;
}
