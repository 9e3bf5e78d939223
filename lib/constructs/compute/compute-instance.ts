/**
 * `ComputeInstance`: a managed cloud workstation (Jupyter, JupyterLab, VS Code, optional RStudio) for one user.
 *
 * @see https://learn.microsoft.com/rest/api/azureml/compute/create-or-update
 */
import type { Construct } from 'constructs';
import { Annotations } from '../../core/annotations.js';
import { Duration } from '../../core/duration.js';
import { onValidate } from '../../core/lifecycle.js';
import { cronProblem, isGuid } from '../../core/validators.js';
import type { VmSize } from '../../catalog/vm-size.js';
import { isWindowsTimeZone, suggestTimeZone } from '../../catalog/time-zones.js';
import { AzureResource } from '../../core/resource.js';
import type { ManifestAction, ManifestResource } from '../../manifest/types.js';
import type { IComputePlacement, IFileShareMountRef, IPrincipal, ISubnetRef } from '../refs.js';
import {
  ComputeBase,
  checkCidrs,
  checkNoPublicIp,
  checkPublicAccess,
  checkSubnet,
  checkVmSize,
  type ComputeBaseProps,
} from './base.js';
import { T, normalizeProps } from '../../core/props.js';
import { SshAccess, describeNotPublicKey, isSshPublicKey } from './ssh.js';
import { ComputeSchedule, recurrenceProblems } from './schedule.js';
import { SetupScript } from './setup-script.js';
import { renderCustomApplication, type CustomApplication } from './custom-application.js';
import { hasBrand } from '../../core/brand.js';

const COMPUTE_INSTANCE = Symbol.for('amlcdk.ComputeInstance');
const MIN_IDLE_MINUTES = 15;
const MAX_IDLE_MINUTES = 3 * 24 * 60;
/** Ports the instance itself uses; custom applications may not publish on them. */
const RESERVED_PORTS = new Set([22, 8888, 8889, 44224]);

/** Everything about an instance except where it lives (used by PersonalComputeInstances as a template). */
export interface ComputeInstanceOptions extends Omit<ComputeBaseProps, 'computeName' | 'previousPath'> {
  /** VM size, e.g. `VmSize.STANDARD_DS3_V2`. Cannot change after creation. */
  readonly vmSize: VmSize;
  /**
   * SSH access. Cannot be turned on or off after creation.
   * @default SshAccess.disabled()
   */
  readonly sshAccess?: SshAccess;
  /**
   * Subnet of your own VNet to place the instance in (same region as the workspace).
   * @default - no VNet placement (or the workspace's managed network)
   */
  readonly subnet?: ISubnetRef;
  /**
   * Give the instance a public IP. `false` needs a subnet or managed network, and a workspace private endpoint.
   * @default true
   */
  readonly nodePublicIp?: boolean;
  /**
   * Shut the instance down after this much inactivity (15 minutes to 3 days).
   * @default - no idle shutdown
   */
  readonly idleShutdown?: Duration;
  /**
   * Start/stop schedules (at most 4).
   * @default - none
   */
  readonly schedules?: readonly ComputeSchedule[];
  /**
   * Script run once when the instance is created.
   * @default - none
   */
  readonly creationScript?: SetupScript;
  /**
   * Script run on every start.
   * @default - none
   */
  readonly startupScript?: SetupScript;
  /**
   * Custom applications (containers) the instance serves next to Jupyter and VS Code.
   * @default - none
   */
  readonly customApplications?: readonly CustomApplication[];
  /**
   * File shares (AzureFile datastores) to mount on the instance.
   * @default - only the workspace's default share (always mounted under ~/cloudfiles)
   */
  readonly fileShareMounts?: readonly IFileShareMountRef[];
  /**
   * Single sign-on for the assigned user. The creator cannot enable SSO on someone else's behalf.
   * @default false
   */
  readonly sso?: boolean;
  /**
   * Root (sudo) access for the user. Preview-only field; sent only when set.
   * @default - service default (enabled)
   */
  readonly rootAccess?: boolean;
  /**
   * Stop the instance right after it is created (`POST …/stop`, once), so it costs nothing until its user starts it.
   * @default false
   */
  readonly stopAfterCreate?: boolean;
}

/** Props of {@link ComputeInstance}. */
export interface ComputeInstanceProps
  extends ComputeInstanceOptions, Pick<ComputeBaseProps, 'computeName' | 'previousPath'> {
  /**
   * The user the instance is created for ("create on behalf of"): object id and tenant id are both required.
   * Without it the deploying principal owns the instance.
   * @default - the deploying principal (warning `azureml:instance:noAssignedUser`)
   */
  readonly assignedUser?: IPrincipal;
}

