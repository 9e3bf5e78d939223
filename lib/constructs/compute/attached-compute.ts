/**
 * `AttachedCompute`: bring an existing AKS/Arc cluster, VM, Synapse Spark pool, Databricks workspace,
 * HDInsight cluster, Data Factory or Data Lake Analytics account into a workspace by resource id.
 *
 * Attach is not idempotent on the service side, and removing an attached compute detaches it (the underlying
 * resource survives): the default delete policy is `Detach`.
 */
import type { Construct } from 'constructs';
import { Annotations } from '../../core/annotations.js';
import { Secret } from '../../core/secret.js';
import { parseArmId } from '../../core/validators.js';
import { ComputeBase, type ComputeBaseProps } from './base.js';
import { cleanProps, prepareConstruct, reportPropProblems } from '../../core/props.js';
import { isReadableObject } from '../../core/brand.js';

/** Admin account of an attached VM or HDInsight cluster. Password and private key are secret references. */
export interface AttachAdminAccount {
  readonly username: string;
  /** @default - none */
  readonly password?: Secret;
  /** @default - none */
  readonly privateKey?: Secret;
  /** @default - none */
  readonly publicKey?: string;
}

/** Kubernetes instance type: node selector and resource requests/limits (strings like `"4"`, `"16Gi"`). */
export interface KubernetesInstanceType {
  /** @default - any node */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly requests?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly limits?: Readonly<Record<string, string>>;
}

interface TargetSpec {
  readonly computeType: string;
  readonly allowedTypes: readonly string[];
  readonly resourceId: string;
  readonly properties?: Record<string, unknown>;
  readonly secrets?: Record<string, Secret | undefined>;
}

/** A factory's options with what cannot be read dropped (a Proxy, getters…), or `{}` for a non-object. */
function readableOptions<O extends object>(o: O): O {
  return isReadableObject(o) && !Array.isArray(o) ? cleanProps(o).props : ({} as O);
}

/**
 * What to attach. Each factory names the compute type and the ARM resource types it accepts.
 *
 * @example
 * AttachTarget.kubernetes({ resourceId: aksId, namespace: 'azureml' })
 */
