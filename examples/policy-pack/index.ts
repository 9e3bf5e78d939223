/**
 * Entry point of the policy pack: `pulumi preview --policy-pack examples/policy-pack`.
 * Creating the PolicyPack starts the policy server the Pulumi engine talks to.
 */
import { createPolicyPack } from '../../lib/policy/crossguard.js';
import { PACK_NAME, packOptions } from './pack.js';

createPolicyPack(PACK_NAME, packOptions());
