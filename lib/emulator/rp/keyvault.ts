/**
 * Microsoft.KeyVault/vaults with soft delete, as Key Vault does it since soft delete can no longer be turned off:
 *
 * - DELETE keeps the vault soft-deleted for `softDeleteRetentionInDays` (default 90): it is listed at
 *   `GET /subscriptions/{s}/providers/Microsoft.KeyVault/deletedVaults` and read at
 *   `…/locations/{loc}/deletedVaults/{name}` (keyvault stable/2023-07-01 `Vaults_ListDeleted`, `Vaults_GetDeleted`;
 *   shape from examples/listDeletedVaults.json: `vaultId`, `location`, `tags`, `deletionDate`, `scheduledPurgeDate`,
 *   `purgeProtectionEnabled`). Deleting the resource group soft-deletes it too.
 * - Its name stays blocked: a PUT in the same subscription gets 409 `ConflictError` "A vault with the same name
 *   already exists in deleted state. You need to either recover or purge existing key vault…" (the answer Azure gave
 *   azure-native in alan-turing-institute/data-safe-haven#2523); elsewhere 409 `VaultAlreadyExists` (./global-names.ts).
 * - `properties.createMode: "recover"` (VaultProperties.createMode, keyvault.json) brings it back with its
 *   properties; `POST …/deletedVaults/{name}/purge` (`Vaults_PurgeDeleted`) removes it for good, except while purge
 *   protection (`enablePurgeProtection`) holds it: then the purge is refused until the retention ends.
 */
import { ArmHttpError, badRequest, conflict, notFound } from '../errors.js';
import type { Engine, EngineRequest, EngineResponse, ResourceRecord, ResourceType } from '../engine.js';
import { at, checkLocationUnchanged, clone, envelope, props, region, type Json } from './common.js';
import { checkGlobalName } from './global-names.js';
import { softDeletedByName, subscriptionOf, sweepSoftDeleted } from '../soft-delete.js';
import type { SoftDeletedResource } from '../store.js';

const TYPE = 'Microsoft.KeyVault/vaults';
const TYPE_KEY = TYPE.toLowerCase();
const DAY_MS = 24 * 3600 * 1000;

/** The deleted vault of this name in this subscription, if any. */
function deletedInSubscription(
  engine: Engine,
  sub: string,
  name: string,
  now: number,
): SoftDeletedResource | undefined {
  return softDeletedByName(engine, TYPE_KEY, name, now).find((s) => subscriptionOf(s.id) === sub.toLowerCase());
}

/** `{ bypass: 'AzureServices', defaultAction: 'Allow' }` without IP or network rules: the service default. */
function isDefaultNetworkAcls(v: unknown): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const a = v as Record<string, unknown>;
  const empty = (x: unknown): boolean => x === undefined || (Array.isArray(x) && x.length === 0);
  return (
    a.bypass === 'AzureServices' &&
    a.defaultAction === 'Allow' &&
    empty(a.ipRules) &&
    empty(a.virtualNetworkRules) &&
    Object.keys(a).every((k) => ['bypass', 'defaultAction', 'ipRules', 'virtualNetworkRules'].includes(k))
  );
}

