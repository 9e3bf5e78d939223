/**
 * api-versions the emulator accepts, per resource provider namespace: the versions amlcdk pins, the ones
 * Microsoft's published JS clients installed with this repo send (@azure/arm-machinelearning 2.x: 2022-10-01;
 * @azure/arm-network 36: 2025-05-01; @azure/arm-authorization 9: 2022-04-01 (+2015-07-01, 2020-10-01);
 * @azure/arm-resources 7: 2025-04-01; @azure/arm-storage 20: 2025-08-01), and the other stable versions
 * the tools users compare us with send (Pulumi azure-native v3, Bicep, Terraform azurerm).
 * ARM answers any other version with 400 `InvalidApiVersionParameter`.
 */
import { API_VERSION_ENTRIES } from '../catalog/api-versions.js';

const ML = [
  '2022-05-01',
  '2022-10-01',
  '2023-04-01',
  '2023-10-01',
  '2024-04-01',
  '2024-10-01',
  '2025-01-01-preview',
  '2025-04-01',
  '2025-04-01-preview',
  '2025-06-01',
  '2025-09-01',
  '2025-12-01',
  '2026-03-01',
  '2026-05-01',
];
const NETWORK = [
  '2022-07-01',
  '2022-09-01',
  '2022-11-01',
  '2023-02-01',
  '2023-04-01',
  '2023-05-01',
  '2023-06-01',
  '2023-09-01',
  '2023-11-01',
  '2024-01-01',
  '2024-03-01',
  '2024-05-01',
  '2024-07-01',
  '2024-10-01',
  '2025-01-01',
  '2025-03-01',
  '2025-05-01',
];
const PRIVATE_DNS = ['2018-09-01', '2020-01-01', '2020-06-01', '2024-06-01'];
const STORAGE = [
  '2022-09-01',
  '2023-01-01',
  '2023-04-01',
  '2023-05-01',
  '2024-01-01',
  '2025-01-01',
  '2025-06-01',
  '2025-08-01',
];
const KEYVAULT = ['2022-07-01', '2023-02-01', '2023-07-01', '2024-11-01', '2024-12-01-preview', '2025-05-01'];
const INSIGHTS = ['2015-05-01', '2020-02-02', '2020-02-02-preview'];
const ACR = [
  '2023-01-01-preview',
  '2023-07-01',
  '2023-11-01-preview',
  '2024-11-01-preview',
  '2025-04-01',
  '2025-11-01',
];
const MSI = ['2018-11-30', '2023-01-31', '2023-07-31-preview', '2024-11-30', '2025-01-31-preview'];
const AUTHORIZATION = [
  '2015-07-01',
  '2018-01-01-preview',
  '2020-04-01-preview',
  '2020-10-01',
  '2022-04-01',
  '2022-05-01-preview',
];
const RESOURCES = [
  '2021-04-01',
  '2022-09-01',
  '2023-07-01',
  '2024-03-01',
  '2024-07-01',
  '2024-11-01',
  '2025-03-01',
  '2025-04-01',
];
const AKS = ['2023-08-01', '2024-02-01', '2024-05-01', '2024-09-01', '2025-01-01', '2025-05-01'];

const OPINSIGHTS = ['2020-08-01', '2021-06-01', '2022-10-01', '2023-09-01', '2025-02-01'];

const BY_NAMESPACE: Readonly<Record<string, readonly string[]>> = {
  'microsoft.machinelearningservices': ML,
  'microsoft.network': [...NETWORK, ...PRIVATE_DNS],
  'microsoft.storage': STORAGE,
  'microsoft.keyvault': KEYVAULT,
  'microsoft.insights': INSIGHTS,
  'microsoft.containerregistry': ACR,
  'microsoft.managedidentity': MSI,
  'microsoft.authorization': AUTHORIZATION,
  'microsoft.resources': RESOURCES,
  'microsoft.containerservice': AKS,
  'microsoft.operationalinsights': OPINSIGHTS,
};

const extra = new Map<string, Set<string>>();

// Whatever lib/catalog pins is always accepted.
for (const e of API_VERSION_ENTRIES) addAcceptedApiVersions(e.armType.split('/')[0], [e.apiVersion]);

/** Versions accepted for a namespace (lower-case). */
export function acceptedApiVersions(namespace: string): readonly string[] {
  const ns = namespace.toLowerCase();
  return [...(BY_NAMESPACE[ns] ?? []), ...(extra.get(ns) ?? [])];
}

export function isAcceptedApiVersion(namespace: string, version: string): boolean {
  const ns = namespace.toLowerCase();
  return (BY_NAMESPACE[ns]?.includes(version) ?? false) || (extra.get(ns)?.has(version) ?? false);
}

/** Accept more versions (e.g. the ones lib/catalog pins), additively. */
export function addAcceptedApiVersions(namespace: string, versions: readonly string[]): void {
  const ns = namespace.toLowerCase();
  let s = extra.get(ns);
  if (!s) extra.set(ns, (s = new Set()));
  for (const v of versions) s.add(v);
}
