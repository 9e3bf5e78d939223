/**
 * The policy engine's scales: severities, packs, profiles and where a value came from. A leaf module: types.ts,
 * config.ts and util.ts all use these, and types.ts also refers to config and the graph, so keeping them here
 * leaves the policy modules without an import cycle.
 */
/** Severity of a rule or finding, highest first. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Numeric rank (higher = more severe), for `--fail-on` comparisons. */
export function severityRank(s: Severity): number {
  return 4 - SEVERITIES.indexOf(s);
}

/** Rule packs a user can select with `--pack`. `meta` holds the engine's own findings (suppressions). */
export type PackName = 'security' | 'network' | 'identity' | 'cost' | 'tagging' | 'reliability';
export const PACKS: readonly PackName[] = ['security', 'network', 'identity', 'cost', 'tagging', 'reliability'];

/** Environment profile: thresholds and some severities differ. */
export type Profile = 'dev' | 'prod';

/**
 * Where an evaluated value came from.
 * - `set`: written in the program (present in the ARM body);
 * - `amlcdk-default`: present in the body, but amlcdk filled it in because the program left the prop out (the
 *   manifest lists it in `defaults`);
 * - `defaulted`: absent; the Azure API default applies (the finding says which default);
 * - `unknown`: absent and the API documents no default, or the value is computed at deploy time.
 */
export type Provenance = 'set' | 'amlcdk-default' | 'defaulted' | 'unknown';
