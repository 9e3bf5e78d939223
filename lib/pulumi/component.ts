/**
 * `AmlcdkComponent`: the same amlcdk constructs deployed by `pulumi up`.
 *
 * The component synthesizes the construct tree in memory (aspects, validation, schema: the same pipeline as
 * `amlcdk synth`) and creates one `@pulumi/azure-native` resource per manifest resource through the mapping table
 * (lib/pulumi/mapping.ts), parented to itself, with the manifest's dependencies, secrets as Pulumi secrets,
 * `replaceOnChanges` from the field tables, and `protect` / `retainOnDelete` from the construct options.
 */
import * as pulumi from '@pulumi/pulumi';
import type * as docker from '@pulumi/docker';
import type { IConstruct } from 'constructs';
import { AmlcdkError, SynthesisError, formatDiagnostic, type Diagnostic } from '../core/errors.js';
import { Stack } from '../core/stack.js';
import { synthesize } from '../core/synth.js';
import type { Manifest, ManifestResource } from '../manifest/types.js';
import { fieldTableFor, computeTypeOf, splitPath } from '../catalog/field-tables.js';
import {
  GENERIC_MAPPING,
  bodyToArgs,
  checkArgs,
  genericNameArgs,
  mappingFor,
  nameArgs,
  toPulumiPath,
  type TypeMapping,
} from './mapping.js';
import { replaceOnChangesFor } from './replace.js';
import { substituteRefs } from '../manifest/refs.js';
import { withSecrets, type SecretSource } from './secrets.js';
import * as authorization from '@pulumi/azure-native/authorization/index.js';
import {
  assetIdsIn,
  createImage,
  imageReference,
  registryLogicalId,
  substituteAssets,
  type RegistryAuth,
} from './images.js';

/** The Pulumi type token of the component. Never change it: it is part of every child's URN. */
export const COMPONENT_TYPE = 'amlcdk:index:Stack';

/** What to deploy: one stack, every stack of an app, or manifests synthesized earlier. */
export type AmlcdkSource =
  { readonly stack: Stack } | { readonly app: IConstruct } | { readonly manifests: readonly Manifest[] };

/** Settings of {@link AmlcdkComponent} beyond what to deploy. */
export interface AmlcdkComponentSettings {
  /**
   * Where `env:NAME` secret references are read from.
   * @default - the process environment, then the secret Pulumi config key `amlcdk:NAME`
   */
  readonly secrets?: SecretSource;
  /**
   * How container images are pushed to the registry: `'entra'` (the deploying identity, exchanged for an ACR
   * token; needs AcrPush), `'admin'` (`listRegistryCredentials`; needs the registry admin user) or explicit
   * `{ username, password }`. Credentials are always Pulumi secrets.
   * @default 'entra'
   */
  readonly registryAuth?: RegistryAuth;
  /**
   * Extra CA certificates (PEM) to trust for the Entra token exchange with the registry (TLS-inspecting proxies).
   * @default - the system CAs
   */
  readonly registryCaCertPem?: string;
  /**
   * Check that the azure-native provider deploys into the stack's subscription (`getClientConfig`) and fail every
   * resource with `SubscriptionMismatch` otherwise: the ids and cross-resource references in the bodies name the
   * stack's subscription, so deploying elsewhere would break them.
   * @default true
   */
  readonly checkSubscription?: boolean;
}

/** The arguments of {@link AmlcdkComponent}. */
export type AmlcdkComponentArgs = AmlcdkSource & AmlcdkComponentSettings;

/**
 * An amlcdk error that stops the Pulumi program: Pulumi prints the message without a stack trace. `code` is the
 * stable amlcdk code (`SynthesisFailed`, `UnmappedResourceType`, `SecretNotFound`, ...); `diagnostics` holds
 * every validation problem when synthesis failed.
 */
export class AmlcdkPulumiError extends pulumi.RunError {
  public readonly code: string;
  public readonly diagnostics: readonly Diagnostic[];
  constructor(code: string, message: string, diagnostics: readonly Diagnostic[] = []) {
    super(message);
    this.code = code;
    this.diagnostics = diagnostics;
    this.name = 'AmlcdkPulumiError';
  }
}

/** One created child and how it was configured (for outputs and tests). */
export interface MappedResource {
  readonly logicalId: string;
  readonly mapping: TypeMapping;
  readonly resource: pulumi.CustomResource;
  readonly replaceOnChanges: readonly string[];
}

