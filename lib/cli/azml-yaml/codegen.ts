/**
 * `ComputeSpec`s → TypeScript: a module exporting one function that defines the computes with amlcdk's
 * constructs (`ComputeInstance`, `ComputeCluster`, `AttachedCompute`) in a workspace the caller passes.
 *
 * Secret values are never written: a password or private key in the YAML becomes `Secret.fromEnv(NAME)` and a
 * comment saying where it came from and what to set. The code is deterministic (same YAML, same bytes).
 */
import { VmSize } from '../../catalog/vm-size.js';
import type {
  ClusterSpec,
  ComputeSpec,
  CustomApplicationSpec,
  IdentitySpec,
  InstanceSpec,
  KubernetesSpec,
  SynapseSparkSpec,
  SubnetSpec,
  VirtualMachineSpec,
} from './spec.js';

export interface CodegenOptions {
  /** Base name of the YAML file, for comments (never a machine path). */
  readonly source: string;
  /**
   * Module the constructs are imported from.
   * @default 'amlcdk'
   */
  readonly moduleSpecifier?: string;
  /**
   * Name of the exported function.
   * @default 'defineComputes'
   */
  readonly functionName?: string;
}

/** An environment variable the generated code reads a secret from. */
export interface SecretToSet {
  readonly env: string;
  /** `file:line key`, e.g. `cluster.yml:14 ssh_settings.admin_password`. */
  readonly from: string;
}

export interface CodegenResult {
  readonly code: string;
  readonly secrets: readonly SecretToSet[];
}

const RESERVED = new Set([
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'let',
  'static',
  'implements',
  'interface',
  'package',
  'private',
  'protected',
  'public',
  'await',
  'scope',
  'workspace',
]);

/** A single-quoted TypeScript string literal. */
export function q(s: string): string {
  return `'${s
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}'`;
}

