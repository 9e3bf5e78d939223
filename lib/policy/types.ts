/**
 * Types of the policy engine: rules, findings, profiles and reports.
 *
 * A rule is a pure function over one manifest resource (resource rules) or over the whole manifest (graph
 * rules). It never sees construct objects, so a manifest written by another process can be checked.
 */
import type { SourceLocation } from '../core/errors.js';
import type { Manifest, ManifestResource } from '../manifest/types.js';
import type { ManifestGraph } from './graph.js';
import type { EffectiveThresholds } from './config.js';
import type { PackName, Profile, Provenance, Severity } from './levels.js';

export * from './levels.js';

/** Cross-references of a rule to other tools. */
export interface RuleAnchors {
  readonly checkov?: readonly string[];
  readonly psrule?: readonly string[];
  /** Azure Policy built-in definition ids (GUIDs) or Azure Landing Zones policy names. */
  readonly azurePolicy?: readonly string[];
  /** Other sources: Well-Architected, MCSB controls, AzTS, Trivy. */
  readonly other?: readonly string[];
}

/** Metadata shared by every rule. */
export interface RuleMeta {
  /** Stable id, e.g. `AML-NET-001`. Never reused for another meaning. */
  readonly id: string;
  /** PascalCase name used by SARIF (`name`) and CrossGuard. */
  readonly name: string;
  readonly title: string;
  readonly pack: PackName | 'meta';
  readonly severity: Severity;
  /** Severity under the `prod` profile, when it differs. */
  readonly prodSeverity?: Severity;
  /** Why the rule exists. */
  readonly rationale: string;
  /** What it applies to, in words (shown in docs). */
  readonly scope: string;
  /** How the effective value is decided when the program leaves it out. */
  readonly defaults?: string;
  readonly anchors: RuleAnchors;
  /** Link to the rule's documentation. */
  readonly docs: string;
  /** True for rules that read more than one resource. */
  readonly graph?: boolean;
  /** Only evaluated under these profiles (all when absent). */
  readonly profiles?: readonly Profile[];
  /** Thresholds (policy config `thresholds.*`) the rule reads. */
  readonly thresholdKeys?: readonly string[];
}

/** What a rule returns for one problem; the engine adds resource, severity and location. */
export interface FindingDraft {
  /** Property path in the ARM body, dotted (`properties.properties.vmSize`), or `''` for the resource. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  /** The effective value that broke the rule (never a secret). */
  readonly value?: unknown;
  readonly provenance?: Provenance;
  /** Graph rules: the resource the finding belongs to (defaults to the evaluated resource). */
  readonly logicalId?: string;
  /** A finding-level severity (e.g. higher for GPU compute). */
  readonly severity?: Severity;
}

/** `'not-applicable'` or the list of problems (empty = compliant). */
export type RuleOutcome = 'not-applicable' | readonly FindingDraft[];

/** Everything a rule may read besides its resource. */
export interface RuleContext {
  readonly manifest: Manifest;
  readonly graph: ManifestGraph;
  readonly profile: Profile;
  readonly thresholds: EffectiveThresholds;
  /** The check's clock (suppression expiry, VM size retirement). */
  readonly now: Date;
}

export interface ResourceRule extends RuleMeta {
  readonly kind: 'resource';
  /** ARM types the rule reads (lower-case comparison). */
  readonly types: readonly string[];
  evaluate(resource: ManifestResource, ctx: RuleContext): RuleOutcome;
}

export interface ManifestRule extends RuleMeta {
  readonly kind: 'manifest';
  evaluate(ctx: RuleContext): RuleOutcome;
}

export type Rule = ResourceRule | ManifestRule;

/** How a suppression applied to a finding. */
export interface AppliedSuppression {
  readonly reason: string;
  readonly declaredAt: string;
  readonly expires?: string;
  readonly source?: SourceLocation;
}

/** One problem found on one resource. */
export interface Finding {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly title: string;
  readonly severity: Severity;
  readonly pack: PackName | 'meta';
  /** Stack (manifest) the resource belongs to. */
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** ARM resource name, when the finding is about a resource. */
  readonly resourceName?: string;
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  readonly value?: unknown;
  readonly provenance?: Provenance;
  readonly source?: SourceLocation;
  /** Set when a valid, unexpired suppression covers the finding: it is reported but does not fail. */
  readonly suppressed?: AppliedSuppression;
  /**
   * Set when the rule could not judge the resource: it read a value known only at deploy time (an ARM template
   * expression, a reference). Neither a pass nor a failure; `message` names the value.
   */
  readonly undetermined?: true;
  /** Stable id: `ruleId|logicalId|path` hashed; survives code moves. */
  readonly fingerprint: string;
}

/** A rule that was evaluated against a resource and passed (recorded only when asked, e.g. for JUnit). */
export interface PassRecord {
  readonly ruleId: string;
  readonly stack: string;
  readonly logicalId: string;
}

/** The outcome of one Azure Policy definition on one resource. */
export interface AzurePolicyResult {
  readonly definition: string;
  readonly displayName?: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** The effect the definition would apply (`Audit`, `Deny`, `Modify`, ...) or `Compliant` / `Disabled`. */
  readonly outcome: string;
  readonly source?: SourceLocation;
  /** Why the definition could not be evaluated, when `outcome` is `NotEvaluable`. */
  readonly note?: string;
}

/** The whole result of `check()`. */
export interface CheckReport {
  readonly profile: Profile;
  readonly failOn: Severity;
  readonly packs: readonly PackName[];
  /** Rules that ran (including the meta rules). */
  readonly rules: readonly RuleMeta[];
  readonly findings: readonly Finding[];
  readonly passes?: readonly PassRecord[];
  readonly azurePolicy?: readonly AzurePolicyResult[];
  readonly stacks: readonly string[];
  readonly resourceCount: number;
  readonly summary: CheckSummary;
  /** True when an unsuppressed finding is at or above `failOn`, or an Azure Policy result is `Deny`. */
  readonly failed: boolean;
}

export interface CheckSummary {
  readonly total: number;
  readonly suppressed: number;
  /** Rule/resource pairs not judged because of deploy-time values (counted in `total`, never failing). */
  readonly undetermined: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Unsuppressed findings at or above `failOn`. */
  readonly failing: number;
  readonly azurePolicyDeny: number;
  readonly azurePolicyAudit: number;
}