/**
 * The amlcdk constructs of a stack (or app) as a Pulumi component.
 *
 * @example
 * import * as pulumi from '@pulumi/pulumi';
 * import { App } from 'amlcdk';
 * import { AmlcdkComponent } from 'amlcdk/pulumi';
 * const app = new App();
 * const team = new SecureGpuTeamStack(app, 'Team', { subscriptionId, resourceGroup: 'rg-ml', location: 'westeurope' });
 * const ml = new AmlcdkComponent('team', { stack: team });
 * export const ids = ml.ids;
 */
export class AmlcdkComponent extends pulumi.ComponentResource {
  /** The manifests deployed (one per stack). */
  public readonly manifests: readonly Manifest[];
  /** Every azure-native resource, by manifest logicalId (construct path). */
  public readonly resources: Readonly<Record<string, pulumi.CustomResource>>;
  /** The ARM id of every resource, by logicalId. */
  public readonly ids: Readonly<Record<string, pulumi.Output<string>>>;
  /** Endpoints (workspace discovery/MLflow URLs, instance applications, registry login servers...), by logicalId. */
  public readonly endpoints: Readonly<Record<string, pulumi.Output<Record<string, unknown>>>>;
  /** The docker images built for container image assets, by asset id. */
  public readonly images: Readonly<Record<string, docker.Image>>;
  /** How each resource was mapped (mapping row and `replaceOnChanges`), by logicalId. */
  public readonly mapped: Readonly<Record<string, MappedResource>>;

  constructor(name: string, args: AmlcdkComponentArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Synthesize before registering the component, so an invalid program registers nothing.
    const manifests = AmlcdkComponent.synthesizeSource(args);
    super(COMPONENT_TYPE, name, {}, opts);
    this.manifests = manifests;

    const resources: Record<string, pulumi.CustomResource> = {};
    const ids: Record<string, pulumi.Output<string>> = {};
    const endpoints: Record<string, pulumi.Output<Record<string, unknown>>> = {};
    const images: Record<string, docker.Image> = {};
    const mapped: Record<string, MappedResource> = {};
    try {
      for (const manifest of manifests) {
        this.deployManifest(name, manifest, args, { resources, ids, endpoints, images, mapped });
      }
    } catch (err) {
      throw toPulumiError(err);
    }
    this.resources = resources;
    this.ids = ids;
    this.endpoints = endpoints;
    this.images = images;
    this.mapped = mapped;
    this.registerOutputs({ ids, endpoints, manifestHashes: manifests.map((m) => m.hash) });
  }

  /** Run synthesis (validation included) and pick the manifests to deploy. Throws AmlcdkPulumiError. */
  public static synthesizeSource(args: AmlcdkSource): Manifest[] {
    if (!args || typeof args !== 'object') throw usage('expected { stack }, { app } or { manifests }');
    if ('manifests' in args && args.manifests) return [...args.manifests];
    const root: IConstruct | undefined =
      'stack' in args && args.stack ? args.stack.node.root : 'app' in args ? args.app : undefined;
    if (!root) throw usage('expected { stack }, { app } or { manifests }');
    if ('stack' in args && args.stack && !Stack.isStack(args.stack)) throw usage('`stack` is not an amlcdk Stack');
    let manifests: readonly Manifest[];
    try {
      manifests = synthesize(root, { write: false }).manifests;
    } catch (err) {
      if (err instanceof SynthesisError) {
        const errors = err.diagnostics.filter((d) => d.level === 'error');
        throw new AmlcdkPulumiError(
          'SynthesisFailed',
          `amlcdk synthesis failed with ${errors.length} error(s); nothing was deployed:\n${errors.map(formatDiagnostic).join('\n')}`,
          err.diagnostics,
        );
      }
      throw toPulumiError(err);
    }
    if ('stack' in args && args.stack) {
      const one = manifests.find((m) => m.stack.name === args.stack.stackName);
      if (!one) throw usage(`stack ${args.stack.stackName} produced no manifest`);
      return [one];
    }
    return [...manifests];
  }

  /** The provider's subscription when it differs from the stack's, else `undefined` (also when not reported). */
  private subscriptionGate(manifest: Manifest): pulumi.Output<string | undefined> {
    const want = manifest.stack.subscriptionId.toLowerCase();
    return authorization.getClientConfigOutput({ parent: this }).apply((c) => {
      const have = c?.subscriptionId?.toLowerCase();
      return have && have !== want ? have : undefined;
    });
  }