/** URLs of the workstation applications an instance serves. */
export interface ComputeInstanceEndpoints {
  readonly jupyter: string;
  readonly jupyterLab: string;
  readonly vsCodeWeb: string;
  /** RStudio, when a custom application named `rstudio` is configured. */
  readonly rstudio?: string;
  /** Published custom applications by name. */
  readonly customApplications: Readonly<Record<string, string>>;
}

/**
 * A compute instance.
 *
 * @example
 * new ComputeInstance(ws, 'Alice', {
 *   vmSize: VmSize.STANDARD_DS3_V2,
 *   assignedUser: Principal.user(ALICE_OID, { tenantId: TENANT, displayName: 'alice' }),
 *   idleShutdown: Duration.minutes(60),
 * });
 */
export class ComputeInstance extends ComputeBase implements IComputePlacement {
  public static isComputeInstance(x: unknown): x is ComputeInstance {
    return hasBrand(x, COMPUTE_INSTANCE);
  }

  public readonly computeKind = 'ComputeInstance' as const;
  public readonly nodePublicIp: boolean;
  public readonly sshSourceCidrs?: readonly string[];
  public readonly maxIpCount = 1;
  public readonly assignedUser?: IPrincipal;
  private readonly props: ComputeInstanceProps;
  private readonly ssh: SshAccess;
  private readonly schedules: ComputeSchedule[];
  private readonly applications: CustomApplication[];
  private readonly mounts: IFileShareMountRef[] = [];

  constructor(scope: Construct, id: string, props: ComputeInstanceProps) {
    super(scope, id, props);
    Object.defineProperty(this, COMPUTE_INSTANCE, { value: true });
    const p = normalizeProps<ComputeInstanceProps>(this, props, {
      sshAccess: T.instance(SshAccess, 'SshAccess (SshAccess.enabled/disabled)'),
      nodePublicIp: T.boolean,
      idleShutdown: T.instance(Duration, 'Duration'),
      schedules: T.arrayOf(T.instance(ComputeSchedule, 'ComputeSchedule')),
      creationScript: T.instance(SetupScript, 'SetupScript'),
      startupScript: T.instance(SetupScript, 'SetupScript'),
      customApplications: T.arrayOf(T.object),
      fileShareMounts: T.arrayOf(T.object),
      assignedUser: T.object,
      subnet: T.object,
      sso: T.boolean,
      rootAccess: T.boolean,
      stopAfterCreate: T.boolean,
      description: T.string,
      localAuth: T.boolean,
      tags: T.record,
    });
    this.props = p;
    if (p.stopAfterCreate)
      this.addAction({
        name: 'stop',
        when: 'afterCreate',
        reason: 'stopAfterCreate: the instance is stopped once it exists',
      });
    this.schedules = [...(p.schedules ?? [])];
    this.applications = [...(p.customApplications ?? [])];
    this.ssh = p.sshAccess ?? SshAccess.disabled();
    this.nodePublicIp = p.nodePublicIp ?? true;
    this.assignedUser = p.assignedUser;
    this.sshSourceCidrs =
      this.ssh.isEnabled && Array.isArray(this.ssh.options.sourceCidrs)
        ? [...(this.ssh.options.sourceCidrs as readonly string[])]
        : this.ssh.isEnabled
          ? []
          : undefined;
    p.subnet?.registerCompute?.(this);
    for (const m of p.fileShareMounts ?? []) this.addFileShareMount(m);

    // Checked at synthesis (after aspects), so what aspects and add* methods change is validated too.
    onValidate(this, () => {
      checkVmSize(this, p.vmSize, 'instance');
      this.checkAssignedUser();
      this.checkSsh();
      this.checkIdle();
      this.checkSchedules();
      this.checkScripts();
      this.checkApplications();
      if (p.identity && p.idleShutdown) {
        Annotations.of(this).addWarning(
          'azureml:instance:idleShutdownNeedsContributor',
          'with a managed identity, idle shutdown only works when that identity has Contributor on the workspace',
          {
            fix: 'grant the identity Contributor on the workspace (workspace.grants.contributor(...)), then acknowledge this warning',
          },
        );
      }
      if (p.sso && p.assignedUser) {
        Annotations.of(this).addWarning(
          'azureml:instance:ssoForAssignedUser',
          'SSO cannot be enabled by the creator for an assigned user; the user must enable it (needs computes/enableSso/action)',
          {
            fix: 'leave sso unset and let the user enable it, or acknowledge',
          },
        );
      }
      checkSubnet(this, p.subnet, this.workspace, 1);
      checkNoPublicIp(this, this.nodePublicIp, p.subnet, this.workspace);
    });
  }