export class AttachTarget {
  /** An AKS cluster (`Microsoft.ContainerService/managedClusters`) or Arc-enabled cluster (`Microsoft.Kubernetes/connectedClusters`) with the Azure ML extension. */
  public static kubernetes(o: {
    resourceId: string;
    namespace?: string;
    defaultInstanceType?: string;
    instanceTypes?: Readonly<Record<string, KubernetesInstanceType>>;
  }): AttachTarget {
    o = readableOptions(o);
    const types = o.instanceTypes
      ? Object.fromEntries(
          Object.entries(o.instanceTypes)
            .filter(([, v]) => isReadableObject(v))
            .map(([k, v]) => [
              k,
              {
                ...(v.nodeSelector ? { nodeSelector: { ...v.nodeSelector } } : {}),
                ...(v.requests || v.limits
                  ? {
                      resources: {
                        ...(v.requests ? { requests: { ...v.requests } } : {}),
                        ...(v.limits ? { limits: { ...v.limits } } : {}),
                      },
                    }
                  : {}),
              },
            ]),
        )
      : undefined;
    return new AttachTarget({
      computeType: 'Kubernetes',
      allowedTypes: ['Microsoft.ContainerService/managedClusters', 'Microsoft.Kubernetes/connectedClusters'],
      resourceId: o?.resourceId,
      properties: {
        namespace: o?.namespace ?? 'default',
        ...(o?.defaultInstanceType ? { defaultInstanceType: o.defaultInstanceType } : {}),
        ...(types ? { instanceTypes: types } : {}),
      },
    });
  }
  /** A Linux VM (`Microsoft.Compute/virtualMachines`) reachable over SSH. */
  public static virtualMachine(o: {
    resourceId: string;
    administratorAccount: AttachAdminAccount;
    address?: string;
    sshPort?: number;
  }): AttachTarget {
    o = readableOptions(o);
    const a = o?.administratorAccount;
    return new AttachTarget({
      computeType: 'VirtualMachine',
      allowedTypes: ['Microsoft.Compute/virtualMachines'],
      resourceId: o?.resourceId,
      properties: {
        ...(o?.address ? { address: o.address } : {}),
        sshPort: o?.sshPort ?? 22,
        administratorAccount: { username: a?.username, ...(a?.publicKey ? { publicKeyData: a.publicKey } : {}) },
      },
      secrets: { password: a?.password, privateKeyData: a?.privateKey },
    });
  }
  /** An HDInsight cluster (`Microsoft.HDInsight/clusters`). */
  public static hdInsight(o: {
    resourceId: string;
    administratorAccount: AttachAdminAccount;
    address?: string;
    sshPort?: number;
  }): AttachTarget {
    o = readableOptions(o);
    const a = o?.administratorAccount;
    return new AttachTarget({
      computeType: 'HDInsight',
      allowedTypes: ['Microsoft.HDInsight/clusters'],
      resourceId: o?.resourceId,
      properties: {
        ...(o?.address ? { address: o.address } : {}),
        sshPort: o?.sshPort ?? 22,
        administratorAccount: { username: a?.username, ...(a?.publicKey ? { publicKeyData: a.publicKey } : {}) },
      },
      secrets: { password: a?.password, privateKeyData: a?.privateKey },
    });
  }
  /** A Synapse Spark pool (`Microsoft.Synapse/workspaces/bigDataPools`). */
  public static synapseSpark(o: { resourceId: string }): AttachTarget {
    o = readableOptions(o);
    return new AttachTarget({
      computeType: 'SynapseSpark',
      allowedTypes: ['Microsoft.Synapse/workspaces/bigDataPools'],
      resourceId: o?.resourceId,
    });
  }
  /** A Databricks workspace (`Microsoft.Databricks/workspaces`); the access token is a secret reference. */
  public static databricks(o: { resourceId: string; accessToken: Secret; workspaceUrl?: string }): AttachTarget {
    o = readableOptions(o);
    return new AttachTarget({
      computeType: 'Databricks',
      allowedTypes: ['Microsoft.Databricks/workspaces'],
      resourceId: o?.resourceId,
      properties: o?.workspaceUrl ? { workspaceUrl: o.workspaceUrl } : {},
      secrets: { databricksAccessToken: o?.accessToken },
    });
  }
  /** A Data Factory (`Microsoft.DataFactory/factories`). */
  public static dataFactory(o: { resourceId: string }): AttachTarget {
    o = readableOptions(o);
    return new AttachTarget({
      computeType: 'DataFactory',
      allowedTypes: ['Microsoft.DataFactory/factories'],
      resourceId: o?.resourceId,
    });
  }
  /** A Data Lake Analytics account (`Microsoft.DataLakeAnalytics/accounts`). */
  public static dataLakeAnalytics(o: { resourceId: string; dataLakeStoreAccountName?: string }): AttachTarget {
    o = readableOptions(o);
    return new AttachTarget({
      computeType: 'DataLakeAnalytics',
      allowedTypes: ['Microsoft.DataLakeAnalytics/accounts'],
      resourceId: o?.resourceId,
      properties: o?.dataLakeStoreAccountName ? { dataLakeStoreAccountName: o.dataLakeStoreAccountName } : {},
    });
  }
  private constructor(public readonly spec: TargetSpec) {}
}

/** Props of {@link AttachedCompute}. */
export interface AttachedComputeProps extends Omit<ComputeBaseProps, 'identity'> {
  /** The existing resource to attach. */
  readonly target: AttachTarget;
}

/**
 * An existing compute resource attached to a workspace.
 *
 * @example
 * new AttachedCompute(ws, 'Aks', { target: AttachTarget.kubernetes({ resourceId: AKS_ID, namespace: 'azureml' }) });
 */
export class AttachedCompute extends ComputeBase {
  public readonly computeType: string;
  private readonly target: AttachTarget;