  private deployManifest(
    name: string,
    manifest: Manifest,
    args: AmlcdkComponentSettings,
    out: {
      resources: Record<string, pulumi.CustomResource>;
      ids: Record<string, pulumi.Output<string>>;
      endpoints: Record<string, pulumi.Output<Record<string, unknown>>>;
      images: Record<string, docker.Image>;
      mapped: Record<string, MappedResource>;
    },
  ): void {
    const byId = new Map(manifest.resources.map((r) => [r.logicalId, r]));
    const assets = new Map((manifest.assets ?? []).map((a) => [a.id, a]));
    const created = new Map<string, pulumi.CustomResource>();
    const imageRefs = new Map<string, pulumi.Output<string>>();
    const imageById = new Map<string, docker.Image>();

    // Resolve every mapping first: an unmapped type fails before any child is registered.
    const mappings = new Map(
      manifest.resources.map((r) => [r.logicalId, r.generic ? GENERIC_MAPPING : mappingFor(r.type, r.logicalId)]),
    );
    const subscriptionOk = args.checkSubscription === false ? undefined : this.subscriptionGate(manifest);

    for (const r of topoOrder(manifest.resources, assets)) {
      const m = mappings.get(r.logicalId)!;
      const usedAssets = assetIdsIn(r.body);
      const imageDeps: pulumi.Resource[] = [];
      for (const id of usedAssets) {
        const asset = assets.get(id);
        if (!asset) continue; // substituteAssets reports UnknownAsset
        let image = imageById.get(id);
        if (!image) {
          image = createImage(asset, {
            parent: this,
            namePrefix: name,
            created,
            resources: byId,
            auth: args.registryAuth,
            caCertPem: args.registryCaCertPem,
          });
          imageById.set(id, image);
          imageRefs.set(id, imageReference(image));
          out.images[id] = image;
        }
        imageDeps.push(image);
      }
      let body: Record<string, unknown> = withSecrets(r.body, r.secrets, r.logicalId, args.secrets);
      const secretValues = outputsIn(body);
      body = substituteAssets(body, imageRefs, r.logicalId) as Record<string, unknown>;
      // Deploy-time references: Outputs of the referenced resource (registered before, as a dependency).
      body = substituteRefs(body, (ref) => {
        const target = created.get(ref.resource);
        const tm = mappings.get(ref.resource);
        if (!target || !tm) {
          throw new AmlcdkError(
            'UnknownReference',
            `[${r.logicalId}] UnknownReference: ${ref.attribute} of ${ref.resource}, which is not in the manifest. Fix: synthesize the manifest again.`,
          );
        }
        return referenceOutput(target, tm, ref.attribute);
      }) as Record<string, unknown>;
      const inputs = {
        ...bodyToArgs(m, body, r.logicalId),
        ...(m === GENERIC_MAPPING ? genericNameArgs(r.id, r.apiVersion, r.logicalId) : nameArgs(m, r.id, r.logicalId)),
      };
      checkArgs(m, inputs, r.logicalId);
      if (subscriptionOk) {
        // Gate the naming argument on the check, so a wrong subscription fails each resource before any request.
        const key = 'resourceGroupName' in inputs ? 'resourceGroupName' : m.scopeArg;
        if (key) {
          const plain = inputs[key as keyof typeof inputs] as string;
          const stackName = manifest.stack.name;
          const want = manifest.stack.subscriptionId.toLowerCase();
          (inputs as Record<string, unknown>)[key] = subscriptionOk.apply((have) => {
            if (have) {
              throw new AmlcdkPulumiError(
                'SubscriptionMismatch',
                `[${r.logicalId}] SubscriptionMismatch: stack ${stackName} is for subscription ${want}, but the azure-native provider deploys into ${have}. ` +
                  `Fix: \`pulumi config set azure-native:subscriptionId ${want}\`, pass a provider for that subscription in opts.providers, or change the Stack's subscriptionId.`,
              );
            }
            return plain;
          });
        }
      }
      const replaceOnChanges = replaceOnChangesFor(m, r.type, r.body);
      const table = fieldTableFor(r.type, computeTypeOf(r.body));
      const resourceOpts: pulumi.CustomResourceOptions = {
        parent: this,
        dependsOn: [...r.dependsOn.map((d) => created.get(d)!).filter(Boolean), ...imageDeps],
        ...(replaceOnChanges.length ? { replaceOnChanges } : {}),
        // Every amlcdk resource keeps its name across a replacement (compute names are even unique per region),
        // so the old one must go before the new one can be created.
        deleteBeforeReplace: table.replaceOrder === 'delete-before-create',
        protect: r.options.protect,
        retainOnDelete: r.options.deletePolicy === 'Retain',
        // A construct moved with previousPath / Names.preserve keeps its resource: the old URN is an alias, so
        // `pulumi up` does not create the new address and delete the old one (the same ARM resource).
        ...(r.aliases?.length ? { aliases: r.aliases.map((a) => ({ name: `${name}/${a}` })) } : {}),
        // The arguments holding a secret: their outputs stay secret, and policy packs learn which inputs were
        // secret (@pulumi/policy strips the secret markers from the inputs it hands to policies, but passes this on).
        ...secretArgsOption(inputs, secretValues),
      };
      const Ctor = m.resourceClass();
      const res = new Ctor(`${name}/${r.logicalId}`, inputs, resourceOpts);
      created.set(r.logicalId, res);
      out.resources[r.logicalId] = res;
      out.ids[r.logicalId] = res.id;
      out.mapped[r.logicalId] = { logicalId: r.logicalId, mapping: m, resource: res, replaceOnChanges };
      const ep = endpointsOf(m, res, r);
      if (ep) out.endpoints[r.logicalId] = ep;
      for (const field of previewOnlyFields(r)) {
        void pulumi.log.warn(
          `${r.logicalId}: ${field} is a preview-only field that azure-native ${m.azureNativeApiVersion} does not know; it will not be applied. ` +
            'Deploy this stack with `amlcdk apply` (preview api-version) or leave the field unset.',
          res,
        );
      }
      for (const path of nestedOverrides(m, r)) {
        void pulumi.log.warn(
          `${r.logicalId}: the escape hatch sets ${path}, below ${m.token}'s arguments; azure-native sends only what its own schema knows there and drops the rest without a warning (pulumi/pulumi-azure-native#1757). ` +
            'Confirm the property in Azure after `pulumi up`, or deploy this stack with `amlcdk apply`, which sends the body as written.',
          res,
        );
      }
      for (const a of r.actions ?? []) {
        // azure-native has no way to call ARM POST actions; say exactly what to run instead of dropping it.
        const body = a.body === undefined ? '' : ` --body '${JSON.stringify(a.body)}'`;
        void pulumi.log.warn(
          `${r.logicalId}: ${a.reason} needs POST ${a.name} (${a.when}), which azure-native cannot call. ` +
            `Run it once created: az rest --method post --url "https://management.azure.com${r.id}/${a.name}?api-version=${r.apiVersion}"${body} ` +
            '(or deploy this stack with `amlcdk apply`, which does it).',
          res,
        );
      }
    }
  }
}

