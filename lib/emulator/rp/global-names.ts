/**
 * Names that are unique across all of Azure, not only within a resource group or subscription: storage accounts
 * (`<name>.blob.core.windows.net`), key vaults (`<name>.vault.azure.net`) and container registries
 * (`<name>.azurecr.io`). A create whose name another subscription (or resource group) holds is refused, and
 * `POST /subscriptions/{s}/providers/{namespace}/checkNameAvailability` answers whether a name is free.
 *
 * Evidence (each beside its data below): the checkNameAvailability operations and result shapes of the pinned specs
 * (azure-rest-api-specs storage stable/2024-01-01 StorageAccountCheckNameAvailability.json, keyvault
 * stable/2023-07-01 keyvault.json `Vaults_CheckNameAvailability`, containerregistry stable/2023-07-01
 * RegistryCheckNameNotAvailable.json), and the errors Azure answers a taken name with, as users captured them.
 */
import { conflict } from '../errors.js';
import type { Engine, EngineRequest, EngineResponse } from '../engine.js';
import { badRequest } from '../errors.js';
import { softDeletedByName, subscriptionOf } from '../soft-delete.js';

interface GlobalNameRule {
  /** Lower-case namespace and full type. */
  readonly namespace: string;
  readonly typeKey: string;
  /** The type as `checkNameAvailability` bodies spell it. */
  readonly type: string;
  readonly valid: RegExp;
  readonly invalidMessage: (name: string) => string;
  /** `checkNameAvailability` message for a taken name. */
  readonly takenMessage: (name: string) => string;
  /** What a PUT that meets a name taken elsewhere gets. */
  readonly takenError: (name: string) => { readonly code: string; readonly message: string };
}

const RULES: readonly GlobalNameRule[] = [
  {
    namespace: 'microsoft.storage',
    typeKey: 'microsoft.storage/storageaccounts',
    type: 'Microsoft.Storage/storageAccounts',
    valid: /^[a-z0-9]{3,24}$/,
    invalidMessage: (n) =>
      `${n} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`,
    takenMessage: (n) => `The storage account named ${n} is already taken.`,
    // 409 StorageAccountAlreadyTaken "The storage account named accsa is already taken." (captured Azure answers
    // in hashicorp/terraform#11485 and vmware-archive/azure-concourse#7).
    takenError: (n) => ({
      code: 'StorageAccountAlreadyTaken',
      message: `The storage account named ${n} is already taken.`,
    }),
  },
  {
    namespace: 'microsoft.keyvault',
    typeKey: 'microsoft.keyvault/vaults',
    type: 'Microsoft.KeyVault/vaults',
    valid: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
    invalidMessage: (n) =>
      `The vault name '${n}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`,
    takenMessage: (n) => `The vault name '${n}' is already in use.`,
    // VaultAlreadyExists with this text: captured in Azure/azure-powershell#15115 (New-AzKeyVault, 2021).
    takenError: (n) => ({
      code: 'VaultAlreadyExists',
      message: `The vault name '${n}' is already in use. Vault names are globaly unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state. If the vault is in a recoverable state then the vault will need to be purged before reusing the name. For more information on soft delete and purging a vault follow this link https://go.microsoft.com/fwlink/?linkid=2147740.`,
    }),
  },
  {
    namespace: 'microsoft.containerregistry',
    typeKey: 'microsoft.containerregistry/registries',
    type: 'Microsoft.ContainerRegistry/registries',
    valid: /^[a-zA-Z0-9]{5,50}$/,
    invalidMessage: (n) =>
      `The specified resource name '${n}' is invalid: registry names may contain alpha numeric characters only and must be between 5 and 50 characters.`,
    // RegistryCheckNameNotAvailable.json (containerregistry stable/2023-07-01): "The registry myRegistry is already in use."
    takenMessage: (n) => `The registry ${n} is already in use.`,
    // Code and text as az acr create printed them (MicrosoftDocs/azure-dev-docs#1303); the status (409) is chosen.
    takenError: (n) => ({
      code: 'AlreadyInUse',
      message: `The registry DNS name ${n.toLowerCase()}.azurecr.io is already in use. You can check if the name is already claimed using following API: https://docs.microsoft.com/en-us/rest/api/containerregistry/registries/checknameavailability`,
    }),
  },
];