  constructor(scope: Construct, id: string, props: AttachedComputeProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    super(scope, id, props, 'Detach');
    reportPropProblems(this, prepared.problems);
    this.target = props?.target;
    const spec = props?.target?.spec;
    this.computeType = spec?.computeType ?? 'unknown';
    if (!spec) {
      Annotations.of(this).addError('AttachTargetRequired', 'target is required', {
        fix: 'use AttachTarget.kubernetes(...), .virtualMachine(...), …',
      });
      return;
    }
    const parsed = parseArmId(spec.resourceId);
    if (!parsed || !spec.allowedTypes.some((t) => t.toLowerCase() === parsed.type.toLowerCase())) {
      Annotations.of(this).addError(
        'AttachResourceTypeMismatch',
        `${spec.computeType} attach needs the id of a ${spec.allowedTypes.join(' or ')}${parsed ? `, got a ${parsed.type}` : ''}`,
        {
          value: spec.resourceId,
          allowed: spec.allowedTypes
            .map(
              (t) =>
                `…/providers/${t.split('/')[0]}/${t
                  .split('/')
                  .slice(1)
                  .map((s) => `${s}/<name>`)
                  .join('/')}`,
            )
            .join(' | '),
          fix: `pass the ARM id of the ${spec.allowedTypes[0].split('/').pop()} to attach`,
        },
      );
    }
    for (const [field, secret] of Object.entries(spec.secrets ?? {})) {
      if (secret !== undefined && !Secret.isSecret(secret)) {
        Annotations.of(this).addError('PlainSecret', `${field} must be a Secret reference, never a value`, {
          fix: 'use Secret.fromEnv("NAME") or Secret.fromKeyVault(vault, name)',
        });
      }
    }
    if (spec.computeType === 'VirtualMachine' || spec.computeType === 'HDInsight') {
      const acct = spec.properties?.administratorAccount as { username?: unknown } | undefined;
      const s = spec.secrets ?? {};
      if (typeof acct?.username !== 'string' || !acct.username) {
        Annotations.of(this).addError('AttachAdminMissing', 'administratorAccount.username is required', {
          fix: 'pass the SSH user of the machine',
        });
      } else if (!s.password && !s.privateKeyData) {
        Annotations.of(this).addError(
          'AttachCredentialMissing',
          'administratorAccount needs a password or a private key secret',
          { fix: 'pass privateKey: Secret.fromKeyVault(vault, "vm-ssh-key")' },
        );
      }
    }
    if (spec.computeType === 'Databricks' && !spec.secrets?.databricksAccessToken) {
      Annotations.of(this).addError('AttachCredentialMissing', 'Databricks attach needs an access token secret', {
        fix: 'pass accessToken: Secret.fromEnv("DATABRICKS_TOKEN")',
      });
    }
  }

  private secretFields(): Array<[string, Secret]> {
    return Object.entries(this.target?.spec?.secrets ?? {}).filter((e): e is [string, Secret] => Secret.isSecret(e[1]));
  }

  protected override secretPaths(): string[] {
    return this.secretFields().map(([f]) =>
      f === 'databricksAccessToken'
        ? `/properties/properties/${f}`
        : `/properties/properties/administratorAccount/${f}`,
    );
  }

  protected renderBody(): Record<string, unknown> {
    const spec = this.target.spec;
    const props = JSON.parse(JSON.stringify(spec.properties ?? {})) as Record<string, unknown>;
    for (const [f, s] of this.secretFields()) {
      if (f === 'databricksAccessToken') props[f] = s.toRef();
      else (props.administratorAccount as Record<string, unknown>)[f] = s.toRef();
    }
    // No location/tags/identity on attach (the service rejects or ignores them; see AVM's compute module).
    return {
      properties: {
        computeType: spec.computeType,
        resourceId: spec.resourceId,
        ...(this.baseProps.description ? { description: this.baseProps.description } : {}),
        disableLocalAuth: this.disableLocalAuth,
        ...(Object.keys(props).length ? { properties: props } : {}),
      },
    };
  }
}