/** Text inside a template literal. */
function tpl(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

function key(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : q(k);
}

/** `gpu-a100-spot` → `GpuA100Spot` (construct id). */
export function constructIdFor(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

function variableFor(name: string): string {
  const id = constructIdFor(name);
  const v = id[0].toLowerCase() + id.slice(1);
  return RESERVED.has(v) ? `${v}Compute` : v;
}

function envFor(name: string, what: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${what}`;
}

/** `VmSize.STANDARD_DS3_V2` when the catalog has a constant, else `VmSize.of('…')`. */
function vmSizeExpr(size: string): string {
  for (const k of Object.getOwnPropertyNames(VmSize)) {
    const v = (VmSize as unknown as Record<string, unknown>)[k];
    if (VmSize.isVmSize(v) && v.name.toLowerCase() === size.toLowerCase()) return `VmSize.${k}`;
  }
  return `VmSize.of(${q(size)})`;
}

class Emitter {
  readonly lines: string[] = [];
  readonly imports = new Set<string>();
  readonly secrets: SecretToSet[] = [];
  constructor(readonly source: string) {}
  use(...names: string[]): void {
    for (const n of names) this.imports.add(n);
  }
}

const TRAILING = '\u0000';

function obj(entries: readonly (string | undefined)[], indent: string): string {
  const e = entries.filter((x): x is string => x !== undefined);
  // An entry may carry a trailing comment after TRAILING: the comma goes before it.
  return `{\n${e.map((x) => `${indent}  ${x.includes(TRAILING) ? x.replace(TRAILING, ', // ') : `${x},`}`).join('\n')}\n${indent}}`;
}

function stringRecord(r: Readonly<Record<string, string>>): string {
  const e = Object.entries(r);
  return e.length ? `{ ${e.map(([k, v]) => `${key(k)}: ${q(v)}`).join(', ')} }` : '{}';
}

function identityExpr(em: Emitter, id: IdentitySpec): string {
  em.use('ComputeIdentity');
  const ids = id.userAssignedIds.map(q).join(', ');
  if (id.type === 'SystemAssigned') return 'ComputeIdentity.systemAssigned()';
  if (id.type === 'UserAssigned') return `ComputeIdentity.userAssigned(${ids})`;
  return `ComputeIdentity.systemAndUserAssigned(${ids})`;
}

function subnetExpr(em: Emitter, s: SubnetSpec, id: string): string {
  em.use('Subnet');
  if ('subnetId' in s) return `Subnet.fromSubnetId(scope, ${q(`${id}Subnet`)}, ${q(s.subnetId)})`;
  // az ml composes the id from the names and the workspace's subscription and resource group: so do we.
  return `Subnet.fromSubnetId(scope, ${q(`${id}Subnet`)}, \`/subscriptions/\${workspace.subscriptionId}/resourceGroups/\${workspace.resourceGroupName}/providers/Microsoft.Network/virtualNetworks/${tpl(s.vnetName)}/subnets/${tpl(s.subnetName)}\`)`;
}

function commonEntries(em: Emitter, s: ComputeSpec): (string | undefined)[] {
  return [
    'workspace',
    `computeName: ${q(s.name)}`,
    s.description !== undefined ? `description: ${q(s.description)}` : undefined,
  ];
}

function envelopeEntries(em: Emitter, s: InstanceSpec | ClusterSpec): (string | undefined)[] {
  return [
    s.identity ? `identity: ${identityExpr(em, s.identity)}` : undefined,
    s.tags ? `tags: ${stringRecord(s.tags)}` : undefined,
  ];
}

function applicationExpr(a: CustomApplicationSpec, indent: string): string {
  const endpoints = a.endpoints.map(
    (e) =>
      `{ name: ${q(e.name)}, target: ${e.target}, published: ${e.published}${e.protocol ? `, protocol: ${q(e.protocol)}` : ''} }`,
  );
  const volumes = a.volumes.map(
    (v) =>
      `{ source: ${q(v.source)}, target: ${q(v.target)}${v.readOnly !== undefined ? `, readOnly: ${v.readOnly}` : ''} }`,
  );
  return obj(
    [
      `name: ${q(a.name)}`,
      `image: ${q(a.image)}`,
      `endpoints: [${endpoints.join(', ')}]`,
      volumes.length ? `volumes: [${volumes.join(', ')}]` : undefined,
      Object.keys(a.environment).length ? `environment: ${stringRecord(a.environment)}` : undefined,
      // az ml sends docker: { privileged: true } for every docker application (azure-ai-ml CustomApplications.
      // _to_rest_object, Azure/azure-sdk-for-python sdk/ml/azure-ai-ml/azure/ai/ml/entities/_compute/
      // _custom_applications.py @ 077244cd389a51b14fdccce064c10a15f89c89bf); the converted code keeps that, visibly.
      `privileged: true${TRAILING}as az ml runs it (docker.privileged); set false if the image does not need it`,
    ],
    indent,
  );
}

/**
 * A compute without a public IP needs a network (checkNoPublicIp in lib/constructs/compute/base.ts): az ml leaves
 * that to the workspace, so the converted code says what the stack must provide, before synth says it as an error.
 */
function networkNote(s: InstanceSpec | ClusterSpec): string[] {
  if (s.nodePublicIp !== false) return [];
  const id = constructIdFor(s.name);
  if (s.subnet)
    return [
      '// No public IP: the nodes reach the workspace through its private endpoint in this VNet;',
      '// the workspace you pass needs one (hasPrivateEndpoint: true), else synth fails with NoPublicIpWithoutPrivateEndpoint.',
    ];
  return [
    "// No public IP and no network_settings: az ml relies on the workspace's managed network here.",
    "// Pass a workspace with a managed network (isolationMode: 'AllowInternetOutbound' or 'AllowOnlyApprovedOutbound'),",
    `// or add subnet: Subnet.fromSubnetId(scope, '${id}Subnet', '<subnet id>') (and a workspace private endpoint);`,
    '// else synth fails with NoPublicIpRequiresNetwork (docs/import.md, "No public IP").',
  ];
}

function emitInstance(em: Emitter, s: InstanceSpec): string[] {
  const id = constructIdFor(s.name);
  em.use('ComputeInstance', 'VmSize');
  const pre: string[] = [...networkNote(s)];
  if (s.location !== undefined)
    pre.push(`// location ${s.location} in the YAML: a compute instance is created in its workspace's region.`);
  const entries: (string | undefined)[] = [...commonEntries(em, s)];
  entries.push(
    `vmSize: ${vmSizeExpr(s.size)}${s.sizeDefaulted ? `${TRAILING}az ml default: the YAML gives no size` : ''}`,
  );
  if (s.assignedUser) {
    em.use('Principal');
    entries.push(
      `assignedUser: Principal.user(${q(s.assignedUser.objectId)}, { tenantId: ${q(s.assignedUser.tenantId)} })`,
    );
  }
  if (s.ssh) {
    em.use('SshAccess');
    entries.push(
      s.ssh.enabled
        ? `sshAccess: SshAccess.enabled({ publicKey: ${q(s.ssh.publicKey ?? '')}${s.ssh.publicAccess === false ? ', publicAccess: false' : ''} })`
        : 'sshAccess: SshAccess.disabled()',
    );
  }
  if (s.subnet) entries.push(`subnet: ${subnetExpr(em, s.subnet, id)}`);
  if (s.nodePublicIp !== undefined) entries.push(`nodePublicIp: ${s.nodePublicIp}`);
  if (s.idleShutdown) {
    em.use('Duration');
    entries.push(
      'minutes' in s.idleShutdown
        ? `idleShutdown: Duration.minutes(${s.idleShutdown.minutes})`
        : `idleShutdown: Duration.parse(${q(s.idleShutdown.iso)})`,
    );
  }
  if (s.schedules.length) {
    em.use('ComputeSchedule');
    const items = s.schedules.map((sc) => {
      const opts = [
        sc.timeZone !== undefined ? `timeZone: ${q(sc.timeZone)}` : undefined,
        sc.startTime !== undefined ? `startTime: ${q(sc.startTime)}` : undefined,
        sc.enabled ? undefined : 'enabled: false',
      ].filter(Boolean);
      const rest = opts.length ? `, { ${opts.join(', ')} }` : '';
      const r = sc.recurrence;
      if (!r) return `ComputeSchedule.${sc.action === 'Start' ? 'startAt' : 'stopAt'}(${q(sc.cron ?? '')}${rest}),`;
      const rec = [
        `frequency: ${q(r.frequency)}`,
        r.interval !== undefined ? `interval: ${r.interval}` : undefined,
        `hours: [${r.hours.join(', ')}]`,
        `minutes: [${r.minutes.join(', ')}]`,
        r.weekDays?.length ? `weekDays: [${r.weekDays.map(q).join(', ')}]` : undefined,
      ].filter(Boolean);
      const call = `ComputeSchedule.${sc.action === 'Start' ? 'startRecurring' : 'stopRecurring'}({ ${rec.join(', ')} }${rest}),`;
      // The YAML had no `schedule`: az ml sends empty lists, and so does this code; say what to decide.
      return r.hours.length === 0 && r.minutes.length === 0
        ? `// The az ml YAML gave no schedule times: az ml sends empty hours and minutes, as here. Azure documents no\n    // meaning for that, so list the times of day (e.g. hours: [19], minutes: [0]).\n    ${call}`
        : call;
    });
    entries.push(`schedules: [\n${items.map((i) => `    ${i}`).join('\n')}\n  ]`);
  }
  for (const [prop, script] of [
    ['creationScript', s.creationScript],
    ['startupScript', s.startupScript],
  ] as const) {
    if (!script) continue;
    em.use('SetupScript');
    const opts = [
      script.command !== undefined ? `arguments: ${q(script.command)}` : undefined,
      script.timeoutMinutes !== undefined ? `timeout: Duration.minutes(${script.timeoutMinutes})` : undefined,
    ].filter(Boolean);
    if (script.timeoutMinutes !== undefined) em.use('Duration');
    entries.push(
      `${prop}: SetupScript.fromWorkspacePath(${q(script.path)}${opts.length ? `, { ${opts.join(', ')} }` : ''})`,
    );
  }
  if (s.applications.length)
    entries.push(
      `customApplications: [\n${s.applications.map((a) => `    ${applicationExpr(a, '    ')},`).join('\n')}\n  ]`,
    );
  if (s.sso !== undefined) entries.push(`sso: ${s.sso}`);
  if (s.rootAccess !== undefined) entries.push(`rootAccess: ${s.rootAccess}`);
  entries.push(...envelopeEntries(em, s));
  return [...pre, `const ${variableFor(s.name)} = new ComputeInstance(scope, ${q(id)}, ${obj(entries, '')});`];
}

function emitCluster(em: Emitter, s: ClusterSpec): string[] {
  const id = constructIdFor(s.name);
  em.use('ComputeCluster', 'VmSize');
  const pre: string[] = [...networkNote(s)];
  const entries: (string | undefined)[] = [...commonEntries(em, s)];
  entries.push(
    `vmSize: ${vmSizeExpr(s.size)}${s.sizeDefaulted ? `${TRAILING}az ml default: the YAML gives no size` : ''}`,
  );
  if (s.tier) {
    em.use('VmPriority');
    if (s.tier === 'LowPriority')
      pre.push(
        '// tier low_priority: allocated as Spot VMs (evictable); amlcdk warns until the warning is acknowledged.',
      );
    entries.push(`vmPriority: ${s.tier === 'LowPriority' ? 'VmPriority.LOW_PRIORITY' : 'VmPriority.DEDICATED'}`);
  }
  if (s.minInstances !== undefined) entries.push(`minNodeCount: ${s.minInstances}`);
  entries.push(
    `maxNodeCount: ${s.maxInstances}${s.maxDefaulted ? `${TRAILING}az ml default: the YAML gives no max_instances` : ''}`,
  );
  if (s.idleSecondsBeforeScaleDown !== undefined) {
    em.use('Duration');
    entries.push(`idleTimeBeforeScaleDown: Duration.seconds(${s.idleSecondsBeforeScaleDown})`);
  }
  if (s.ssh) {
    em.use('SshAccess');
    if (!s.ssh.enabled) entries.push('sshAccess: SshAccess.disabled()');
    else {
      const o: string[] = [];
      if (s.ssh.adminUserName !== undefined) o.push(`adminUserName: ${q(s.ssh.adminUserName)}`);
      if (s.ssh.publicKey !== undefined) o.push(`publicKey: ${q(s.ssh.publicKey)}`);
      if (s.ssh.passwordLine !== undefined) {
        const env = envFor(s.name, 'ADMIN_PASSWORD');
        em.use('Secret');
        em.secrets.push({ env, from: `${em.source}:${s.ssh.passwordLine} ssh_settings.admin_password` });
        pre.push(
          `// ssh_settings.admin_password (${em.source}:${s.ssh.passwordLine}) was not copied: set ${env} where amlcdk apply runs.`,
        );
        o.push(`password: Secret.fromEnv(${q(env)})`);
      }
      if (s.ssh.publicAccess === false) o.push('publicAccess: false');
      entries.push(`sshAccess: SshAccess.enabled({ ${o.join(', ')} })`);
    }
  }
  if (s.subnet) entries.push(`subnet: ${subnetExpr(em, s.subnet, id)}`);
  if (s.nodePublicIp !== undefined) entries.push(`nodePublicIp: ${s.nodePublicIp}`);
  if (s.location !== undefined) entries.push(`computeLocation: ${q(s.location)}`);
  entries.push(...envelopeEntries(em, s));
  return [...pre, `const ${variableFor(s.name)} = new ComputeCluster(scope, ${q(id)}, ${obj(entries, '')});`];
}

function emitKubernetes(em: Emitter, s: KubernetesSpec): string[] {
  em.use('AttachedCompute', 'AttachTarget');
  const target = `AttachTarget.kubernetes({ resourceId: ${q(s.resourceId)}${s.namespace !== undefined ? `, namespace: ${q(s.namespace)}` : ''} })`;
  return [
    '// Attached: removing it from the program detaches it; the cluster itself is never deleted.',
    `const ${variableFor(s.name)} = new AttachedCompute(scope, ${q(constructIdFor(s.name))}, ${obj([...commonEntries(em, s), `target: ${target}`], '')});`,
  ];
}

function emitSynapseSpark(em: Emitter, s: SynapseSparkSpec): string[] {
  em.use('AttachedCompute', 'AttachTarget');
  return [
    '// Attached: removing it from the program detaches it; the Spark pool itself is never deleted.',
    `const ${variableFor(s.name)} = new AttachedCompute(scope, ${q(constructIdFor(s.name))}, ${obj([...commonEntries(em, s), `target: AttachTarget.synapseSpark({ resourceId: ${q(s.resourceId)} })`], '')});`,
  ];
}

function emitVirtualMachine(em: Emitter, s: VirtualMachineSpec): string[] {
  em.use('AttachedCompute', 'AttachTarget');
  const pre = ['// Attached: removing it from the program detaches it; the VM itself is never deleted.'];
  const acct = [`username: ${q(s.adminUserName)}`];
  if (s.passwordLine !== undefined) {
    const env = envFor(s.name, 'ADMIN_PASSWORD');
    em.use('Secret');
    em.secrets.push({ env, from: `${em.source}:${s.passwordLine} ssh_settings.admin_password` });
    pre.push(
      `// ssh_settings.admin_password (${em.source}:${s.passwordLine}) was not copied: set ${env} where amlcdk apply runs.`,
    );
    acct.push(`password: Secret.fromEnv(${q(env)})`);
  }
  if (s.privateKeyFile) {
    const env = envFor(s.name, 'SSH_PRIVATE_KEY');
    em.use('Secret');
    em.secrets.push({ env, from: `${em.source}:${s.privateKeyFile.line} ssh_settings.ssh_private_key_file` });
    pre.push(
      `// ssh_settings.ssh_private_key_file (${em.source}:${s.privateKeyFile.line}) was not read: put the key's content in ${env} where amlcdk apply runs.`,
    );
    acct.push(`privateKey: Secret.fromEnv(${q(env)})`);
  }
  const target = `AttachTarget.virtualMachine({ resourceId: ${q(s.resourceId)}${s.sshPort !== undefined ? `, sshPort: ${s.sshPort}` : ''}, administratorAccount: { ${acct.join(', ')} } })`;
  return [
    ...pre,
    `const ${variableFor(s.name)} = new AttachedCompute(scope, ${q(constructIdFor(s.name))}, ${obj([...commonEntries(em, s), `target: ${target}`], '')});`,
  ];
}

/** Generate the module. */
export function generateComputeCode(specs: readonly ComputeSpec[], options: CodegenOptions): CodegenResult {
  const em = new Emitter(options.source);
  const fn = options.functionName ?? 'defineComputes';
  const body: string[] = [];
  for (const s of specs) {
    body.push(`// ${options.source}:${s.line} ${s.name} (${s.kind})`);
    const lines =
      s.kind === 'computeinstance'
        ? emitInstance(em, s)
        : s.kind === 'amlcompute'
          ? emitCluster(em, s)
          : s.kind === 'kubernetes'
            ? emitKubernetes(em, s)
            : s.kind === 'synapsespark'
              ? emitSynapseSpark(em, s)
              : emitVirtualMachine(em, s);
    body.push(...lines.flatMap((l) => l.split('\n')));
  }
  const names = [...em.imports].sort();
  const header = [
    `// Generated by \`amlcdk import --from-azml-yaml ${options.source}\` from az ml CLI v2 compute YAML.`,
    `// Review it, then call ${fn}(this, workspace) in your stack (docs/import.md).`,
    ...(em.secrets.length
      ? [
          `// Secrets were not copied from the YAML: set ${em.secrets.map((x) => x.env).join(', ')} where amlcdk apply runs.`,
        ]
      : []),
    "import type { Construct } from 'constructs';",
    `import { ${[...names, 'type IWorkspaceRef'].join(', ')} } from ${q(options.moduleSpecifier ?? 'amlcdk')};`,
    '',
    `/** The computes of ${options.source}, defined in \`workspace\`. */`,
    `export function ${fn}(scope: Construct, workspace: IWorkspaceRef) {`,
    ...body.map((l) => `  ${l}`),
    `  return { ${specs.map((s) => variableFor(s.name)).join(', ')} };`,
    '}',
    '',
  ];
  return { code: header.join('\n'), secrets: em.secrets };
}