const BY_TYPE = new Map(RULES.map((r) => [r.typeKey, r]));

/** Who holds a globally unique name other than `id`: a live resource elsewhere, or a soft-deleted vault. */
function holder(
  engine: Engine,
  rule: GlobalNameRule,
  name: string,
  id: string | undefined,
  now: number,
): string | undefined {
  const n = name.toLowerCase();
  const self = id?.toLowerCase();
  for (const rec of engine.all(rule.typeKey, now))
    if (rec.id.toLowerCase() !== self && rec.id.split('/').pop()!.toLowerCase() === n) return rec.id;
  const soft = softDeletedByName(engine, rule.typeKey, name, now).find((s) => s.id.toLowerCase() !== self);
  return soft?.id;
}

/**
 * Refuse the create of `id` when its globally unique name is held elsewhere (409, the type's code). Soft-deleted key
 * vaults of the same subscription are left to the vault's own check (a more precise error, and recovery).
 */
export function checkGlobalName(engine: Engine, typeKey: string, id: string, name: string, now: number): void {
  const rule = BY_TYPE.get(typeKey);
  if (!rule) return;
  const n = name.toLowerCase();
  const sub = subscriptionOf(id);
  for (const rec of engine.all(rule.typeKey, now)) {
    if (rec.id.toLowerCase() !== id.toLowerCase() && rec.id.split('/').pop()!.toLowerCase() === n) {
      const e = rule.takenError(name);
      throw conflict(e.code, e.message, 'name');
    }
  }
  for (const s of softDeletedByName(engine, rule.typeKey, name, now)) {
    if (subscriptionOf(s.id) === sub) continue;
    const e = rule.takenError(name);
    throw conflict(e.code, e.message, 'name');
  }
}

const CHECK_PATH = /^\/subscriptions\/([^/]+)\/providers\/([^/]+)\/checkNameAvailability$/i;

/**
 * `POST /subscriptions/{s}/providers/{Microsoft.Storage|Microsoft.KeyVault|Microsoft.ContainerRegistry}/checkNameAvailability`
 * with `{ name, type }`: `{ nameAvailable }`, plus `reason` (`AccountNameInvalid` / `AlreadyExists`) and `message`
 * when it is not. Undefined for other paths.
 */
export function nameAvailabilityQuery(engine: Engine, req: EngineRequest): EngineResponse | undefined {
  const m = CHECK_PATH.exec(req.path);
  if (!m || req.method !== 'POST') return undefined;
  const rule = RULES.find((r) => r.namespace === m[2].toLowerCase());
  if (!rule) return undefined;
  const body = (req.body ?? {}) as { name?: unknown; type?: unknown };
  if (typeof body.name !== 'string' || typeof body.type !== 'string')
    throw badRequest('InvalidRequestContent', `The body is { name, type: '${rule.type}' }.`);
  if (body.type.toLowerCase() !== rule.typeKey)
    throw badRequest('InvalidRequestContent', `type must be '${rule.type}' (got '${body.type}').`, 'type');
  let answer: Record<string, unknown>;
  if (!rule.valid.test(body.name))
    answer = { nameAvailable: false, reason: 'AccountNameInvalid', message: rule.invalidMessage(body.name) };
  else if (holder(engine, rule, body.name, undefined, req.now) !== undefined)
    answer = { nameAvailable: false, reason: 'AlreadyExists', message: rule.takenMessage(body.name) };
  else answer = { nameAvailable: true };
  return { status: 200, body: answer, resourceId: req.path };
}
