/**
 * api-versions the emulator accepts, per resource TYPE, as the official REST specs list them
 * (lib/catalog/api-versions-by-type.generated.ts, generated from Azure/azure-rest-api-specs through
 * @pulumi/azure-native): previews included, so Microsoft's own tools (az ml and azure-ai-ml send e.g.
 * 2022-10-01-preview) can use the emulator. A child type also accepts its top-level parent's versions (one spec file
 * defines both; the generated list only names versions where the child's schema changed). What lib/catalog pins is
 * NOT added: a pinned version the spec does not list for that type gets 400 like on Azure, so a wrong pin shows.
 *
 * Types the generated data does not cover (served only for Microsoft's clients and tests: AKS, Log Analytics
 * queries…) keep a per-namespace list. ARM answers any other version with 400 `InvalidApiVersionParameter`.
 */
import { SPEC_API_VERSIONS } from '../catalog/api-versions-by-type.generated.js';

// Namespaces whose types are not in the generated data: the stable versions the JS clients installed with this repo
// send (@azure/arm-resources 7: 2025-04-01; @azure/arm-authorization 9: 2015-07-01, 2020-10-01, 2022-04-01 for role
// definitions and assignments) and the AKS versions the tests use.
const FALLBACK_BY_NAMESPACE: Readonly<Record<string, readonly string[]>> = {
  'microsoft.containerservice': ['2023-08-01', '2024-02-01', '2024-05-01', '2024-09-01', '2025-01-01', '2025-05-01'],
  'microsoft.authorization': ['2015-07-01', '2018-01-01-preview', '2020-04-01-preview', '2020-10-01', '2022-04-01'],
};

const BY_TYPE = new Map<string, readonly string[]>();
for (const [type, versions] of Object.entries(SPEC_API_VERSIONS)) {
  const parts = type.split('/');
  const top = parts.slice(0, 2).join('/');
  const own = new Set([...versions, ...(parts.length > 2 ? (SPEC_API_VERSIONS[top] ?? []) : [])]);
  BY_TYPE.set(type.toLowerCase(), [...own].sort());
}

const BY_NAMESPACE = new Map<string, readonly string[]>();
for (const [type, versions] of BY_TYPE) {
  const ns = type.split('/')[0];
  BY_NAMESPACE.set(ns, [...new Set([...(BY_NAMESPACE.get(ns) ?? []), ...versions])].sort());
}

/**
 * Versions accepted for an ARM type (case-insensitive full type, e.g. `Microsoft.Network/virtualNetworks`); a type
 * the spec data does not cover falls back to its namespace.
 */
export function acceptedApiVersions(type: string): readonly string[] {
  const t = type.toLowerCase();
  const ns = t.split('/')[0];
  return BY_TYPE.get(t) ?? FALLBACK_BY_NAMESPACE[ns] ?? BY_NAMESPACE.get(ns) ?? [];
}

export function isAcceptedApiVersion(type: string, version: string): boolean {
  return acceptedApiVersions(type).includes(version);
}