  /**
   * Add a start or stop schedule (at most 4 in all).
   * @example instance.addSchedule(ComputeSchedule.stopAt('0 19 * * 1-5', { timeZone: 'W. Europe Standard Time' }))
   */
  public addSchedule(schedule: ComputeSchedule): this {
    this.schedules.push(schedule);
    return this;
  }

  /**
   * Serve a custom application (container) next to Jupyter and VS Code.
   * @example instance.addCustomApplication(rstudioApplication())
   */
  public addCustomApplication(app: CustomApplication): this {
    this.applications.push(app);
    return this;
  }

  /**
   * Mount a file share (an AzureFile datastore) on the instance. The share learns about the instance (so it can
   * grant the assigned user access) and the instance waits for it.
   */
  public addFileShareMount(mount: IFileShareMountRef): this {
    if (!mount || typeof mount !== 'object') {
      Annotations.of(this).addError(
        'InvalidPropType',
        'a file share mount must be a FileShareMount (or another IFileShareMountRef)',
        { value: mount === null ? null : typeof mount, fix: 'pass a FileShareMount construct' },
      );
      return this;
    }
    this.mounts.push(mount);
    if (AzureResource.isAzureResource(mount)) this.addDependency(mount);
    mount.registerMount?.(this);
    return this;
  }

  /** The manifest entry, with the `updateDataMounts` action when file shares are mounted. */
  public override toManifestResource(): ManifestResource {
    const r = super.toManifestResource();
    // The workspace's default share is mounted by the service itself (notebook directory): no data mount for it.
    const mounts = this.mounts.filter((m) => !m.isWorkspaceDefault);
    if (!mounts.length) return r;
    const action: ManifestAction = {
      name: 'updateDataMounts',
      when: 'afterCreate',
      reason: 'mount the file shares (data mounts are not part of the PUT body)',
      body: mounts.map((m) => ({
        mountAction: 'Mount',
        mountMode: m.readOnly ? 'ReadOnly' : 'ReadWrite',
        mountName: m.datastoreName,
        mountPath: m.mountPath,
        source: `azureml://datastores/${m.datastoreName}`,
        sourceType: 'Datastore',
      })),
    };
    return { ...r, actions: [...(r.actions ?? []), action] };
  }

  /** The workstation applications of the instance (Jupyter, JupyterLab, VS Code for the Web, RStudio). @attribute */
  public get endpoints(): ComputeInstanceEndpoints {
    const base = `https://${this.computeName}.${this.location}.instances.azureml.ms`;
    const custom: Record<string, string> = {};
    for (const app of this.applications) {
      const ep = app.endpoints?.[0];
      if (ep) custom[app.name] = `https://${this.computeName}-${ep.published}.${this.location}.instances.azureml.ms`;
    }
    return {
      jupyter: `${base}/tree/`,
      jupyterLab: `${base}/lab`,
      vsCodeWeb: `https://ml.azure.com/compute/${this.computeName}/vscode?wsid=${this.workspace.workspaceId}`,
      ...(custom.rstudio ? { rstudio: custom.rstudio } : {}),
      customApplications: custom,
    };
  }

  private checkAssignedUser(): void {
    const u = this.props.assignedUser;
    if (!u) {
      Annotations.of(this).addWarning(
        'azureml:instance:noAssignedUser',
        'no assignedUser: the principal that deploys will own the instance and nobody else can use it',
        {
          fix: 'set assignedUser to the person the instance is for (Principal.user(objectId, { tenantId }))',
        },
      );
      return;
    }
    if (!isGuid(u.objectId) || !isGuid(u.tenantId)) {
      Annotations.of(this).addError(
        'AssignedUserIncomplete',
        'assignedUser needs both an object id and a tenant id (GUIDs)',
        {
          value: { objectId: u.objectId ?? null, tenantId: u.tenantId ?? null },
          allowed: 'GUIDs for objectId and tenantId',
          fix: 'use Principal.user(objectId, { tenantId }) with the ids from Entra ID (az ad user show --id <upn> --query id)',
        },
      );
    }
    if (u.principalType && u.principalType !== 'User') {
      Annotations.of(this).addError(
        'AssignedUserNotAUser',
        `a compute instance can only be assigned to a user, not a ${u.principalType}`,
        {
          value: u.principalType,
          allowed: 'User',
          fix: 'use PersonalComputeInstances to give each member of a group their own instance',
        },
      );
    }
  }

