/**
 * Container image assets in the Pulumi path: each `ContainerImageAsset` of the manifest becomes a `docker.Image`
 * that builds the directory and pushes it to the workspace's container registry. Credentials come from the
 * registry (`listRegistryCredentials`, after the registry exists) and stay secret; the pushed reference
 * (`repoDigest`, `<server>/<repository>@sha256:...`) replaces the `${asset:<id>}` placeholder in the bodies that
 * use it, which also makes those resources wait for the push.
 */
import { posix } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import * as docker from '@pulumi/docker';
import * as containerregistry from '@pulumi/azure-native/containerregistry/index.js';
import * as authorization from '@pulumi/azure-native/authorization/index.js';
import { AmlcdkError } from '../core/errors.js';
import { ACR_TOKEN_USER, exchangeAcrRefreshToken } from './acr-auth.js';
import type { ContainerImageAsset, ManifestResource } from '../manifest/types.js';
import { parseArmId } from './mapping.js';

const REGISTRY_TYPE = 'microsoft.containerregistry/registries';

/** Explicit registry credentials (e.g. an ACR token with push scope). */
export interface RegistryCredentials {
  readonly username: pulumi.Input<string>;
  readonly password: pulumi.Input<string>;
}

/**
 * How images are pushed:
 * - `'entra'`: the deploying principal's Entra ID token exchanged for an ACR refresh token (needs AcrPush; works
 *   with the admin user off, which is what amlcdk registries use);
 * - `'admin'`: the registry's admin credentials from `listRegistryCredentials` (needs the admin user on);
 * - explicit `{ username, password }`.
 */
export type RegistryAuth = 'entra' | 'admin' | RegistryCredentials;

/** What the component needs to build one image. */
export interface ImageContext {
  readonly parent: pulumi.Resource;
  /** Prefix of the Pulumi resource name (the component name). */
  readonly namePrefix: string;
  /** Resources created so far, by logicalId. */
  readonly created: ReadonlyMap<string, pulumi.CustomResource>;
  /** Manifest resources by logicalId. */
  readonly resources: ReadonlyMap<string, ManifestResource>;
  /** @default 'entra' */
  readonly auth?: RegistryAuth;
  /** Extra CA certificates (PEM) trusted for the Entra token exchange with the registry. */
  readonly caCertPem?: string;
}

/** The placeholder that stands for an asset's pushed reference in resource bodies. */
export function assetPlaceholder(id: string): string {
  return `\${asset:${id}}`;
}

const PLACEHOLDER_RE = /\$\{asset:([^}]+)\}/g;

/** Asset ids referenced by a body. */
export function assetIdsIn(body: unknown): string[] {
  const ids = new Set<string>();
  for (const m of JSON.stringify(body).matchAll(PLACEHOLDER_RE)) ids.add(m[1]);
  return [...ids];
}

/** The logicalId of the registry resource in this manifest an asset pushes to, if it is one. */
export function registryLogicalId(asset: ContainerImageAsset): string | undefined {
  return asset.registry.startsWith('/') ? undefined : asset.registry;
}

/** Create the docker image of an asset. */
export function createImage(asset: ContainerImageAsset, ctx: ImageContext): docker.Image {
  let registryName: string;
  let resourceGroupName: string;
  let loginServer: pulumi.Output<string>;
  const dependsOn: pulumi.Resource[] = [];
  const localId = registryLogicalId(asset);
  if (localId) {
    const r = ctx.resources.get(localId);
    const res = ctx.created.get(localId);
    if (!r || r.type.toLowerCase() !== REGISTRY_TYPE || !res) {
      throw new AmlcdkError(
        'AssetRegistryNotFound',
        `[${asset.id}] AssetRegistryNotFound: container image asset ${asset.id} pushes to "${asset.registry}", which is not a Microsoft.ContainerRegistry/registries resource of this stack. ` +
          'Fix: pass the workspace container registry construct (or an ARM id of an existing registry) as `registry` to ContainerImage.fromDirectory.',
      );
    }
    const p = parseArmId(r.id, localId);
    registryName = p.names[0]!;
    resourceGroupName = p.resourceGroupName!;
    dependsOn.push(res);
    const declared = (res as unknown as { loginServer?: pulumi.Output<string | undefined> }).loginServer;
    loginServer = pulumi.output(declared).apply((s) => s || `${registryName.toLowerCase()}.azurecr.io`);
  } else {
    const p = parseArmId(asset.registry, asset.id);
    if (
      p.names.length !== 1 ||
      !p.resourceGroupName ||
      !/\/providers\/microsoft\.containerregistry\/registries\//i.test(asset.registry)
    ) {
      throw new AmlcdkError(
        'AssetRegistryNotFound',
        `[${asset.id}] AssetRegistryNotFound: "${asset.registry}" is not the ARM id of a container registry (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerRegistry/registries/<name>). Fix: pass the registry construct or a registry id.`,
      );
    }
    registryName = p.names[0]!;
    resourceGroupName = p.resourceGroupName;
    loginServer = containerregistry
      .getRegistryOutput({ registryName, resourceGroupName }, { parent: ctx.parent })
      .apply((reg) => reg.loginServer || `${registryName.toLowerCase()}.azurecr.io`);
  }

  const { username, password } = registryLogin(asset, ctx, { registryName, resourceGroupName, loginServer, dependsOn });

  const context = asset.directory.split('\\').join('/');
  return new docker.Image(
    `${ctx.namePrefix}/asset/${asset.id}`,
    {
      imageName: pulumi.interpolate`${loginServer}/${asset.repository}:${asset.tag}`,
      build: {
        context,
        // pulumi-docker resolves `dockerfile` against the working directory, not the context (pulumi-docker#572).
        dockerfile: posix.join(context, asset.dockerfile.split('\\').join('/')),
        platform: asset.platform ?? 'linux/amd64',
        ...(asset.buildArgs ? { args: { ...asset.buildArgs } } : {}),
      },
      registry: { server: loginServer, username, password },
    },
    { parent: ctx.parent, dependsOn },
  );
}

