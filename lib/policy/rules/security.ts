/** Security pack (data protection): plaintext secrets, customer-managed keys, HBI workspaces. */
import type { ManifestResource } from '../../manifest/types.js';
import { isDeployTimeValue } from '../../manifest/unknown.js';
import type { FindingDraft, ResourceRule } from '../types.js';
import { T, effective, get, how, lower, tag, text } from '../util.js';
import { resourceRule } from './define.js';

const SECRET_KEY =
  /(password|passwd|secret|token|apikey|api_key|accesskey|access_key|accountkey|connectionstring|sastoken|privatekey|private_key|credential)/i;
const NOT_SECRET_KEY =
  /(publickey|public_key|sshpublickey|keyvault|keyidentifier|keyname|secretsType|credentialsType|tokenType|passwordProfile)$/i;
const VALUE_PATTERNS: readonly [RegExp, string][] = [
  [/AccountKey=[A-Za-z0-9+/=]{20,}/, 'a storage account key'],
  [/SharedAccessSignature=|[?&]sig=[A-Za-z0-9%+/=]{20,}/, 'a SAS token'],
  [/-----BEGIN (RSA |EC |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/, 'a private key'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/, 'a JSON web token'],
  [/\b(DefaultEndpointsProtocol=https?;[^"\s]*AccountKey=)/i, 'a storage connection string'],
  [/\bxox[baprs]-[A-Za-z0-9-]{10,}\b/, 'a Slack token'],
];

function looksSecretValue(s: string): string | undefined {
  for (const [re, what] of VALUE_PATTERNS) if (re.test(s)) return what;
  return undefined;
}

function decodeBase64(s: string): string | undefined {
  if (s.length < 8 || !/^[A-Za-z0-9+/=\s]+$/.test(s)) return undefined;
  try {
    const text = Buffer.from(s, 'base64').toString('utf8');
    // eslint-disable-next-line no-control-regex -- binary bytes mean it was not base64 text
    return /[\x00-\x08]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Secret-looking literals in a body; paths listed in `secrets` are SecretRefs and are skipped. */
export function findPlaintextSecrets(r: ManifestResource): FindingDraft[] {
  const out: FindingDraft[] = [];
  const refs =
    r.secrets && r.secrets.length ? new Set(r.secrets.map((p) => p.split('/').slice(1).join('.'))) : undefined;
  const path: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (refs && refs.has(path.join('.'))) return;
    if (v && typeof v === 'object') {
      if (!Array.isArray(v) && typeof (v as { secretRef?: unknown }).secretRef === 'string') return;
      // A value only known at deploy time (e.g. a securestring parameter) is no secret in clear.
      if (isDeployTimeValue(v)) return;
      const isArr = Array.isArray(v);
      for (const k of Object.keys(v)) {
        path.push(k);
        walk((v as Record<string, unknown>)[k], isArr ? key : k);
        path.pop();
      }
      return;
    }
    if (typeof v !== 'string' || v.length < 8) return;
    let what = looksSecretValue(v);
    if (!what && /scriptData$/i.test(key)) {
      const text = decodeBase64(v);
      if (text)
        what =
          looksSecretValue(text) ??
          (/(password|secret|token)\s*[=:]\s*['"]?[^\s'"$]{6,}/i.test(text)
            ? 'a hard-coded credential in the script'
            : undefined);
    }
    if (
      !what &&
      SECRET_KEY.test(key) &&
      !NOT_SECRET_KEY.test(key) &&
      !v.startsWith('/subscriptions/') &&
      !/^ssh-(rsa|ed25519)/.test(v) &&
      !/^https:\/\/[^/]+\.vault\.azure\.net\//i.test(v) &&
      !/^\$\{/.test(v)
    ) {
      what = `a literal value in "${key}"`;
    }
    if (what) {
      const dotted = path.join('.');
      out.push({
        path: dotted,
        value: '(masked)',
        provenance: 'set',
        message: `${r.name} contains ${what} in clear text at ${dotted}`,
        fix: "pass it as Secret.fromEnv('<VARIABLE>') or Secret.fromKeyVault('<vault>', '<secret>'), so only a reference lands in the manifest",
      });
    }
  };
  walk(r.body, '');
  return out;
}

const data001 = resourceRule({
  id: 'AML-DATA-001',
  name: 'NoPlaintextSecrets',
  title: 'No plaintext secrets in resource definitions',
  pack: 'security',
  severity: 'high',
  prodSeverity: 'critical',
  types: ['*'],
  scope: 'Every resource: properties, setup scripts (base64 decoded), tags',
  rationale:
    'A secret in an ARM body ends up in the manifest, in deployment history and in logs; it must be a reference resolved at deploy time.',
  anchors: { other: ['AzTS D_P_Avoid_Plaintext_Secrets', 'Checkov SecureStringParameterNoHardcodedValue (analog)'] },
  evaluate(r) {
    return findPlaintextSecrets(r);
  },
});

function sensitive(ws: ManifestResource, classes: readonly string[]): string | undefined {
  const c = tag(ws, 'dataClassification');
  return c !== undefined && classes.map((x) => x.toLowerCase()).includes(c.toLowerCase()) ? c : undefined;
}

const data002 = resourceRule({
  id: 'AML-DATA-002',
  thresholdKeys: ['sensitiveClassifications'],
  name: 'WorkspaceCustomerManagedKey',
  title: 'Workspace data is encrypted with a customer-managed key',
  pack: 'security',
  severity: 'medium',
  types: [T.workspace],
  scope: 'Machine Learning workspaces (High when tagged with a sensitive dataClassification)',
  defaults: '`encryption` absent means Microsoft-managed keys (status Disabled).',
  rationale:
    'A customer-managed key lets you revoke access to workspace metadata and data at rest; regulated data requires it.',
  anchors: {
    azurePolicy: ['ba769a63-b8cc-4b2d-abf6-ac33c7204be8', '7f40cee6-e933-4d0f-a782-b96615e0f4a6'],
    other: ['AzTS DP_Enable_Encryption_With_CMK', 'CloudSploit mlWorkspaceCMKEncrypted'],
  },
  evaluate(ws, ctx) {
    const key = get(ws.body, 'properties.encryption.keyVaultProperties.keyIdentifier');
    const status = get(ws.body, 'properties.encryption.status');
    const e = effective<string>(ws, 'properties.encryption.status', 'Disabled');
    if (lower(e.value) === 'enabled' && key) return [];
    const cls = sensitive(ws, ctx.thresholds.sensitiveClassifications);
    // The spec requires `status` next to `keyVaultProperties` (EncryptionProperty, see lib/manifest/body-schemas):
    // a key without a status is no API default but an incomplete body, and the key is used only with Enabled.
    const state =
      key && (status === undefined || status === null)
        ? `encryption names a key (${text(key)}) but no status; the key is used only with status Enabled`
        : key
          ? `encryption.status=${text(e.value)} (${how(e)}), so the key ${text(key)} is not used`
          : lower(e.value) === 'enabled'
            ? `encryption.status=Enabled (${how(e)}) but no Key Vault key is given`
            : get(ws.body, 'properties.encryption') === undefined
              ? 'no encryption block: Microsoft-managed keys (API default, not set in the program)'
              : `encryption.status=${text(e.value)}, ${how(e)}`;
    return [
      {
        path: 'properties.encryption.status',
        value: key && status === undefined ? undefined : e.value,
        provenance: key && status === undefined ? 'unknown' : e.provenance,
        severity: cls ? 'high' : undefined,
        message: `workspace "${ws.name}" is not encrypted with a customer-managed key (${state})${cls ? `; its data is classified ${cls}` : ''}`,
        fix: 'set customerManagedKey: { keyVaultId, keyUri } on the Workspace',
      },
    ];
  },
});

const data003 = resourceRule({
  id: 'AML-DATA-003',
  thresholdKeys: ['sensitiveClassifications'],
  name: 'SensitiveWorkspaceIsHbi',
  title: 'Workspaces holding sensitive data are high business impact',
  pack: 'security',
  severity: 'medium',
  types: [T.workspace],
  scope: 'Workspaces tagged with a sensitive dataClassification',
  defaults: '`hbiWorkspace` absent means `false`.',
  rationale: 'HBI mode reduces the diagnostic data Microsoft collects and encrypts local scratch disks of compute.',
  // Not CKV2_AZURE_50: that Checkov graph check is about the storage account of an HBI workspace being private,
  // which AML-NET-014 checks.
  anchors: {
    azurePolicy: ['Deny-MachineLearning-HbiWorkspace'],
    other: ['CloudSploit mlWorkspaceHBI'],
  },
  evaluate(ws, ctx) {
    const cls = sensitive(ws, ctx.thresholds.sensitiveClassifications);
    if (!cls) return 'not-applicable';
    const e = effective<boolean>(ws, 'properties.hbiWorkspace', false);
    if (e.value === true) return [];
    return [
      {
        path: 'properties.hbiWorkspace',
        value: e.value,
        provenance: e.provenance,
        message: `workspace "${ws.name}" holds ${cls} data but is not an HBI workspace (${how(e)})`,
        fix: 'set hbiWorkspace: true on the Workspace',
      },
    ];
  },
});

export const securityRules: readonly ResourceRule[] = [data001, data002, data003];