  private checkSsh(): void {
    if (!this.ssh.isEnabled) return;
    const o = this.ssh.options;
    if (o.publicKey === undefined || o.publicKey === '') {
      Annotations.of(this).addError('SshKeyMissing', 'SSH is enabled but no public key is given', {
        allowed: 'an OpenSSH public key (ssh-ed25519 / ssh-rsa / ecdsa-sha2-*)',
        fix: 'pass SshAccess.enabled({ publicKey }) or SshAccess.disabled()',
      });
    } else if (!isSshPublicKey(o.publicKey)) {
      Annotations.of(this).addError('InvalidSshPublicKey', 'sshAccess.publicKey is not an OpenSSH public key', {
        value: describeNotPublicKey(o.publicKey),
        allowed: '"ssh-ed25519 AAAA… comment" or "ssh-rsa AAAA…"',
        fix: 'paste the content of ~/.ssh/id_ed25519.pub',
      });
    }
    if (o.password) {
      Annotations.of(this).addError(
        'SshPasswordNotSupported',
        'compute instances accept only SSH keys, not passwords',
        { fix: 'remove password from sshAccess' },
      );
    }
    checkCidrs(this, o.sourceCidrs, 'sshAccess.sourceCidrs');
    checkPublicAccess(this, o.publicAccess);
  }

  private checkIdle(): void {
    const d = this.props.idleShutdown;
    if (d === undefined) return;
    const minutes = Duration.isDuration(d) ? d.toMinutes() : NaN;
    if (!(minutes >= MIN_IDLE_MINUTES && minutes <= MAX_IDLE_MINUTES)) {
      Annotations.of(this).addError('IdleShutdownOutOfRange', 'idleShutdown must be between 15 minutes and 3 days', {
        value: Duration.isDuration(d) ? d.toIsoString() : d,
        allowed: 'PT15M to P3D',
        fix: 'e.g. Duration.minutes(60)',
      });
    }
  }

  private checkSchedules(): void {
    const s = this.schedules;
    if (s.length > 4) {
      Annotations.of(this).addError(
        'TooManySchedules',
        `a compute instance takes at most 4 schedules, got ${s.length}`,
        { value: s.length, allowed: '0-4', fix: 'combine days in one cron expression, e.g. "0 19 * * 1-5"' },
      );
    }
    for (const sch of s) {
      if (sch.recurrence) {
        const problems = recurrenceProblems(sch.recurrence);
        if (problems.length)
          Annotations.of(this).addError('InvalidRecurrence', `recurrence schedule: ${problems.join('; ')}`, {
            value: sch.recurrence,
            allowed:
              '{ frequency: Minute|Hour|Day|Week|Month, interval ≥ 1, hours: [0–23…], minutes: [0–59…], weekDays?: [Monday…Sunday] }',
            fix: "e.g. ComputeSchedule.stopRecurring({ frequency: 'Day', hours: [19], minutes: [0] })",
          });
      }
      const problem = sch.recurrence ? undefined : cronProblem(String(sch.cron));
      if (problem) {
        Annotations.of(this).addError('InvalidCron', `schedule "${sch.cron}": ${problem}`, {
          value: sch.cron,
          allowed: 'NCronTab "minute hour day-of-month month day-of-week", e.g. "0 19 * * 1-5"',
          fix: 'fix the expression',
        });
      }
      const tz = sch.options.timeZone ?? 'UTC';
      if (!isWindowsTimeZone(tz)) {
        const hint = suggestTimeZone(tz);
        Annotations.of(this).addError('InvalidTimeZone', `"${tz}" is not a Windows time zone id`, {
          value: tz,
          allowed: 'a Windows time zone id such as "W. Europe Standard Time" or "UTC"',
          fix: hint ? `use "${hint}"` : 'see `tzutil /l` for the ids',
        });
      }
    }
  }

  private checkScripts(): void {
    for (const [name, script] of [
      ['creationScript', this.props.creationScript],
      ['startupScript', this.props.startupScript],
    ] as const) {
      if (!script) continue;
      if (typeof script.given !== 'string' || script.given.length === 0) {
        Annotations.of(this).addError('EmptySetupScript', `${name} is empty`, {
          fix: 'pass the script content or a path on the workspace share',
        });
      }
      const t = script.timeoutMinutes;
      if (t !== undefined && (t <= 0 || t > 25)) {
        Annotations.of(this).addError(
          'SetupScriptTimeoutOutOfRange',
          `${name} timeout must be between 1 second and 25 minutes`,
          { value: `${t}m`, allowed: '(0, 25] minutes', fix: 'shorten the script or move work into an image' },
        );
      }
    }
  }