/** The reference a body should use for a pushed image: its digest reference, else its name. */
export function imageReference(image: docker.Image): pulumi.Output<string> {
  return pulumi.all([image.repoDigest, image.imageName]).apply(([digest, name]) => digest || name);
}

/** Replace `${asset:<id>}` placeholders in a body (deep copy) with the images' pushed references. */
export function substituteAssets(
  value: unknown,
  refs: ReadonlyMap<string, pulumi.Output<string>>,
  logicalId: string,
): unknown {
  if (typeof value === 'string') {
    const ids = [...value.matchAll(PLACEHOLDER_RE)].map((m) => m[1]);
    if (ids.length === 0) return value;
    for (const id of ids) {
      if (!refs.has(id)) {
        throw new AmlcdkError(
          'UnknownAsset',
          `[${logicalId}] UnknownAsset: the body references container image asset "${id}", which the manifest does not declare. Fix: synthesize the manifest again.`,
        );
      }
    }
    if (ids.length === 1 && value === assetPlaceholder(ids[0])) return refs.get(ids[0])!;
    return pulumi.all(ids.map((id) => refs.get(id)!)).apply((resolved) => {
      let s = value;
      ids.forEach((id, i) => {
        s = s.split(assetPlaceholder(id)).join(resolved[i]);
      });
      return s;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substituteAssets(v, refs, logicalId));
  if (value !== null && typeof value === 'object' && !pulumi.Output.isInstance(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteAssets(v, refs, logicalId);
    return out;
  }
  return value;
}

function registryLogin(
  asset: ContainerImageAsset,
  ctx: ImageContext,
  reg: {
    registryName: string;
    resourceGroupName: string;
    loginServer: pulumi.Output<string>;
    dependsOn: pulumi.Resource[];
  },
): { username: pulumi.Input<string>; password: pulumi.Output<string> } {
  const auth = ctx.auth ?? 'entra';
  if (typeof auth === 'object') return { username: auth.username, password: pulumi.secret(auth.password) };
  if (auth === 'admin') {
    const creds = containerregistry.listRegistryCredentialsOutput(
      { registryName: reg.registryName, resourceGroupName: reg.resourceGroupName },
      { parent: ctx.parent, dependsOn: reg.dependsOn },
    );
    return {
      username: creds.apply((c) => c.username ?? ''),
      password: pulumi.secret(
        creds.apply((c) => {
          const pw = c.passwords?.[0]?.value;
          if (!pw) {
            throw new AmlcdkError(
              'RegistryCredentialsUnavailable',
              `[${asset.id}] RegistryCredentialsUnavailable: registry ${reg.registryName} returned no admin password (its admin user is disabled). ` +
                'Fix: use registryAuth: "entra" (the default; needs AcrPush), or enable the admin user on the registry.',
            );
          }
          return pw;
        }),
      ),
    };
  }
  if (auth !== 'entra') {
    throw new AmlcdkError(
      'InvalidRegistryAuth',
      `InvalidRegistryAuth: registryAuth ${JSON.stringify(auth)} is not one of "entra", "admin" or { username, password }. Fix: pass one of those.`,
    );
  }
  const token = authorization.getClientTokenOutput({}, { parent: ctx.parent });
  const config = authorization.getClientConfigOutput({ parent: ctx.parent });
  const caCertPem = ctx.caCertPem;
  const refresh = pulumi.all([reg.loginServer, token, config]).apply(([loginServer, t, c]) =>
    exchangeAcrRefreshToken({
      loginServer,
      accessToken: t.token,
      tenantId: c.tenantId,
      ...(caCertPem ? { caCertPem } : {}),
    }),
  );
  return { username: ACR_TOKEN_USER, password: pulumi.secret(refresh) };
}
