/**
 * Entry point of the policy pack: `pulumi preview --policy-pack examples/policy-pack`.
 * Creating the PolicyPack starts the policy server the Pulumi engine talks to.
 */
import { createPolicyPack } from 'amlcdk/crossguard';
import { PACK_NAME, packOptions } from './pack.js';

createPolicyPack(PACK_NAME, packOptions());
