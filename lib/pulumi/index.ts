/**
 * `amlcdk/pulumi`: deploy amlcdk constructs with `pulumi up`.
 *
 * This entry point (and only this one) imports `@pulumi/pulumi`, `@pulumi/azure-native` and `@pulumi/docker`,
 * which are optional peer dependencies of amlcdk; `import 'amlcdk'` never loads them.
 */
export { AmlcdkComponent, AmlcdkPulumiError, COMPONENT_TYPE } from './component.js';
export type { AmlcdkComponentArgs, AmlcdkComponentSettings, AmlcdkSource, MappedResource } from './component.js';
export { TYPE_MAPPINGS, mappingFor, bodyToArgs, nameArgs, parseArmId, toPulumiPath } from './mapping.js';
export type { TypeMapping, BodyStyle, ParsedId, ResourceClass } from './mapping.js';
export { replaceOnChangesFor, createOnlyBodyPaths } from './replace.js';
export { resolveSecretRef, withSecrets } from './secrets.js';
export type { SecretSource } from './secrets.js';
export { keyVaultReader } from './keyvault.js';
export type { KeyVaultReader, KeyVaultReaderOptions } from './keyvault.js';
export { assetPlaceholder, substituteAssets } from './images.js';
export type { RegistryAuth, RegistryCredentials } from './images.js';
export { exchangeAcrRefreshToken, ACR_TOKEN_USER } from './acr-auth.js';
export type { AcrExchangeRequest } from './acr-auth.js';
