/** Custom applications (docker containers) served by a compute instance, e.g. RStudio or a Streamlit app. */

/**
 * A container image (see `ContainerImage` in lib/constructs/assets): its `imageUri` is a registry reference, or the
 * placeholder `${asset:<id>}` for an image amlcdk builds.
 */
export interface IContainerImageAsset {
  readonly imageUri: string;
}

/** One published endpoint of a custom application. */
export interface CustomApplicationEndpoint {
  /** Endpoint name shown in the Studio. */
  readonly name: string;
  /** Port inside the container. */
  readonly target: number;
  /** Port published on the instance (must not clash with the instance's own services). */
  readonly published: number;
  /**
   * Protocol.
   * @default 'http'
   */
  readonly protocol?: 'tcp' | 'udp' | 'http';
}

/** A volume mounted into a custom application. */
export interface CustomApplicationVolume {
  /** Path on the instance, e.g. `/home/azureuser/cloudfiles`. */
  readonly source: string;
  /** Path in the container. */
  readonly target: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Props of a custom application. */
export interface CustomApplication {
  /** Application name (letters, digits, `-`; starts with a letter). */
  readonly name: string;
  /** Image reference (`ghcr.io/…:tag`) or a `ContainerImage` built by amlcdk. */
  readonly image: string | IContainerImageAsset;
  /** Endpoints to publish (at least one). */
  readonly endpoints: readonly CustomApplicationEndpoint[];
  /**
   * Volumes (bind mounts).
   * @default - none
   */
  readonly volumes?: readonly CustomApplicationVolume[];
  /**
   * Environment variables (not for secrets: they are stored in plain text on the instance).
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Run the container in privileged mode (ARM `CustomService.docker.privileged`, azure-rest-api-specs
   * MachineLearningServices stable 2025-12-01 openapi.json, definition `Docker`). az ml sends `true` for every
   * docker application (azure-ai-ml `CustomApplications._to_rest_object`, Azure/azure-sdk-for-python
   * sdk/ml/azure-ai-ml/azure/ai/ml/entities/_compute/_custom_applications.py @ 077244cd), so converted code sets it.
   * @default - not sent: the service's default applies
   */
  readonly privileged?: boolean;
}

/** A ready-made RStudio application (Rocker image used in Microsoft's docs), on port 8787. */
export function rstudioApplication(name = 'rstudio'): CustomApplication {
  return {
    name,
    image: 'ghcr.io/azure/rocker-rstudio-ml-verse:latest',
    endpoints: [{ name: 'connect', target: 8787, published: 8787, protocol: 'http' }],
    volumes: [{ source: '/home/azureuser/cloudfiles', target: '/home/azureuser/cloudfiles' }],
  };
}

/** Image reference as it appears in the body. */
export function imageReference(image: string | IContainerImageAsset): string {
  if (typeof image === 'string') return image;
  return image.imageUri;
}

/** The ARM `CustomService`. */
export function renderCustomApplication(app: CustomApplication): Record<string, unknown> {
  const env = Object.entries(app.environment ?? {});
  return {
    name: app.name,
    image: { type: 'docker', reference: imageReference(app.image) },
    endpoints: (app.endpoints ?? []).map((e) => ({
      name: e.name,
      protocol: e.protocol ?? 'http',
      target: e.target,
      published: e.published,
    })),
    ...(app.volumes?.length
      ? {
          volumes: app.volumes.map((v) => ({
            type: 'bind',
            source: v.source,
            target: v.target,
            readOnly: v.readOnly ?? false,
          })),
        }
      : {}),
    ...(env.length
      ? { environmentVariables: Object.fromEntries(env.map(([k, v]) => [k, { type: 'local', value: v }])) }
      : {}),
    ...(app.privileged !== undefined ? { docker: { privileged: app.privileged } } : {}),
  };
}