/**
 * Pulumi paths of the properties an escape hatch sets below the class's top-level arguments (a top-level one
 * azure-native lacks is `UnsupportedArgument` already). The generic resource takes its `properties` as is.
 */
function nestedOverrides(m: TypeMapping, r: ManifestResource): string[] {
  if (m === GENERIC_MAPPING) return [];
  return (
    (r.overrides ?? [])
      .filter((o) => o.op === 'set')
      .map((o) => toPulumiPath(m, splitPath(o.path)))
      // A top-level argument, or a tag (tags are a map: azure-native sends every entry).
      .filter((p) => !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p) && !/^tags[.[]/.test(p))
  );
}

/**
 * The Output of `resource` at an attribute path of the ARM resource (`identity.principalId`,
 * `properties.clientId`), following the class's flattening: a flattened class has `principalId` where ARM has
 * `properties.principalId`.
 */
export function referenceOutput(
  resource: pulumi.CustomResource,
  m: TypeMapping,
  attribute: string,
): pulumi.Output<unknown> {
  let segs = attribute.split('.');
  if (m.bodyStyle !== 'as-is' && segs[0] === 'properties' && segs.length > 1) {
    segs = segs.slice(1);
    segs[0] = m.renames?.[segs[0]] ?? segs[0];
  }
  const [first, ...rest] = segs;
  const outputs = resource as unknown as Record<string, pulumi.Output<unknown> | undefined>;
  const out: pulumi.Output<unknown> = pulumi.output(outputs[first]);
  return out.apply((v: unknown) => {
    let cur = v;
    for (const s of rest)
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
    return cur;
  });
}

/** Compute-instance fields that exist only in preview api-versions (reference/azureml-api.md §0 item 7). */
const PREVIEW_ONLY_INSTANCE_FIELDS = [
  'enableOSPatching',
  'enableRootAccess',
  'releaseQuotaOnStop',
  'autologgerSettings',
];

