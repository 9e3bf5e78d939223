/**
 * `amlcdk/policy`: the policy-as-code review of amlcdk manifests.
 *
 * Rules, packs, suppressions, reporters and the offline Azure Policy evaluator. The Pulumi CrossGuard adapter is
 * its own entry point, `amlcdk/crossguard` (lib/policy/crossguard.ts), so importing `amlcdk/policy` never loads
 * `@pulumi/*`.
 */
export * from './types.js';
export { check, ruleSeverity, fingerprintOf, type CheckOptions, type CheckInput } from './engine.js';
export { Suppressions, isIsoDate, isExpired, MIN_REASON_LENGTH, type SuppressionProps } from './suppressions.js';
export { BUILTIN_RULES, RULES_BY_ID } from './rules/index.js';
export { resourceRule, manifestRule } from './rules/define.js';
export { ManifestGraph, normId, evaluateFlow, type NsgRule, type Flow } from './graph.js';
export {
  resolveThresholds,
  parsePolicyConfig,
  loadPolicyConfig,
  DEFAULT_GPU_ALLOW_LIST,
  type PolicyConfig,
  type PolicyThresholds,
  type RuleOverride,
  type EffectiveThresholds,
} from './config.js';
export { renderText, type TextReportOptions } from './reporters/text.js';
export { renderJson, JSON_REPORT_VERSION } from './reporters/json.js';
export { renderSarif, SARIF_SCHEMA, type SarifOptions } from './reporters/sarif.js';
export { renderJunit } from './reporters/junit.js';
export { renderMarkdown } from './reporters/markdown.js';
export {
  evaluateAzurePolicies,
  evaluateDefinition,
  applyOperator,
  CONDITION_OPERATORS,
  type PolicyDefinition,
  type AzurePolicyInput,
  type Condition,
} from './azure-policy/evaluate.js';
export { loadAzurePolicyInput, loadPolicyDefinitions, loadPolicyParameters } from './azure-policy/load.js';
export { SUPPORTED_FUNCTIONS } from './azure-policy/expression.js';
