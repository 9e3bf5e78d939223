/**
 * The pack's settings, separate from index.ts so that tests (and `pulumi policy validate-config`) can build the
 * policies without starting the policy server that `new PolicyPack()` starts.
 *
 * Settings come from the environment so one published pack serves every team:
 * - `AMLCDK_POLICY_PROFILE`: `dev` (default) or `prod`;
 * - `AMLCDK_POLICY_CONFIG`: a policy config file (JSON or YAML, the same file `amlcdk check --config` reads).
 */
import { buildPolicyPackArgs, type CrossGuardOptions } from 'amlcdk/crossguard';
import { loadPolicyConfig, RULES_BY_ID } from 'amlcdk/policy';

export const PACK_NAME = 'amlcdk-azure-ml';

/** Options from the environment (see the file comment). */
export function packOptions(env: NodeJS.ProcessEnv = process.env): CrossGuardOptions {
  const file = env.AMLCDK_POLICY_CONFIG;
  const config = file ? loadPolicyConfig(file, new Set(RULES_BY_ID.keys())) : {};
  const profile =
    env.AMLCDK_POLICY_PROFILE === 'prod'
      ? 'prod'
      : env.AMLCDK_POLICY_PROFILE === 'dev'
        ? 'dev'
        : (config.profile ?? 'dev');
  return { ...config, profile };
}

export function packArgs(env: NodeJS.ProcessEnv = process.env): ReturnType<typeof buildPolicyPackArgs> {
  return buildPolicyPackArgs(packOptions(env));
}