function previewOnlyFields(r: ManifestResource): string[] {
  if (r.type.toLowerCase() !== 'microsoft.machinelearningservices/workspaces/computes') return [];
  const inner = (r.body as { properties?: { properties?: Record<string, unknown> } }).properties?.properties ?? {};
  return PREVIEW_ONLY_INSTANCE_FIELDS.filter((f) => f in inner).map((f) => `properties.properties.${f}`);
}

function endpointsOf(
  m: TypeMapping,
  res: pulumi.CustomResource,
  r: ManifestResource,
): pulumi.Output<Record<string, unknown>> | undefined {
  const names = m.endpointOutputs ?? [];
  if (names.length === 0) return undefined;
  const record = res as unknown as Record<string, pulumi.Output<unknown> | undefined>;
  if (m.token === 'azure-native:machinelearningservices:Compute') {
    if (computeTypeOf(r.body) !== 'ComputeInstance') return undefined;
    return pulumi
      .output(record.properties as pulumi.Output<{ properties?: Record<string, unknown> } | undefined>)
      .apply((p: unknown): Record<string, unknown> => {
        const inner = (p as { properties?: { applications?: unknown; connectivityEndpoints?: unknown } } | undefined)
          ?.properties;
        return { applications: inner?.applications ?? [], connectivityEndpoints: inner?.connectivityEndpoints ?? {} };
      });
  }
  const outs: pulumi.Output<unknown>[] = names.map((n) => pulumi.output(record[n] as pulumi.Output<unknown>));
  return pulumi
    .all(outs)
    .apply((vals: unknown[]): Record<string, unknown> => Object.fromEntries(names.map((n, i) => [n, vals[i]])));
}

/**
 * Resources in dependency order (stable: manifest order among independent ones). A resource using a container
 * image asset also waits for the registry the image is pushed to.
 */
function topoOrder(
  resources: readonly ManifestResource[],
  assets: ReadonlyMap<string, { registry: string }>,
): ManifestResource[] {
  const byId = new Map(resources.map((r) => [r.logicalId, r]));
  const deps = new Map<string, string[]>();
  for (const r of resources) {
    const d = [...r.dependsOn];
    for (const id of assetIdsIn(r.body)) {
      const a = assets.get(id);
      const reg = a ? registryLogicalId(a as never) : undefined;
      if (reg && reg !== r.logicalId) d.push(reg);
    }
    for (const x of d) {
      if (!byId.has(x)) {
        throw new AmlcdkError(
          'UnknownDependency',
          `[${r.logicalId}] UnknownDependency: depends on ${x}, which is not in the manifest. Fix: synthesize the manifest again.`,
        );
      }
    }
    deps.set(r.logicalId, d);
  }
  const out: ManifestResource[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      throw new AmlcdkError(
        'DependencyCycle',
        `[${id}] DependencyCycle: ${[...trail, id].join(' -> ')}. Fix: remove one of the dependencies (addDependency) in the cycle.`,
      );
    }
    state.set(id, 'visiting');
    for (const d of deps.get(id)!) visit(d, [...trail, id]);
    state.set(id, 'done');
    out.push(byId.get(id)!);
  };
  for (const r of resources) visit(r.logicalId, []);
  return out;
}

function usage(message: string): AmlcdkPulumiError {
  return new AmlcdkPulumiError(
    'InvalidComponentArgs',
    `InvalidComponentArgs: ${message}. Fix: new AmlcdkComponent('team', { stack: myStack }) or new AmlcdkComponent('all', { app }).`,
  );
}

function toPulumiError(err: unknown): unknown {
  if (err instanceof AmlcdkPulumiError) return err;
  if (err instanceof AmlcdkError) return new AmlcdkPulumiError(err.code, err.message);
  return err;
}

/** The Outputs in a body right after withSecrets: exactly its secret values. */
function outputsIn(v: unknown, into = new Set<unknown>()): Set<unknown> {
  if (pulumi.Output.isInstance(v)) into.add(v);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) outputsIn(x, into);
  return into;
}

/** `additionalSecretOutputs` naming the top-level arguments that hold one of `secrets` (none: no option). */
function secretArgsOption(
  inputs: Record<string, unknown>,
  secrets: ReadonlySet<unknown>,
): { additionalSecretOutputs?: string[] } {
  if (secrets.size === 0) return {};
  const holds = (v: unknown): boolean =>
    secrets.has(v) ||
    (!pulumi.Output.isInstance(v) && v !== null && typeof v === 'object' && Object.values(v).some(holds));
  const names = Object.keys(inputs).filter((k) => holds(inputs[k]));
  return names.length ? { additionalSecretOutputs: names } : {};
}
