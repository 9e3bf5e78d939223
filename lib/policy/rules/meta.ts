/** The engine's own findings about suppressions. They cannot be suppressed and belong to no pack. */
import type { ManifestRule } from '../types.js';
import { manifestRule } from './define.js';

const none = (): [] => [];

export const SUP_EXPIRED = manifestRule({
  id: 'AML-SUP-001',
  name: 'SuppressionExpired',
  title: 'A suppression has expired',
  pack: 'meta',
  severity: 'medium',
  scope: 'Suppressions with an `expires` date in the past',
  rationale:
    'An exception granted until a date must be reviewed when the date passes; the suppressed finding is active again.',
  anchors: { psrule: ['SuppressionGroup expiresOn'] },
  evaluate: none,
});

export const SUP_STACK_WIDE = manifestRule({
  id: 'AML-SUP-002',
  name: 'SuppressionStackWide',
  title: 'A suppression covers a whole stack',
  pack: 'meta',
  severity: 'low',
  scope: 'Suppressions declared on a Stack',
  rationale:
    'Stack-wide suppressions also silence every future resource of the stack; they are allowed but reported so reviewers see them.',
  anchors: { other: ['cdk-nag addStackSuppressions'] },
  evaluate: none,
});

export const SUP_INVALID = manifestRule({
  id: 'AML-SUP-003',
  name: 'SuppressionInvalid',
  title: 'A suppression is invalid and was ignored',
  pack: 'meta',
  severity: 'medium',
  scope: 'Suppressions in a manifest that name no rule, lack a 10-character reason or have a malformed date',
  rationale:
    'Suppressions written around `Suppressions.of()` (or by an old version) must not silence findings without a valid reason.',
  anchors: { other: ['cdk-nag mandatory reason'] },
  evaluate: none,
});

export const metaRules: readonly ManifestRule[] = [SUP_EXPIRED, SUP_STACK_WIDE, SUP_INVALID];
