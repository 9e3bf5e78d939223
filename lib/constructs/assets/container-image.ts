/**
 * Container images for compute-instance custom applications and environments.
 *
 * `ContainerImage.fromDirectory` declares an image to build from a directory with a Dockerfile and push to a
 * container registry (normally the workspace's). It is recorded as a `ContainerImageAsset` in the manifest
 * (construct metadata `amlcdk:asset`, collected by synthesis), and the constructs that use it render the
 * placeholder `${asset:<id>}` as the image reference. The deploying engine replaces the placeholder: the Pulumi
 * component builds and pushes with `@pulumi/docker`; `amlcdk apply` needs a `digest` of an image pushed already.
 * `ContainerImage.fromRegistry` refers to an image that exists, without building anything.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Construct, type IConstruct } from 'constructs';
import { ValidationError } from '../../core/errors.js';
import { recordError } from '../../core/annotations.js';
import { AzureResource } from '../../core/resource.js';
import type { ContainerImageAsset } from '../../manifest/types.js';
import { ASSET_METADATA_TYPE } from '../../core/synth.js';
import { prepareConstruct, reportPropProblems } from '../../core/props.js';
import { hasBrand } from '../../core/brand.js';

const CONTAINER_IMAGE = Symbol.for('amlcdk.ContainerImage');
const REGISTRY_TYPE = 'microsoft.containerregistry/registries';

const REPOSITORY_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
const REGISTRY_ID_RE =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerRegistry\/registries\/[A-Za-z0-9]{5,50}$/i;
/** `registry[:port]/repository[:tag][@sha256:...]` (a registry has a dot, a port or is localhost), or a Docker Hub name. */
const REFERENCE_RE =
  /^(?:(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+|localhost)(?::\d+)?\/|[a-zA-Z0-9-]+:\d+\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/** Files hashed for the default tag at most; larger contexts should pass `tag` (e.g. the git commit). */
const MAX_HASHED_BYTES = 256 * 1024 * 1024;

/** A registry to push to: a container registry construct, a construct that has one (a Workspace), or an ARM id. */
export type ImageRegistry = IConstruct | string;

/** Props of {@link ContainerImage.fromDirectory}. */
export interface ContainerImageDirectoryProps {
  /**
   * Build context directory (absolute, or relative to the working directory of synthesis). Recorded relative to
   * the working directory, so manifests hold no machine paths.
   */
  readonly directory: string;
  /**
   * Dockerfile, relative to `directory`.
   * @default 'Dockerfile'
   */
  readonly dockerfile?: string;
  /**
   * Where the image is pushed: the workspace (its container registry is used), a `ContainerRegistry` construct, or
   * the ARM id of an existing registry.
   */
  readonly registry: ImageRegistry;
  /**
   * Repository in the registry (lower-case, `/`-separated).
   * @default - derived from the construct path, e.g. `team/trainingimage`
   */
  readonly repository?: string;
  /**
   * Image tag.
   * @default - `c-` + the first 16 hex digits of a SHA-256 over the build context's files and the build args, so a
   * change of the context gives a new tag
   */
  readonly tag?: string;
  /**
   * `sha256:...` digest of this image pushed already. `amlcdk apply` (which does not run Docker) refers to the image
   * by this digest; the Pulumi path builds and pushes anyway.
   * @default - none: `amlcdk apply` reports that building needs Docker
   */
  readonly digest?: string;
  /**
   * Build arguments (`docker build --build-arg`). Not for secrets: they end up in the manifest and the image.
   * @default - none
   */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /**
   * Target platform.
   * @default 'linux/amd64' (Azure ML compute)
   */
  readonly platform?: string;
}

/**
 * A container image: built from a directory by the deploying engine, or an existing reference.
 *
 * @example
 * const image = ContainerImage.fromDirectory(team, 'RStudioImage', { directory: 'images/rstudio', registry: workspace });
 * workspace.addComputeInstance('Alice', { ..., customApplications: [{ name: 'rstudio', image, ports: [...] }] });
 */
export class ContainerImage {
  /** True for any ContainerImage (symbol-based, works across copies of the library). */
  public static isContainerImage(x: unknown): x is ContainerImage {
    return hasBrand(x, CONTAINER_IMAGE);
  }

  /** Build `directory` with its Dockerfile and push it to `registry` at deploy time. */
  public static fromDirectory(scope: Construct, id: string, props: ContainerImageDirectoryProps): ContainerImage {
    const build = new ContainerImageBuild(scope, id, props);
    return new ContainerImage(build.placeholder, build);
  }

  /**
   * An image that exists already, e.g. `myregistry.azurecr.io/tools/rstudio@sha256:...` or `rocker/rstudio:4.4`.
   * Throws ValidationError `InvalidImageReference` for a malformed reference.
   */
  public static fromRegistry(reference: string): ContainerImage {
    if (typeof reference !== 'string' || !REFERENCE_RE.test(reference)) {
      throw new ValidationError('InvalidImageReference', 'not a container image reference', '<ContainerImage>', {
        value: reference,
        allowed: 'registry/repository[:tag][@sha256:<64 hex>] with a lower-case repository',
        fix: 'use e.g. "myregistry.azurecr.io/tools/rstudio:4.4" or "rocker/rstudio:4.4"',
      });
    }
    return new ContainerImage(reference);
  }

  /**
   * The reference to put in a resource body: the reference itself, or the placeholder `${asset:<id>}` the engine
   * replaces with the pushed reference.
   */
  public readonly imageUri: string;
  /** The build, when the image is built from a directory. */
  public readonly build?: ContainerImageBuild;

  private constructor(imageUri: string, build?: ContainerImageBuild) {
    Object.defineProperty(this, CONTAINER_IMAGE, { value: true });
    this.imageUri = imageUri;
    this.build = build;
  }

  public toString(): string {
    return this.imageUri;
  }
}

/** The construct behind {@link ContainerImage.fromDirectory}: validates the props and records the asset. */
export class ContainerImageBuild extends Construct {
  /** Asset id (the construct path): unique in the app. */
  public readonly assetId: string;
  /** `${asset:<id>}`. */
  public readonly placeholder: string;
  /** The manifest entry (without `usedBy`, which synthesis fills from the bodies that reference it). */
  public readonly asset: ContainerImageAsset;

  constructor(scope: Construct, id: string, props: ContainerImageDirectoryProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    super(scope, id);
    reportPropProblems(this, prepared.problems);
    const p = (props ?? {}) as Partial<ContainerImageDirectoryProps>;
    this.assetId = this.node.path;
    this.placeholder = `\${asset:${this.assetId}}`;

    const dockerfile = p.dockerfile ?? 'Dockerfile';
    let directory = '';
    const abs = typeof p.directory === 'string' && p.directory.length > 0 ? resolve(p.directory) : undefined;
    if (!abs || !existsSync(abs) || !statSync(abs).isDirectory()) {
      this.error(
        'ImageDirectoryNotFound',
        'the build context directory does not exist',
        p.directory,
        'an existing directory (absolute or relative to the working directory)',
        'check `directory`; relative paths are resolved against the directory you run synth / pulumi from',
      );
    } else {
      directory = relative(process.cwd(), abs).split(sep).join('/') || '.';
      if (
        typeof dockerfile !== 'string' ||
        isAbsolute(dockerfile) ||
        !existsSync(join(abs, dockerfile)) ||
        !statSync(join(abs, dockerfile)).isFile()
      ) {
        this.error(
          'DockerfileNotFound',
          `no Dockerfile "${String(dockerfile)}" in the build context`,
          dockerfile,
          'a file path relative to `directory`',
          `create ${directory}/${String(dockerfile)} or set \`dockerfile\``,
        );
      }
    }

    const registry = this.registryOf(p.registry);

    const repository = p.repository ?? defaultRepository(this.node.path);
    if (typeof repository !== 'string' || !REPOSITORY_RE.test(repository) || repository.length > 256) {
      this.error(
        'InvalidImageRepository',
        'not a valid repository name',
        repository,
        'lower-case letters and digits separated by ".", "_", "__", "-" or "/", at most 256 characters',
        'use e.g. "team/rstudio"',
      );
    }
    const givenArgs = p.buildArgs ?? undefined;
    if (givenArgs !== undefined) {
      for (const [k, v] of Object.entries(givenArgs)) {
        if (typeof v !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
          this.error(
            'InvalidBuildArg',
            `build argument "${k}" must be a NAME with a string value`,
            { [k]: typeof v === 'string' ? v : typeof v },
            'NAME=[A-Za-z_][A-Za-z0-9_]* with a string value',
            'convert the value to a string (and never pass secrets as build args)',
          );
        }
      }
    }
    // Only the valid build args go on (into the tag and the manifest): the others are errors above.
    const buildArgs =
      givenArgs === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(givenArgs).filter(([k, v]) => typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)),
          );
    const platform = typeof p.platform === 'string' ? p.platform : undefined;
    let tag = p.tag;
    if (tag === undefined) tag = abs && directory ? contentTag(abs, buildArgs, platform) : 'latest';
    else if (typeof tag !== 'string' || !TAG_RE.test(tag)) {
      this.error(
        'InvalidImageTag',
        'not a valid image tag',
        tag,
        '1-128 of letters, digits, "_", "." and "-", not starting with "." or "-"',
        'use e.g. the git commit: tag: process.env.GITHUB_SHA',
      );
    }
    if (p.digest !== undefined && (typeof p.digest !== 'string' || !DIGEST_RE.test(p.digest))) {
      this.error(
        'InvalidImageDigest',
        'not an image digest',
        p.digest,
        'sha256: followed by 64 lower-case hex digits',
        'copy it from `az acr repository show-manifests` or `docker buildx imagetools inspect`',
      );
    }
    if (
      p.platform !== undefined &&
      (typeof p.platform !== 'string' || !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(p.platform))
    ) {
      this.error(
        'InvalidImagePlatform',
        'not a platform',
        p.platform,
        'os/arch[/variant], e.g. linux/amd64',
        'Azure ML compute runs linux/amd64',
      );
    }

    this.asset = {
      id: this.assetId,
      kind: 'container-image',
      directory: directory || String(p.directory ?? ''),
      dockerfile: typeof dockerfile === 'string' ? dockerfile.split('\\').join('/') : 'Dockerfile',
      registry,
      repository: typeof repository === 'string' ? repository : '',
      tag: typeof tag === 'string' ? tag : 'latest',
      ...(typeof p.digest === 'string' ? { digest: p.digest } : {}),
      ...(buildArgs ? { buildArgs: { ...buildArgs } } : {}),
      ...(platform ? { platform } : {}),
      usedBy: [],
    };
    this.node.addMetadata(ASSET_METADATA_TYPE, this.asset, { stackTrace: false });
  }

  /** logicalId of a registry construct, or a validated ARM id. */
  private registryOf(registry: ImageRegistry | undefined): string {
    if (typeof registry === 'string') {
      if (REGISTRY_ID_RE.test(registry)) return registry;
      this.error(
        'InvalidImageRegistry',
        'registry is not the ARM id of a container registry',
        registry,
        '/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerRegistry/registries/<name>',
        'pass the workspace, its ContainerRegistry construct, or a registry id',
      );
      return registry;
    }
    const candidates: unknown[] = [
      registry,
      (registry as { containerRegistry?: unknown } | undefined)?.containerRegistry,
    ];
    for (const c of candidates) {
      if (AzureResource.isAzureResource(c) && c.armType.toLowerCase() === REGISTRY_TYPE) return c.node.path;
    }
    const registryId = (registry as { registryId?: unknown } | undefined)?.registryId;
    if (typeof registryId === 'string' && REGISTRY_ID_RE.test(registryId)) return registryId;
    this.error(
      'InvalidImageRegistry',
      'registry must be a container registry construct, a workspace that has one, or a registry ARM id',
      registry === undefined ? undefined : (registry?.node?.path ?? typeof registry),
      'a ContainerRegistry, a Workspace (with its container registry), or /subscriptions/.../providers/Microsoft.ContainerRegistry/registries/<name>',
      'pass `registry: workspace` (the workspace creates a registry by default)',
    );
    return '';
  }

  private error(code: string, message: string, value: unknown, allowed: string, fix: string): void {
    recordError(this, new ValidationError(code, message, this, { value, allowed, fix }));
  }
}

/** `Team/Images/RStudio` → `team/images/rstudio`. */
function defaultRepository(path: string): string {
  return path
    .split('/')
    .map(
      (seg) =>
        seg
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-+|-+$/g, '') || 'x',
    )
    .join('/');
}

/** A tag that changes when any file of the context (or the build args / platform) changes. */
function contentTag(
  dir: string,
  buildArgs: Readonly<Record<string, string>> | undefined,
  platform: string | undefined,
): string {
  const h = createHash('sha256');
  let bytes = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (name === '.git' || name === 'node_modules') continue;
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) {
        bytes += st.size;
        h.update(relative(dir, full).split(sep).join('/')).update('\0');
        if (bytes <= MAX_HASHED_BYTES) h.update(readFileSync(full));
        else h.update(String(st.size));
        h.update('\0');
      }
    }
  };
  walk(dir);
  h.update(JSON.stringify(Object.entries(buildArgs ?? {}).sort())).update(platform ?? '');
  return 'c-' + h.digest('hex').slice(0, 16);
}
