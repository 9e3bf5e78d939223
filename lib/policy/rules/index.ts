/** Every built-in rule, in document order. */
import type { Rule } from '../types.js';
import { costRules } from './cost.js';
import { identityRules } from './identity.js';
import { metaRules } from './meta.js';
import { networkRules } from './network.js';
import { reliabilityRules } from './reliability.js';
import { securityRules } from './security.js';
import { taggingRules } from './tagging.js';

export const BUILTIN_RULES: readonly Rule[] = [
  ...networkRules,
  ...securityRules,
  ...identityRules,
  ...costRules,
  ...taggingRules,
  ...reliabilityRules,
  ...metaRules,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(BUILTIN_RULES.map((r) => [r.id, r]));

export { metaRules };