export const vaults: ResourceType = {
  type: TYPE,
  tracked: true,
  lro: true,
  name: {
    re: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
    allowed: '3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit',
  },
  put(input) {
    checkLocationUnchanged(input);
    const p = props(input.body);
    const now = input.req.now;
    if (!input.existing) {
      const deleted = deletedInSubscription(input.engine, input.parsed.subscription, input.name, now);
      if (p.createMode === 'recover') {
        if (!deleted || deleted.id.toLowerCase() !== input.key)
          throw notFound(
            'DeletedVaultNotFound',
            `There is no deleted vault named '${input.name}' in resource group '${input.parsed.resourceGroup ?? ''}' to recover.`,
          );
        const body = clone(deleted.body);
        return {
          body: { ...body, properties: { ...props(body), provisioningState: 'Succeeded' } },
          apply: () => input.engine.store.softDeleted.delete(deleted.id.toLowerCase()),
        };
      }
      if (deleted) {
        throw conflict(
          'ConflictError',
          'A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.',
        );
      }
      checkGlobalName(input.engine, TYPE_KEY, input.id, input.name, now);
    }
    if (typeof p.tenantId !== 'string')
      throw badRequest('BadRequest', 'properties.tenantId is required.', 'properties.tenantId');
    if (!at(p, 'sku.name'))
      throw badRequest(
        'BadRequest',
        "properties.sku is required, e.g. { family: 'A', name: 'standard' }.",
        'properties.sku',
      );
    const old = input.existing ? props(input.existing.body) : undefined;
    if (old?.enablePurgeProtection === true && p.enablePurgeProtection === false) {
      throw badRequest(
        'BadRequest',
        'Purge protection cannot be disabled once it is enabled on a vault.',
        'properties.enablePurgeProtection',
      );
    }
    const { createMode: _mode, vaultUri: _uri, ...rest } = clone(p);
    void _mode;
    void _uri;
    // The default network rules (Allow, AzureServices, no rules) are not echoed (corpus keyvault/vault-create.json).
    if (isDefaultNetworkAcls(rest.networkAcls)) delete rest.networkAcls;
    const outP: Json = {
      // Defaults Key Vault fills in (corpus keyvault/vault-create.json, vault-get.json).
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      ...rest,
      accessPolicies: p.accessPolicies ?? [],
      // Soft delete can no longer be turned off: the service reports it on whatever the request said.
      enableSoftDelete: true,
      softDeleteRetentionInDays: p.softDeleteRetentionInDays ?? old?.softDeleteRetentionInDays ?? 90,
      enableRbacAuthorization: p.enableRbacAuthorization ?? false,
      ...(old?.enablePurgeProtection === true || p.enablePurgeProtection === true
        ? { enablePurgeProtection: true }
        : {}),
      vaultUri: `https://${input.name.toLowerCase()}.vault.azure.net/`,
      provisioningState: 'Succeeded',
      publicNetworkAccess: p.publicNetworkAccess ?? old?.publicNetworkAccess ?? 'Enabled',
    };
    // Key Vault echoes the location as sent ("West US") and tags {} when none were sent (corpus keyvault/vault-create.json).
    const location = typeof input.body.location === 'string' ? input.body.location : undefined;
    const body = envelope(input, TYPE, { properties: outP }, location !== undefined ? { location } : {});
    if (body.tags === undefined) body.tags = {};
    if (input.existing) return { body };
    // While the DNS name registers, the create answer's vaultUri has no trailing slash (corpus keyvault/vault-create.json).
    const transitional = { ...body, properties: { ...outP, vaultUri: String(outP.vaultUri).replace(/\/$/, '') } };
    return { body, transitional };
  },
  afterDelete(engine: Engine, rec: ResourceRecord) {
    const now = engine.clock();
    const days = Number(at(rec.body, 'properties.softDeleteRetentionInDays') ?? 90) || 90;
    engine.store.softDeleted.set(rec.id.toLowerCase(), {
      id: rec.id,
      body: clone(rec.body),
      deletedAt: now,
      purgeAt: now + days * DAY_MS,
    });
  },
};

function deletedVaultView(s: SoftDeletedResource): Json {
  const sub = subscriptionOf(s.id);
  const name = s.id.split('/').pop()!;
  const loc = region(s.body.location);
  return {
    id: `/subscriptions/${sub}/providers/Microsoft.KeyVault/locations/${loc}/deletedVaults/${name}`,
    name,
    type: 'Microsoft.KeyVault/deletedVaults',
    properties: {
      vaultId: s.id,
      location: loc,
      tags: (s.body.tags as Json | undefined) ?? {},
      deletionDate: new Date(s.deletedAt).toISOString(),
      scheduledPurgeDate: new Date(s.purgeAt).toISOString(),
      purgeProtectionEnabled: at(s.body, 'properties.enablePurgeProtection') === true,
    },
  };
}

const DELETED_LIST = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.KeyVault\/deletedVaults$/i;
const DELETED_ONE =
  /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.KeyVault\/locations\/([^/]+)\/deletedVaults\/([^/]+)(\/purge)?$/i;

/**
 * `GET …/providers/Microsoft.KeyVault/deletedVaults`, `GET …/locations/{loc}/deletedVaults/{name}` and
 * `POST …/locations/{loc}/deletedVaults/{name}/purge`. Undefined for other paths.
 */
export function deletedVaultQuery(engine: Engine, req: EngineRequest): EngineResponse | undefined {
  const list = DELETED_LIST.exec(req.path);
  if (list && req.method === 'GET') {
    sweepSoftDeleted(engine, req.now);
    const sub = list[1].toLowerCase();
    const value = [...engine.store.softDeleted.values()]
      .filter(
        (s) => subscriptionOf(s.id) === sub && s.id.toLowerCase().includes('/providers/microsoft.keyvault/vaults/'),
      )
      .sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1))
      .map(deletedVaultView);
    return { status: 200, body: { value }, resourceId: req.path };
  }
  const one = DELETED_ONE.exec(req.path);
  if (!one) return undefined;
  const purge = one[4] !== undefined;
  if (req.method !== (purge ? 'POST' : 'GET')) return undefined;
  const s = deletedInSubscription(engine, one[1], decodeURIComponent(one[3]), req.now);
  if (!s || region(s.body.location) !== region(decodeURIComponent(one[2])))
    throw notFound(
      'ResourceNotFound',
      `The specified deleted vault '${decodeURIComponent(one[3])}' does not exist in location '${decodeURIComponent(one[2])}'.`,
    );
  if (!purge) return { status: 200, body: deletedVaultView(s), resourceId: req.path };
  if (at(s.body, 'properties.enablePurgeProtection') === true) {
    // Status and code chosen: the purge is refused while purge protection holds the vault.
    throw new ArmHttpError(
      409,
      'Conflict',
      `Vault '${s.id.split('/').pop()!}' has purge protection enabled and cannot be purged before its scheduled purge date ${new Date(s.purgeAt).toISOString()}.`,
    );
  }
  engine.store.softDeleted.delete(s.id.toLowerCase());
  return { status: 200, resourceId: req.path, mutated: true };
}
