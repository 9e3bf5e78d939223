/**
 * Secret references in manifest bodies (`{ "secretRef": "env:NAME" }` at the JSON pointers listed in
 * `resource.secrets`) become `pulumi.secret(...)` values, so Pulumi encrypts them in its state and masks them in
 * previews. The value is never put in an error message or a log line.
 */
import * as pulumi from '@pulumi/pulumi';
import { AmlcdkError } from '../core/errors.js';
import { joinPath, splitPath } from '../catalog/field-tables.js';
import { keyVaultReader, type KeyVaultReader } from './keyvault.js';
import { canonicalCopy } from '../manifest/canonical-copy.js';

/** Where secret values come from. */
export interface SecretSource {
  /** Environment to read `env:NAME` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Pulumi config namespace consulted when the environment variable is not set: `env:NAME` is read from the
   * secret config key `<namespace>:NAME` (`pulumi config set --secret amlcdk:NAME ...`).
   * @default 'amlcdk'
   */
  readonly configNamespace?: string;
  /**
   * Reads `keyvault:<vault>/<name>` references.
   * @default keyVaultReader() - the vault's data plane with DefaultAzureCredential
   */
  readonly keyVault?: KeyVaultReader;
}

let defaultReader: KeyVaultReader | undefined;

/** Resolve one `SecretRef` string to a secret Output. Throws `SecretNotFound` / `UnsupportedSecretRef`. */
export function resolveSecretRef(
  ref: string,
  where: { logicalId: string; pointer: string },
  source: SecretSource = {},
): pulumi.Output<string> {
  const ns = source.configNamespace ?? 'amlcdk';
  const kv = /^keyvault:([A-Za-z0-9-]{3,24})\/([A-Za-z0-9-]{1,127})$/.exec(ref);
  if (kv) {
    const reader = source.keyVault ?? (defaultReader ??= keyVaultReader());
    return pulumi.secret(pulumi.output(reader(kv[1], kv[2])));
  }
  const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref);
  if (!m) {
    throw new AmlcdkError(
      'UnsupportedSecretRef',
      `[${where.logicalId}] UnsupportedSecretRef: secret reference "${ref}" at ${where.pointer} cannot be resolved (allowed: env:NAME, keyvault:<vault>/<secret>). ` +
        'Fix: use Secret.fromEnv("NAME") or Secret.fromKeyVault(vault, name) in the construct.',
    );
  }
  const name = m[1];
  const env = source.env ?? process.env;
  const fromEnv = env[name];
  if (fromEnv !== undefined && fromEnv !== '') return pulumi.secret(fromEnv);
  const fromConfig = new pulumi.Config(ns).getSecret(name);
  if (fromConfig !== undefined) return fromConfig;
  throw new AmlcdkError(
    'SecretNotFound',
    `[${where.logicalId}] SecretNotFound: the secret ${ref} needed at ${where.pointer} is neither in the environment variable ${name} nor in the Pulumi config key ${ns}:${name}. ` +
      `Fix: export ${name}=... before \`pulumi up\`, or run \`pulumi config set --secret ${ns}:${name} <value>\`.`,
  );
}

/** Replace every SecretRef of a body (deep copy) with a secret Output. Pointers are RFC 6901. */
export function withSecrets(
  body: Readonly<Record<string, unknown>>,
  pointers: readonly string[] | undefined,
  logicalId: string,
  source: SecretSource = {},
): Record<string, unknown> {
  // A JSON copy made in the caller's realm: structuredClone builds its arrays in Node's main realm, and Pulumi's
  // serializer (`instanceof Array`) sends those as objects when the program runs inside jest's sandbox.
  const copy = canonicalCopy(body) as Record<string, unknown>;
  // Also any SecretRef the manifest forgot to list: a reference object must never be sent as a value.
  const all = new Set(pointers ?? []);
  const walk = (v: unknown, segs: string[]): void => {
    if (
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      typeof (v as { secretRef?: unknown }).secretRef === 'string' &&
      Object.keys(v).length === 1
    ) {
      all.add(joinPath(segs));
      return;
    }
    if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...segs, k]);
  };
  walk(copy, []);
  for (const pointer of all) {
    const segs = splitPath(pointer);
    if (segs.length === 0) throw badPointer(logicalId, pointer);
    let parent: unknown = copy;
    for (const s of segs.slice(0, -1)) {
      parent = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[s] : undefined;
    }
    const last = segs[segs.length - 1];
    const holder = parent as Record<string, unknown> | undefined;
    const ref = holder && typeof holder === 'object' ? holder[last] : undefined;
    if (!ref || typeof ref !== 'object' || typeof (ref as { secretRef?: unknown }).secretRef !== 'string')
      throw badPointer(logicalId, pointer);
    holder![last] = resolveSecretRef((ref as { secretRef: string }).secretRef, { logicalId, pointer }, source);
  }
  return copy;
}

function badPointer(logicalId: string, pointer: string): AmlcdkError {
  return new AmlcdkError(
    'SecretPointerInvalid',
    `[${logicalId}] SecretPointerInvalid: the manifest lists a secret at ${pointer}, but no { secretRef } stands there. Fix: synthesize the manifest again; do not edit manifests by hand.`,
  );
}