  private checkApplications(): void {
    const names = new Set<string>();
    const ports = new Set<number>();
    for (const app of this.applications) {
      if (typeof app?.name !== 'string' || !/^[a-zA-Z][a-zA-Z0-9-]{0,31}$/.test(app.name) || names.has(app.name)) {
        Annotations.of(this).addError(
          'InvalidCustomApplicationName',
          `custom application name "${app?.name}" is invalid or repeated`,
          {
            value: app?.name,
            allowed: 'unique, 1-32 letters, digits or "-", starting with a letter',
            fix: 'rename the application',
          },
        );
      }
      names.add(app?.name);
      if (app?.privileged !== undefined && typeof app.privileged !== 'boolean')
        Annotations.of(this).addError(
          'InvalidPropType',
          `custom application "${app.name}": privileged must be true or false`,
          { value: typeof app.privileged, allowed: 'true or false', fix: 'pass privileged: true, or leave it unset' },
        );
      if (!app?.endpoints?.length) {
        Annotations.of(this).addError(
          'CustomApplicationWithoutEndpoint',
          `custom application "${app?.name}" publishes no endpoint`,
          { fix: 'add endpoints: [{ name, target, published }]' },
        );
      }
      for (const ep of app?.endpoints ?? []) {
        for (const port of [ep.target, ep.published]) {
          if (!Number.isInteger(port) || port < 1 || port > 65535) {
            Annotations.of(this).addError(
              'InvalidPort',
              `custom application "${app.name}" port ${port} is not a TCP port`,
              { value: port, allowed: '1-65535', fix: 'use a port number' },
            );
          }
        }
        if (RESERVED_PORTS.has(ep.published) || ports.has(ep.published)) {
          Annotations.of(this).addError(
            'PortConflict',
            `custom application "${app.name}" publishes port ${ep.published}, which is reserved or already used`,
            {
              value: ep.published,
              allowed: 'a free port other than 22, 8888, 8889, 44224',
              fix: 'publish on another port',
            },
          );
        }
        ports.add(ep.published);
      }
      if (
        typeof app?.image !== 'string' &&
        !(app?.image && typeof (app.image as { imageUri?: unknown }).imageUri === 'string')
      ) {
        Annotations.of(this).addError(
          'InvalidImage',
          `custom application "${app?.name}" needs an image reference or a ContainerImage`,
          { fix: 'e.g. image: "ghcr.io/azure/rocker-rstudio-ml-verse:latest"' },
        );
      }
    }
  }

  protected renderBody(): Record<string, unknown> {
    const p = this.props;
    const u = p.assignedUser;
    const scripts = {
      ...(p.creationScript ? { creationScript: p.creationScript.render() } : {}),
      ...(p.startupScript ? { startupScript: p.startupScript.render() } : {}),
    };
    const inner: Record<string, unknown> = {
      vmSize: p.vmSize?.name,
      applicationSharingPolicy: 'Personal',
      computeInstanceAuthorizationType: 'personal',
      sshSettings: {
        sshPublicAccess: this.defaulted(
          '/properties/properties/sshSettings/sshPublicAccess',
          p.sshAccess === undefined ? undefined : this.ssh.isPublic ? 'Enabled' : 'Disabled',
          'Disabled',
        ),
        ...(this.ssh.isEnabled && this.ssh.options.publicKey
          ? { adminPublicKey: this.ssh.options.publicKey.trim() }
          : {}),
      },
      ...(u
        ? { personalComputeInstanceSettings: { assignedUser: { objectId: u.objectId, tenantId: u.tenantId } } }
        : {}),
      ...(p.subnet ? { subnet: { id: p.subnet.subnetId } } : {}),
      enableNodePublicIp: this.defaulted('/properties/properties/enableNodePublicIp', p.nodePublicIp, true),
      ...(p.idleShutdown ? { idleTimeBeforeShutdown: p.idleShutdown.toIsoString() } : {}),
      ...(this.schedules.length ? { schedules: { computeStartStop: this.schedules.map((s) => s.render()) } } : {}),
      ...(Object.keys(scripts).length ? { setupScripts: { scripts } } : {}),
      ...(this.applications.length ? { customServices: this.applications.map(renderCustomApplication) } : {}),
      ...(p.sso !== undefined ? { enableSSO: p.sso } : {}),
      ...(p.rootAccess !== undefined ? { enableRootAccess: p.rootAccess } : {}),
    };
    return {
      ...this.envelope(),
      properties: {
        computeType: 'ComputeInstance',
        ...(p.description ? { description: p.description } : {}),
        disableLocalAuth: this.disableLocalAuth,
        properties: inner,
      },
    };
  }
}
