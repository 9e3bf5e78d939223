/**
 * Read az ml CLI v2 compute YAML (one compute per `---` document) into `ComputeSpec`s, with the line of every
 * problem. The keys and their meaning follow the azure-ai-ml marshmallow schemas (compute_instance.py,
 * aml_compute.py, kubernetes_compute.py, virtual_machine_compute.py) as mapped in
 * ../shared/reference/user-needs.md (b).
 *
 * Every problem is an InputError naming the file, the line and the key, with a fix; all problems of the file are
 * found in one pass and reported together (the first carries the line, the others follow in the message). Values
 * of secret keys (`admin_password`) are never echoed, and never kept.
 */
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Node, type Pair, type YAMLMap } from 'yaml';
import { InputError } from '../../core/errors.js';
import { NAME_RULES } from '../../core/names.js';
import { isGuid, parseArmId, cronProblem } from '../../core/validators.js';
import { editDistance } from '../../catalog/vm-sizes.js';
import { describeNotPublicKey, isSshPublicKey } from '../../constructs/compute/ssh.js';
import type {
  ClusterSpec,
  ComputeSpec,
  CustomApplicationSpec,
  IdentitySpec,
  InstanceSpec,
  KubernetesSpec,
  SynapseSparkSpec,
  ScheduleSpec,
  SetupScriptSpec,
  SubnetSpec,
  VirtualMachineSpec,
} from './spec.js';
import { text } from '../../core/text.js';
import { WEEK_DAYS, type WeekDay } from '../../constructs/compute/schedule.js';

/** One problem, before it becomes an InputError. */
export interface YamlProblem {
  readonly code: string;
  readonly line: number;
  /** Dotted key path, e.g. `ssh_settings.admin_username`. */
  readonly key: string;
  readonly message: string;
  readonly fix: string;
}

/** The compute types az ml YAML can declare that amlcdk converts. */
export const SUPPORTED_TYPES = [
  'computeinstance',
  'amlcompute',
  'kubernetes',
  'virtualmachine',
  'synapsespark',
] as const;

const COMMON_KEYS = ['$schema', 'name', 'type', 'description', 'tags'];
const KEYS: Readonly<Record<(typeof SUPPORTED_TYPES)[number], readonly string[]>> = {
  computeinstance: [
    ...COMMON_KEYS,
    'location',
    'identity',
    'size',
    'create_on_behalf_of',
    'ssh_public_access_enabled',
    'ssh_settings',
    'network_settings',
    'enable_node_public_ip',
    'idle_time_before_shutdown_minutes',
    'idle_time_before_shutdown',
    'schedules',
    'setup_scripts',
    'custom_applications',
    'enable_sso',
    'enable_root_access',
  ],
  amlcompute: [
    ...COMMON_KEYS,
    'location',
    'identity',
    'size',
    'tier',
    'min_instances',
    'max_instances',
    'idle_time_before_scale_down',
    'ssh_public_access_enabled',
    'ssh_settings',
    'network_settings',
    'enable_node_public_ip',
  ],
  kubernetes: ['$schema', 'name', 'type', 'description', 'resource_id', 'namespace'],
  virtualmachine: ['$schema', 'name', 'type', 'description', 'resource_id', 'ssh_settings'],
  // azure-ai-ml SynapseSparkComputeSchema (Azure/azure-sdk-for-python sdk/ml/azure-ai-ml/azure/ai/ml/_schema/compute/
  // synapsespark_compute.py @ 27a87180013f9dba9103431144babf35f3493759): resource_id required; the node and scale
  // fields are dump_only (what `az ml compute show` prints), not input.
  synapsespark: ['$schema', 'name', 'type', 'description', 'resource_id'],
};

/** az ml keys amlcdk knows but cannot express for that type: why, and what to do instead. */
const UNSUPPORTED_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  computeinstance: {
    release_quota_on_stop:
      'amlcdk does not manage releaseQuotaOnStop yet; remove the key (the service default, false, applies)',
    enable_os_patching:
      'amlcdk does not manage enableOSPatching yet; remove the key (the service default, false, applies)',
  },
  amlcompute: {},
  kubernetes: {
    identity:
      "AttachedCompute sends no identity on attach; remove the key and give the cluster's extension its identity in AKS/Arc",
    tags: 'attach requests carry no tags (the service ignores them); remove the key and tag the AKS/Arc cluster itself',
    location: 'attached compute has no location of its own; remove the key',
    properties:
      'instance types are not read from YAML; remove the key and add instanceTypes to AttachTarget.kubernetes({ ... }) in the generated code',
  },
  synapsespark: {
    identity:
      'AttachedCompute sends no identity on attach; remove the key and give the Synapse workspace access in Synapse',
    tags: 'attach requests carry no tags; remove the key and tag the Spark pool itself',
    location: 'attached compute has no location of its own; remove the key',
    ...Object.fromEntries(
      ['node_family', 'node_size', 'node_count', 'spark_version', 'scale_settings', 'auto_pause_settings'].map((k) => [
        k,
        'read-only in az ml (dump_only: `az ml compute show` prints it); remove the key and set it on the Spark pool in Synapse',
      ]),
    ),
  },
  virtualmachine: {
    identity: 'AttachedCompute sends no identity on attach; remove the key',
    tags: 'attach requests carry no tags; remove the key and tag the VM itself',
    location: 'attached compute has no location of its own; remove the key',
  },
};

const SECRET_KEYS = new Set(['admin_password']);

/** az ml's `week_days` (lower case, azure-ai-ml WeekDay) → ARM `ComputeWeekDay`. */
const WEEKDAYS: Readonly<Record<string, WeekDay>> = Object.fromEntries(WEEK_DAYS.map((d) => [d.toLowerCase(), d]));

/** Reads one file; collects problems instead of stopping at the first. */
class Reader {
  readonly problems: YamlProblem[] = [];
  /** A mapping read through its key is reported at the key's line (`ssh_settings:`), not at its first entry. */
  private readonly keyLines = new WeakMap<Node, number>();
  constructor(private readonly lc: LineCounter) {}

  line(node: Node | null | undefined, fallback = 1): number {
    const owner = node ? this.keyLines.get(node) : undefined;
    if (owner !== undefined) return owner;
    const at = node?.range?.[0];
    return typeof at === 'number' ? this.lc.linePos(at).line : fallback;
  }

  problem(code: string, line: number, key: string, message: string, fix: string): void {
    this.problems.push({ code, line, key, message, fix });
  }

  /** The pairs of a map, keyed by their (string) key; reports unknown and unsupported keys. */
  fields(
    map: YAMLMap,
    path: string,
    allowed: readonly string[],
    unsupported: Readonly<Record<string, string>> = {},
  ): Map<string, Pair<Node, Node | null>> {
    const out = new Map<string, Pair<Node, Node | null>>();
    for (const pair of map.items as Pair<Node, Node | null>[]) {
      const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const line = this.line(pair.key);
      if (k === undefined) {
        this.problem(
          'WrongYamlType',
          line,
          path || '(document)',
          `a key of ${path || 'the document'} is not a plain string`,
          'use plain string keys',
        );
        continue;
      }
      const full = path ? `${path}.${k}` : k;
      if (unsupported[k]) {
        this.problem(
          'UnsupportedYamlKey',
          line,
          full,
          `${full} is valid az ml YAML but cannot be converted`,
          unsupported[k],
        );
        continue;
      }
      if (!allowed.includes(k)) {
        const near = allowed
          .map((a) => ({ a, d: editDistance(k.toLowerCase(), a) }))
          .filter((x) => x.d <= Math.max(2, Math.floor(k.length / 3)))
          .sort((x, y) => x.d - y.d)[0];
        this.problem(
          'UnknownYamlKey',
          line,
          full,
          `unknown key ${full}`,
          near
            ? `did you mean ${path ? `${path}.` : ''}${near.a}? (allowed here: ${allowed.join(', ')})`
            : `remove it; allowed here: ${allowed.join(', ')}`,
        );
        continue;
      }
      out.set(k, pair);
    }
    return out;
  }

  private describe(key: string, node: Node | null): string {
    if (SECRET_KEYS.has(key.split('.').pop()!)) return '(value hidden)';
    if (node === null) return 'nothing';
    if (isMap(node)) return 'a mapping';
    if (isSeq(node)) return 'a list';
    if (isScalar(node)) return JSON.stringify(node.value);
    return 'another kind of value';
  }

  str(
    f: Map<string, Pair<Node, Node | null>>,
    key: string,
    path: string,
    opts: { required?: boolean; line?: number } = {},
  ): string | undefined {
    const pair = f.get(key);
    const full = path ? `${path}.${key}` : key;
    if (!pair) {
      if (opts.required)
        this.problem('MissingYamlKey', opts.line ?? 1, full, `${full} is required`, `add ${key}: <value>`);
      return undefined;
    }
    const v = pair.value;
    if (isScalar(v) && typeof v.value === 'string' && v.value.trim() !== '') return v.value;
    this.problem(
      'WrongYamlType',
      this.line(v ?? pair.key),
      full,
      `${full} must be a non-empty string, got ${this.describe(full, v)}`,
      `write ${key}: <text>`,
    );
    return undefined;
  }

  int(
    f: Map<string, Pair<Node, Node | null>>,
    key: string,
    path: string,
    range: { min: number; max: number; unit?: string },
  ): number | undefined {
    const pair = f.get(key);
    if (!pair) return undefined;
    const full = path ? `${path}.${key}` : key;
    const v = pair.value;
    if (!isScalar(v) || typeof v.value !== 'number' || !Number.isInteger(v.value)) {
      this.problem(
        'WrongYamlType',
        this.line(v ?? pair.key),
        full,
        `${full} must be a whole number${range.unit ? ` of ${range.unit}` : ''}, got ${this.describe(full, v)}`,
        `write ${key}: <number> (no quotes)`,
      );
      return undefined;
    }
    if (v.value < range.min || v.value > range.max) {
      this.problem(
        'InvalidYamlValue',
        this.line(v),
        full,
        `${full} is ${v.value}, out of range`,
        `use ${range.min}–${range.max}${range.unit ? ` ${range.unit}` : ''}`,
      );
      return undefined;
    }
    return v.value;
  }

  bool(f: Map<string, Pair<Node, Node | null>>, key: string, path: string): boolean | undefined {
    const pair = f.get(key);
    if (!pair) return undefined;
    const full = path ? `${path}.${key}` : key;
    const v = pair.value;
    if (isScalar(v) && typeof v.value === 'boolean') return v.value;
    this.problem(
      'WrongYamlType',
      this.line(v ?? pair.key),
      full,
      `${full} must be true or false, got ${this.describe(full, v)}`,
      `write ${key}: true or ${key}: false (no quotes)`,
    );
    return undefined;
  }

  map(f: Map<string, Pair<Node, Node | null>>, key: string, path: string): YAMLMap | undefined {
    const pair = f.get(key);
    if (!pair) return undefined;
    const full = path ? `${path}.${key}` : key;
    if (isMap(pair.value)) {
      this.keyLines.set(pair.value, this.line(pair.key));
      return pair.value;
    }
    this.problem(
      'WrongYamlType',
      this.line(pair.value ?? pair.key),
      full,
      `${full} must be a mapping (key: value lines), got ${this.describe(full, pair.value)}`,
      `indent the settings of ${key} under it`,
    );
    return undefined;
  }

  seq(f: Map<string, Pair<Node, Node | null>>, key: string, path: string): Node[] | undefined {
    const pair = f.get(key);
    if (!pair) return undefined;
    const full = path ? `${path}.${key}` : key;
    if (isSeq(pair.value)) return pair.value.items as Node[];
    this.problem(
      'WrongYamlType',
      this.line(pair.value ?? pair.key),
      full,
      `${full} must be a list ("- " items), got ${this.describe(full, pair.value)}`,
      `write each entry of ${key} as "- ..."`,
    );
    return undefined;
  }

  /**
   * A list, or one scalar standing for a one-item list: az ml's schema takes either for a recurrence's hours, minutes
   * and week days (`UnionField([DumpableIntegerField(), fields.List(fields.Int())])` in azure-ai-ml's
   * RecurrencePatternSchema, sdk/ml/azure-ai-ml/azure/ai/ml/_schema/compute/schedule.py).
   */
  seqOrOne(f: Map<string, Pair<Node, Node | null>>, key: string, path: string): Node[] | undefined {
    const value = f.get(key)?.value;
    if (isScalar(value) && value.value !== null) return [value];
    return this.seq(f, key, path);
  }

  /** One of `values` (case-insensitive), returned as written in `values`. */
  choice<T extends string>(
    f: Map<string, Pair<Node, Node | null>>,
    key: string,
    path: string,
    values: readonly T[],
    opts: { required?: boolean; line?: number } = {},
  ): T | undefined {
    const s = this.str(f, key, path, opts);
    if (s === undefined) return undefined;
    const hit = values.find((v) => v.toLowerCase() === s.toLowerCase());
    if (hit) return hit;
    const full = path ? `${path}.${key}` : key;
    this.problem(
      'UnsupportedYamlValue',
      this.line(f.get(key)!.value),
      full,
      `${full} is ${JSON.stringify(s)}`,
      `use one of: ${values.join(', ')}`,
    );
    return undefined;
  }

  /** A string-to-string map (tags, environment variables); scalars are turned into strings. */
  stringMap(f: Map<string, Pair<Node, Node | null>>, key: string, path: string): Record<string, string> | undefined {
    const m = this.map(f, key, path);
    if (!m) return undefined;
    const out: Record<string, string> = {};
    for (const pair of m.items as Pair<Node, Node | null>[]) {
      const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const full = `${path ? `${path}.` : ''}${key}.${k ?? '?'}`;
      if (
        k === undefined ||
        !isScalar(pair.value) ||
        pair.value.value === null ||
        typeof pair.value.value === 'object'
      ) {
        this.problem(
          'WrongYamlType',
          this.line(pair.value ?? pair.key),
          full,
          `${full} must be a plain value (text, number or true/false)`,
          'write name: value',
        );
        continue;
      }
      out[k] = text(pair.value.value);
    }
    return out;
  }
}

function asMap(r: Reader, node: Node | null | undefined, path: string, line: number): YAMLMap | undefined {
  if (isMap(node)) return node;
  r.problem(
    'WrongYamlType',
    r.line(node, line),
    path,
    `${path} must be a mapping (key: value lines)`,
    `write the fields of ${path} as "key: value" lines`,
  );
  return undefined;
}

function readIdentity(r: Reader, f: Map<string, Pair<Node, Node | null>>): IdentitySpec | undefined {
  const m = r.map(f, 'identity', '');
  if (!m) return undefined;
  const id = r.fields(m, 'identity', ['type', 'user_assigned_identities']);
  const type = r.choice(
    id,
    'type',
    'identity',
    ['system_assigned', 'user_assigned', 'system_assigned,user_assigned', 'none'] as const,
    { required: true, line: r.line(m) },
  );
  const ids: string[] = [];
  for (const [i, item] of (r.seq(id, 'user_assigned_identities', 'identity') ?? []).entries()) {
    const path = `identity.user_assigned_identities[${i}]`;
    const im = asMap(r, item, path, r.line(m));
    if (!im) continue;
    const rid = r.str(
      r.fields(im, path, ['resource_id', 'client_id', 'object_id', 'principal_id']),
      'resource_id',
      path,
      { required: true, line: r.line(im) },
    );
    if (rid === undefined) continue;
    if (
      !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i.test(
        rid,
      )
    ) {
      r.problem(
        'InvalidYamlValue',
        r.line(im),
        `${path}.resource_id`,
        `${path}.resource_id is not the ARM id of a user-assigned identity`,
        'copy the id: az identity show -n <name> -g <rg> --query id',
      );
      continue;
    }
    ids.push(rid);
  }
  if (type === undefined || type === 'none') return undefined;
  const needsIds = type !== 'system_assigned';
  if (needsIds && ids.length === 0 && !id.has('user_assigned_identities')) {
    r.problem(
      'MissingYamlKey',
      r.line(m),
      'identity.user_assigned_identities',
      `identity type ${type} needs identity.user_assigned_identities`,
      'add user_assigned_identities: [ { resource_id: <identity id> } ]',
    );
    return undefined;
  }
  if (!needsIds && ids.length > 0) {
    r.problem(
      'UnsupportedYamlValue',
      r.line(m),
      'identity.user_assigned_identities',
      'user_assigned_identities is given but identity type is system_assigned',
      'use type: system_assigned,user_assigned, or remove the list',
    );
  }
  return {
    type:
      type === 'system_assigned'
        ? 'SystemAssigned'
        : type === 'user_assigned'
          ? 'UserAssigned'
          : 'SystemAssigned,UserAssigned',
    userAssignedIds: ids,
  };
}

function readSubnet(r: Reader, f: Map<string, Pair<Node, Node | null>>): SubnetSpec | undefined {
  const m = r.map(f, 'network_settings', '');
  if (!m) return undefined;
  const n = r.fields(m, 'network_settings', ['vnet_name', 'subnet']);
  const vnet = r.str(n, 'vnet_name', 'network_settings');
  const subnet = r.str(n, 'subnet', 'network_settings', { required: true, line: r.line(m) });
  if (subnet === undefined) return undefined;
  if (subnet.startsWith('/')) {
    const parsed = parseArmId(subnet);
    if (!parsed || parsed.type.toLowerCase() !== 'microsoft.network/virtualnetworks/subnets') {
      r.problem(
        'InvalidYamlValue',
        r.line(n.get('subnet')!.value),
        'network_settings.subnet',
        'network_settings.subnet starts with "/" but is not the ARM id of a subnet',
        'use /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>, or a subnet name with vnet_name',
      );
      return undefined;
    }
    if (vnet !== undefined) {
      r.problem(
        'UnsupportedYamlValue',
        r.line(n.get('vnet_name')!.key),
        'network_settings.vnet_name',
        'network_settings.vnet_name is given together with a full subnet id',
        'remove vnet_name: the subnet id names the VNet already',
      );
      return undefined;
    }
    return { subnetId: subnet };
  }
  if (vnet === undefined) {
    r.problem(
      'MissingYamlKey',
      r.line(m),
      'network_settings.vnet_name',
      'network_settings.subnet is a name, so network_settings.vnet_name is required',
      'add vnet_name: <vnet in the workspace resource group>, or give the full subnet id',
    );
    return undefined;
  }
  return { vnetName: vnet, subnetName: subnet };
}

function readScript(r: Reader, m: YAMLMap, path: string): SetupScriptSpec | undefined {
  const f = r.fields(m, path, ['path', 'command', 'timeout_minutes']);
  const p = r.str(f, 'path', path, { required: true, line: r.line(m) });
  const command = r.str(f, 'command', path);
  const timeout = r.int(f, 'timeout_minutes', path, { min: 1, max: 25, unit: 'minutes' });
  if (p === undefined) return undefined;
  return {
    path: p,
    ...(command !== undefined ? { command } : {}),
    ...(timeout !== undefined ? { timeoutMinutes: timeout } : {}),
  };
}

function readSchedule(r: Reader, node: Node, path: string, fallbackLine: number): ScheduleSpec | undefined {
  const m = asMap(r, node, path, fallbackLine);
  if (!m) return undefined;
  const f = r.fields(m, path, ['action', 'state', 'trigger']);
  const action = r.choice(f, 'action', path, ['start', 'stop'] as const, { required: true, line: r.line(m) });
  const state = r.choice(f, 'state', path, ['enabled', 'disabled'] as const);
  const tm = r.map(f, 'trigger', path);
  if (!tm) {
    if (!f.has('trigger'))
      r.problem(
        'MissingYamlKey',
        r.line(m),
        `${path}.trigger`,
        `${path}.trigger is required`,
        'add trigger: { type: cron, expression: "0 19 * * 1-5" }',
      );
    return undefined;
  }
  const tpath = `${path}.trigger`;
  const t = r.fields(tm, tpath, ['type', 'expression', 'start_time', 'time_zone', 'frequency', 'interval', 'schedule']);
  const type = r.choice(t, 'type', tpath, ['cron', 'recurrence'] as const, { required: true, line: r.line(tm) });
  const startTime = r.str(t, 'start_time', tpath);
  const timeZone = r.str(t, 'time_zone', tpath);
  let cron: string | undefined;
  let recurrence: ScheduleSpec['recurrence'];
  if (type === 'cron') {
    cron = r.str(t, 'expression', tpath, { required: true, line: r.line(tm) });
    for (const k of ['frequency', 'interval', 'schedule']) {
      if (t.has(k))
        r.problem(
          'UnsupportedYamlValue',
          r.line(t.get(k)!.key),
          `${tpath}.${k}`,
          `${tpath}.${k} belongs to recurrence triggers, not cron`,
          `remove ${k}, or use type: recurrence`,
        );
    }
    if (cron !== undefined) {
      const problem = cronProblem(cron);
      if (problem) {
        r.problem(
          'InvalidYamlValue',
          r.line(t.get('expression')!.value),
          `${tpath}.expression`,
          `${tpath}.expression ${JSON.stringify(cron)}: ${problem}`,
          'use "minute hour day-of-month month day-of-week", e.g. "0 19 * * 1-5"',
        );
        cron = undefined;
      }
    }
  } else if (type === 'recurrence') {
    // az ml sends a recurrence trigger as ARM `triggerType: Recurrence` (azure-ai-ml ComputeStartStopSchedule.
    // _to_rest_object → RecurrenceTrigger._to_rest_compute_recurrence_object, Azure/azure-sdk-for-python
    // sdk/ml/azure-ai-ml/azure/ai/ml/entities/_schedule/trigger.py @ 4a29c1016f0eb1eca6544550ff6c2fbe38e0498a), so it
    // stays one: frequency minute|hour|day|week|month, interval, schedule{hours, minutes, week_days} as
    // RecurrenceTriggerSchema / RecurrenceScheduleSchema define them (sdk/ml/azure-ai-ml/azure/ai/ml/_schema/compute/
    // schedule.py @ 27a87180013f9dba9103431144babf35f3493759; no month_days there: compute recurrences ignore them).
    if (t.has('expression'))
      r.problem(
        'UnsupportedYamlValue',
        r.line(t.get('expression')!.key),
        `${tpath}.expression`,
        `${tpath}.expression belongs to cron triggers`,
        'remove it, or use type: cron',
      );
    const frequency = r.choice(t, 'frequency', tpath, ['minute', 'hour', 'day', 'week', 'month'] as const, {
      required: true,
      line: r.line(tm),
    });
    const interval = r.int(t, 'interval', tpath, { min: 1, max: 1000 });
    const sm = r.map(t, 'schedule', tpath);
    const spath = `${tpath}.schedule`;
    const s = sm ? r.fields(sm, spath, ['hours', 'minutes', 'week_days']) : new Map<string, Pair<Node, Node | null>>();
    const ints = (key: string, max: number): number[] | undefined => {
      const items = r.seqOrOne(s, key, spath);
      if (!items) return undefined;
      const out: number[] = [];
      for (const it of items) {
        if (
          isScalar(it) &&
          typeof it.value === 'number' &&
          Number.isInteger(it.value) &&
          it.value >= 0 &&
          it.value <= max
        )
          out.push(it.value);
        else
          r.problem(
            'InvalidYamlValue',
            r.line(it, r.line(sm)),
            `${spath}.${key}`,
            `${spath}.${key} must list whole numbers 0–${max}`,
            `e.g. ${key}: [${key === 'hours' ? 19 : 0}]`,
          );
      }
      return out;
    };
    const hours = ints('hours', 23);
    const minutes = ints('minutes', 59);
    const dayItems = r.seqOrOne(s, 'week_days', spath);
    const days: WeekDay[] = [];
    for (const it of dayItems ?? []) {
      const d = isScalar(it) && typeof it.value === 'string' ? WEEKDAYS[it.value.toLowerCase()] : undefined;
      if (d === undefined)
        r.problem(
          'UnsupportedYamlValue',
          r.line(it, r.line(sm)),
          `${spath}.week_days`,
          `${spath}.week_days has ${isScalar(it) ? JSON.stringify(it.value) : 'an entry that is not a day name'}`,
          `use day names: ${Object.keys(WEEKDAYS).join(', ')}`,
        );
      else if (!days.includes(d)) days.push(d);
    }
    if (frequency !== undefined) {
      // A trigger without `schedule` is what az ml sends as empty lists ("Create empty pattern as schedule is
      // required in rest model": RecurrenceTrigger.__init__, trigger.py @ 4a29c101 above), so it converts to the same;
      // the generated code says so. A `schedule` that lists only one of hours and minutes is asked to list both,
      // where the line is known.
      if (!sm) {
        const freq = (frequency[0].toUpperCase() + frequency.slice(1)) as NonNullable<
          ScheduleSpec['recurrence']
        >['frequency'];
        recurrence = { frequency: freq, ...(interval !== undefined ? { interval } : {}), hours: [], minutes: [] };
      } else if (!hours?.length || !minutes?.length) {
        r.problem(
          'MissingYamlKey',
          r.line(sm ?? tm),
          `${spath}.${hours?.length ? 'minutes' : 'hours'}`,
          `${spath} needs hours and minutes (the times of day the schedule fires)`,
          'add schedule: { hours: [19], minutes: [0] }',
        );
      } else {
        const freq = (frequency[0].toUpperCase() + frequency.slice(1)) as NonNullable<
          ScheduleSpec['recurrence']
        >['frequency'];
        recurrence = {
          frequency: freq,
          ...(interval !== undefined ? { interval } : {}),
          hours,
          minutes,
          ...(days.length ? { weekDays: days } : {}),
        };
      }
    }
  }
  if (action === undefined || (cron === undefined && recurrence === undefined)) return undefined;
  return {
    action: action === 'start' ? 'Start' : 'Stop',
    ...(cron !== undefined ? { cron } : {}),
    ...(recurrence ? { recurrence } : {}),
    ...(timeZone !== undefined ? { timeZone } : {}),
    ...(startTime !== undefined ? { startTime } : {}),
    enabled: state !== 'disabled',
  };
}

function readApplication(r: Reader, node: Node, path: string, fallbackLine: number): CustomApplicationSpec | undefined {
  const m = asMap(r, node, path, fallbackLine);
  if (!m) return undefined;
  const f = r.fields(m, path, ['name', 'type', 'image', 'endpoints', 'environment_variables', 'bind_mounts']);
  const name = r.str(f, 'name', path, { required: true, line: r.line(m) });
  r.choice(f, 'type', path, ['docker'] as const);
  const im = r.map(f, 'image', path);
  let image: string | undefined;
  if (im) {
    const i = r.fields(im, `${path}.image`, ['type', 'reference']);
    r.choice(i, 'type', `${path}.image`, ['docker'] as const);
    image = r.str(i, 'reference', `${path}.image`, { required: true, line: r.line(im) });
  } else if (!f.has('image'))
    r.problem(
      'MissingYamlKey',
      r.line(m),
      `${path}.image`,
      `${path}.image is required`,
      'add image: { type: docker, reference: <registry/image:tag> }',
    );
  const endpoints: CustomApplicationSpec['endpoints'][number][] = [];
  const eps = r.seq(f, 'endpoints', path);
  if (!f.has('endpoints'))
    r.problem(
      'MissingYamlKey',
      r.line(m),
      `${path}.endpoints`,
      `${path}.endpoints is required`,
      'add endpoints: [ { target: 8787, published: 8787 } ]',
    );
  for (const [i, it] of (eps ?? []).entries()) {
    const epath = `${path}.endpoints[${i}]`;
    const em = asMap(r, it, epath, r.line(m));
    if (!em) continue;
    const e = r.fields(em, epath, ['name', 'target', 'published', 'protocol']);
    const target = r.int(e, 'target', epath, { min: 1, max: 65535 });
    const published = r.int(e, 'published', epath, { min: 1, max: 65535 });
    const protocol = r.choice(e, 'protocol', epath, ['http', 'tcp', 'udp'] as const);
    const epName = r.str(e, 'name', epath);
    if (!e.has('target') || !e.has('published'))
      r.problem(
        'MissingYamlKey',
        r.line(em),
        epath,
        `${epath} needs target and published ports`,
        'write { target: <container port>, published: <instance port> }',
      );
    if (target !== undefined && published !== undefined)
      endpoints.push({ name: epName ?? 'connect', target, published, ...(protocol ? { protocol } : {}) });
  }
  const volumes: CustomApplicationSpec['volumes'][number][] = [];
  for (const [i, it] of (r.seq(f, 'bind_mounts', path) ?? []).entries()) {
    const vpath = `${path}.bind_mounts[${i}]`;
    const vm = asMap(r, it, vpath, r.line(m));
    if (!vm) continue;
    const v = r.fields(vm, vpath, ['source', 'target', 'read_only']);
    const source = r.str(v, 'source', vpath, { required: true, line: r.line(vm) });
    const target = r.str(v, 'target', vpath, { required: true, line: r.line(vm) });
    const readOnly = r.bool(v, 'read_only', vpath);
    if (source !== undefined && target !== undefined)
      volumes.push({ source, target, ...(readOnly !== undefined ? { readOnly } : {}) });
  }
  const environment = r.stringMap(f, 'environment_variables', path) ?? {};
  if (name === undefined || image === undefined) return undefined;
  return { name, image, endpoints, volumes, environment };
}

function readSize(r: Reader, f: Map<string, Pair<Node, Node | null>>): { size: string; sizeDefaulted: boolean } {
  const s = r.str(f, 'size', '');
  // The az ml SDK default (ComputeDefaults.VMSIZE).
  return s === undefined
    ? { size: 'Standard_DS3_v2', sizeDefaulted: !f.has('size') }
    : { size: s.trim(), sizeDefaulted: false };
}

function readCommon(
  r: Reader,
  f: Map<string, Pair<Node, Node | null>>,
  name: string,
  line: number,
): Omit<InstanceSpec, 'kind' | 'size' | 'sizeDefaulted' | 'schedules' | 'applications'> {
  const description = r.str(f, 'description', '');
  const tags = r.stringMap(f, 'tags', '');
  const location = r.str(f, 'location', '');
  const identity = f.has('identity') ? readIdentity(r, f) : undefined;
  return {
    name,
    line,
    ...(description !== undefined ? { description } : {}),
    ...(tags ? { tags } : {}),
    ...(location !== undefined ? { location } : {}),
    ...(identity ? { identity } : {}),
  };
}

function readInstance(r: Reader, f: Map<string, Pair<Node, Node | null>>, name: string, line: number): InstanceSpec {
  const common = readCommon(r, f, name, line);
  const { size, sizeDefaulted } = readSize(r, f);
  let assignedUser: InstanceSpec['assignedUser'];
  const cob = r.map(f, 'create_on_behalf_of', '');
  if (cob) {
    const c = r.fields(cob, 'create_on_behalf_of', ['user_tenant_id', 'user_object_id']);
    const tenantId = r.str(c, 'user_tenant_id', 'create_on_behalf_of', { required: true, line: r.line(cob) });
    const objectId = r.str(c, 'user_object_id', 'create_on_behalf_of', { required: true, line: r.line(cob) });
    for (const [k, v] of [
      ['user_tenant_id', tenantId],
      ['user_object_id', objectId],
    ] as const) {
      if (v !== undefined && !isGuid(v))
        r.problem(
          'InvalidYamlValue',
          r.line(c.get(k)!.value),
          `create_on_behalf_of.${k}`,
          `create_on_behalf_of.${k} ${JSON.stringify(v)} is not a GUID`,
          k === 'user_object_id'
            ? 'use the Entra object id: az ad user show --id <upn> --query id'
            : 'use the tenant id: az account show --query tenantId',
        );
    }
    if (tenantId && objectId && isGuid(tenantId) && isGuid(objectId)) assignedUser = { objectId, tenantId };
  }
  const publicAccess = r.bool(f, 'ssh_public_access_enabled', '');
  const sm = r.map(f, 'ssh_settings', '');
  let publicKey: string | undefined;
  if (sm) {
    const s = r.fields(sm, 'ssh_settings', ['ssh_key_value'], {
      admin_username: 'compute instances always use azureuser (read-only in az ml); remove the key',
      ssh_port: 'the SSH port of a compute instance is set by the service (read-only in az ml); remove the key',
      admin_password: 'compute instances accept only SSH keys; remove the password and use ssh_key_value',
    });
    publicKey = readPublicKey(r, s, sm);
  }
  let ssh: InstanceSpec['ssh'];
  if (publicAccess === true) {
    if (!sm)
      r.problem(
        'SshKeyMissing',
        r.line(f.get('ssh_public_access_enabled')!.value),
        'ssh_public_access_enabled',
        'SSH is enabled but no ssh_settings.ssh_key_value is given',
        'add ssh_settings: { ssh_key_value: "ssh-ed25519 AAAA… you@host" } (the content of ~/.ssh/id_ed25519.pub)',
      );
    else if (publicKey !== undefined) ssh = { enabled: true, publicKey };
  } else if (sm && publicKey !== undefined) {
    // A key without public access: SSH from inside the VNet only. azure-ai-ml sends sshPublicAccess Disabled with the
    // key in that case (ComputeInstance._to_rest_object, see SshAccessOptions.publicAccess).
    ssh = { enabled: true, publicKey, publicAccess: false };
  } else if (publicAccess === false) ssh = { enabled: false };
  const subnet = f.has('network_settings') ? readSubnet(r, f) : undefined;
  const nodePublicIp = r.bool(f, 'enable_node_public_ip', '');
  let idleShutdown: InstanceSpec['idleShutdown'];
  const minutes = r.int(f, 'idle_time_before_shutdown_minutes', '', { min: 15, max: 3 * 24 * 60, unit: 'minutes' });
  const iso = r.str(f, 'idle_time_before_shutdown', '');
  // Both keys: az ml sends the minutes and ignores the deprecated ISO form (azure-ai-ml ComputeInstance._to_rest_object:
  // `if self.idle_time_before_shutdown_minutes: ... elif self.idle_time_before_shutdown: ...`, Azure/azure-sdk-for-python
  // sdk/ml/azure-ai-ml/azure/ai/ml/entities/_compute/compute_instance.py @ 033b5693f144e45c6cea957a917900773a667b88).
  if (minutes !== undefined) idleShutdown = { minutes };
  else if (iso !== undefined) {
    const m = /^PT(\d+)M$/.exec(iso.trim());
    if (!m || Number(m[1]) < 15 || Number(m[1]) > 4320)
      r.problem(
        'InvalidYamlValue',
        r.line(f.get('idle_time_before_shutdown')!.value),
        'idle_time_before_shutdown',
        `idle_time_before_shutdown ${JSON.stringify(iso)} is not PT<15–4320>M`,
        'use idle_time_before_shutdown_minutes: <15–4320> (the ISO form is deprecated)',
      );
    else idleShutdown = { iso: iso.trim() };
  }
  const schedules: ScheduleSpec[] = [];
  const sch = r.map(f, 'schedules', '');
  if (sch) {
    const s = r.fields(sch, 'schedules', ['compute_start_stop']);
    const items = r.seq(s, 'compute_start_stop', 'schedules') ?? [];
    if (items.length > 4)
      r.problem(
        'InvalidYamlValue',
        r.line(s.get('compute_start_stop')!.value),
        'schedules.compute_start_stop',
        `a compute instance takes at most 4 schedules, got ${items.length}`,
        'combine days in one cron expression, e.g. "0 19 * * 1-5"',
      );
    for (const [i, it] of items.entries()) {
      const spec = readSchedule(r, it, `schedules.compute_start_stop[${i}]`, r.line(sch));
      if (spec) schedules.push(spec);
    }
  }
  let creationScript: SetupScriptSpec | undefined;
  let startupScript: SetupScriptSpec | undefined;
  const ss = r.map(f, 'setup_scripts', '');
  if (ss) {
    const s = r.fields(ss, 'setup_scripts', ['creation_script', 'startup_script']);
    const cm = r.map(s, 'creation_script', 'setup_scripts');
    if (cm) creationScript = readScript(r, cm, 'setup_scripts.creation_script');
    const sm2 = r.map(s, 'startup_script', 'setup_scripts');
    if (sm2) startupScript = readScript(r, sm2, 'setup_scripts.startup_script');
  }
  const applications: CustomApplicationSpec[] = [];
  for (const [i, it] of (r.seq(f, 'custom_applications', '') ?? []).entries()) {
    const app = readApplication(r, it, `custom_applications[${i}]`, line);
    if (app) applications.push(app);
  }
  const sso = r.bool(f, 'enable_sso', '');
  const rootAccess = r.bool(f, 'enable_root_access', '');
  return {
    kind: 'computeinstance',
    ...common,
    size,
    sizeDefaulted,
    ...(assignedUser ? { assignedUser } : {}),
    ...(ssh ? { ssh } : {}),
    ...(subnet ? { subnet } : {}),
    ...(nodePublicIp !== undefined ? { nodePublicIp } : {}),
    ...(idleShutdown ? { idleShutdown } : {}),
    schedules,
    ...(creationScript ? { creationScript } : {}),
    ...(startupScript ? { startupScript } : {}),
    applications,
    ...(sso !== undefined ? { sso } : {}),
    ...(rootAccess !== undefined ? { rootAccess } : {}),
  };
}

/** `ssh_settings.ssh_key_value`: an OpenSSH public key; a private key is refused without echoing it. */
function readPublicKey(r: Reader, s: Map<string, Pair<Node, Node | null>>, sm: YAMLMap): string | undefined {
  const pair = s.get('ssh_key_value');
  if (!pair) return undefined;
  const v = pair.value;
  const text = isScalar(v) && typeof v.value === 'string' ? v.value : undefined;
  if (text !== undefined && /PRIVATE KEY/.test(text)) {
    r.problem(
      'InvalidYamlValue',
      r.line(v, r.line(sm)),
      'ssh_settings.ssh_key_value',
      'ssh_settings.ssh_key_value holds a private key (value hidden); it must never be in a YAML file or a program',
      'use the public key (the content of ~/.ssh/id_ed25519.pub), and rotate the private key that was written here',
    );
    return undefined;
  }
  const key: string | undefined = r.str(s, 'ssh_key_value', 'ssh_settings');
  if (key === undefined) return undefined;
  if (!isSshPublicKey(String(key))) {
    r.problem(
      'InvalidYamlValue',
      r.line(v),
      'ssh_settings.ssh_key_value',
      `ssh_settings.ssh_key_value is not an OpenSSH public key ${describeNotPublicKey(key)}`,
      'paste the content of ~/.ssh/id_ed25519.pub ("ssh-ed25519 AAAA… you@host"); a file path is not read',
    );
    return undefined;
  }
  return key.trim();
}

function readCluster(r: Reader, f: Map<string, Pair<Node, Node | null>>, name: string, line: number): ClusterSpec {
  const common = readCommon(r, f, name, line);
  const { size, sizeDefaulted } = readSize(r, f);
  let tier: ClusterSpec['tier'];
  const t = r.str(f, 'tier', '');
  if (t !== undefined) {
    const k = t.toLowerCase().replace(/[_\s-]/g, '');
    if (k === 'dedicated') tier = 'Dedicated';
    else if (k === 'lowpriority') tier = 'LowPriority';
    else
      r.problem(
        'UnsupportedYamlValue',
        r.line(f.get('tier')!.value),
        'tier',
        `tier is ${JSON.stringify(t)}`,
        'use dedicated or low_priority',
      );
  }
  const minInstances = r.int(f, 'min_instances', '', { min: 0, max: 10000 });
  const max = r.int(f, 'max_instances', '', { min: 1, max: 10000 });
  if (minInstances !== undefined && max !== undefined && max < minInstances) {
    r.problem(
      'InvalidYamlValue',
      r.line(f.get('max_instances')!.value),
      'max_instances',
      `max_instances (${max}) is below min_instances (${minInstances})`,
      'raise max_instances or lower min_instances',
    );
  }
  const idle = r.int(f, 'idle_time_before_scale_down', '', { min: 0, max: 7 * 24 * 3600, unit: 'seconds' });
  const publicAccess = r.bool(f, 'ssh_public_access_enabled', '');
  const nodePublicIp = r.bool(f, 'enable_node_public_ip', '');
  const sm = r.map(f, 'ssh_settings', '');
  let ssh: ClusterSpec['ssh'];
  if (sm) {
    const s = r.fields(sm, 'ssh_settings', ['admin_username', 'admin_password', 'ssh_key_value']);
    const adminUserName = r.str(s, 'admin_username', 'ssh_settings');
    if (adminUserName !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(adminUserName)) {
      r.problem(
        'InvalidYamlValue',
        r.line(s.get('admin_username')!.value),
        'ssh_settings.admin_username',
        `ssh_settings.admin_username ${JSON.stringify(adminUserName)} is not a valid Linux user name`,
        'use lower-case letters, digits, "_" or "-", e.g. azureuser',
      );
    }
    const publicKey = readPublicKey(r, s, sm);
    const pw = s.get('admin_password');
    let passwordLine: number | undefined;
    if (pw) {
      // Only where it was: the value itself is never read into anything.
      if (isScalar(pw.value) && pw.value.value !== null && text(pw.value.value) !== '') passwordLine = r.line(pw.key);
      else
        r.problem(
          'WrongYamlType',
          r.line(pw.value ?? pw.key),
          'ssh_settings.admin_password',
          'ssh_settings.admin_password must be a plain value (value hidden)',
          'remove it and use ssh_key_value, or give the password',
        );
    }
    if (!s.has('ssh_key_value') && !pw)
      r.problem(
        'SshKeyMissing',
        r.line(sm),
        'ssh_settings',
        'ssh_settings gives neither ssh_key_value nor admin_password',
        'add ssh_key_value: "ssh-ed25519 AAAA… you@host" (preferred)',
      );

    ssh = {
      enabled: true,
      ...(adminUserName !== undefined ? { adminUserName } : {}),
      ...(publicKey !== undefined ? { publicKey } : {}),
      ...(passwordLine !== undefined ? { passwordLine } : {}),
      ...(publicAccess === false ? { publicAccess: false as const } : {}),
    };
  } else if (publicAccess === true) {
    r.problem(
      'SshKeyMissing',
      r.line(f.get('ssh_public_access_enabled')!.value),
      'ssh_public_access_enabled',
      'SSH is enabled but no ssh_settings are given',
      'add ssh_settings: { admin_username: azureuser, ssh_key_value: "ssh-ed25519 AAAA… you@host" }',
    );
  } else if (publicAccess === false) ssh = { enabled: false };
  const subnet = f.has('network_settings') ? readSubnet(r, f) : undefined;
  return {
    kind: 'amlcompute',
    ...common,
    size,
    sizeDefaulted,
    ...(tier ? { tier } : {}),
    ...(minInstances !== undefined ? { minInstances } : {}),
    // The az ml default is 1 (reference-yaml-compute-aml); the service needs a value.
    maxInstances: max ?? 1,
    maxDefaulted: !f.has('max_instances'),
    ...(idle !== undefined ? { idleSecondsBeforeScaleDown: idle } : {}),
    ...(ssh ? { ssh } : {}),
    ...(subnet ? { subnet } : {}),
    ...(nodePublicIp !== undefined ? { nodePublicIp } : {}),
  };
}

function readResourceId(
  r: Reader,
  f: Map<string, Pair<Node, Node | null>>,
  line: number,
  allowed: readonly string[],
): string | undefined {
  const id = r.str(f, 'resource_id', '', { required: true, line });
  if (id === undefined) return undefined;
  const parsed = parseArmId(id);
  if (!parsed || !allowed.some((t) => t.toLowerCase() === parsed.type.toLowerCase())) {
    r.problem(
      'InvalidYamlValue',
      r.line(f.get('resource_id')!.value),
      'resource_id',
      `resource_id must be the ARM id of a ${allowed.join(' or ')}${parsed ? `, got a ${parsed.type}` : ''}`,
      `copy the id: az resource show -n <name> -g <rg> --resource-type ${allowed[0]} --query id`,
    );
    return undefined;
  }
  return id;
}

function readKubernetes(
  r: Reader,
  f: Map<string, Pair<Node, Node | null>>,
  name: string,
  line: number,
): KubernetesSpec | undefined {
  const description = r.str(f, 'description', '');
  const resourceId = readResourceId(r, f, line, [
    'Microsoft.ContainerService/managedClusters',
    'Microsoft.Kubernetes/connectedClusters',
  ]);
  const namespace = r.str(f, 'namespace', '');
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    r.problem(
      'InvalidYamlValue',
      r.line(f.get('namespace')!.value),
      'namespace',
      `namespace ${JSON.stringify(namespace)} is not a Kubernetes namespace name`,
      'use lower-case letters, digits and "-", e.g. azureml',
    );
  }
  if (resourceId === undefined) return undefined;
  return {
    kind: 'kubernetes',
    name,
    line,
    ...(description !== undefined ? { description } : {}),
    resourceId,
    ...(namespace !== undefined ? { namespace } : {}),
  };
}

function readSynapseSpark(
  r: Reader,
  f: Map<string, Pair<Node, Node | null>>,
  name: string,
  line: number,
): SynapseSparkSpec | undefined {
  const description = r.str(f, 'description', '');
  const resourceId = readResourceId(r, f, line, ['Microsoft.Synapse/workspaces/bigDataPools']);
  if (resourceId === undefined) return undefined;
  return { kind: 'synapsespark', name, line, ...(description !== undefined ? { description } : {}), resourceId };
}

function readVirtualMachine(
  r: Reader,
  f: Map<string, Pair<Node, Node | null>>,
  name: string,
  line: number,
): VirtualMachineSpec | undefined {
  const description = r.str(f, 'description', '');
  const resourceId = readResourceId(r, f, line, ['Microsoft.Compute/virtualMachines']);
  const sm = r.map(f, 'ssh_settings', '');
  if (!sm && !f.has('ssh_settings'))
    r.problem(
      'MissingYamlKey',
      line,
      'ssh_settings',
      'attaching a VM needs ssh_settings (admin_username and a private key file or password)',
      'add ssh_settings: { admin_username: azureuser, ssh_private_key_file: ~/.ssh/id_rsa }',
    );
  let adminUserName: string | undefined;
  let passwordLine: number | undefined;
  let privateKeyFile: VirtualMachineSpec['privateKeyFile'];
  let sshPort: number | undefined;
  if (sm) {
    const s = r.fields(sm, 'ssh_settings', ['admin_username', 'admin_password', 'ssh_private_key_file', 'ssh_port']);
    adminUserName = r.str(s, 'admin_username', 'ssh_settings', { required: true, line: r.line(sm) });
    const pw = s.get('admin_password');
    if (pw) passwordLine = r.line(pw.key);
    const keyFile = r.str(s, 'ssh_private_key_file', 'ssh_settings');
    if (keyFile !== undefined) privateKeyFile = { path: keyFile, line: r.line(s.get('ssh_private_key_file')!.key) };
    sshPort = r.int(s, 'ssh_port', 'ssh_settings', { min: 1, max: 65535 });
    if (!pw && !s.has('ssh_private_key_file'))
      r.problem(
        'SshKeyMissing',
        r.line(sm),
        'ssh_settings',
        'ssh_settings gives neither ssh_private_key_file nor admin_password',
        'add ssh_private_key_file: <path of the private key>',
      );
  }
  if (resourceId === undefined || adminUserName === undefined) return undefined;
  return {
    kind: 'virtualmachine',
    name,
    line,
    ...(description !== undefined ? { description } : {}),
    resourceId,
    adminUserName,
    ...(passwordLine !== undefined ? { passwordLine } : {}),
    ...(privateKeyFile ? { privateKeyFile } : {}),
    ...(sshPort !== undefined ? { sshPort } : {}),
  };
}

/**
 * Template placeholders left in a file: `<SUBSCRIPTION_ID>`-style (Microsoft's docs and samples write them so) and
 * `${{…}}` expressions (az ml resolves those only in job and pipeline YAML; its compute schemas are plain fields).
 * az ml would send either to Azure as written, so every one is refused, in keys and values alike, with its key path
 * and line.
 */
const PLACEHOLDER = /<[A-Za-z][A-Za-z0-9 _.-]*>|\$\{\{[^}]*\}\}/;

function findPlaceholders(r: Reader, node: Node | null, path: string, found: Set<string>): void {
  if (isMap(node)) {
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '?';
      const full = path ? `${path}.${k}` : k;
      if (isScalar(pair.key)) report(r, pair.key, path || '(document)', full, found, true);
      findPlaceholders(r, pair.value, full, found);
    }
  } else if (isSeq(node)) {
    for (const [i, item] of (node.items as Node[]).entries()) findPlaceholders(r, item, `${path}[${i}]`, found);
  } else if (isScalar(node)) report(r, node, path, path, found, false);
}

function report(r: Reader, node: Node, path: string, shown: string, found: Set<string>, isKey: boolean): void {
  if (!isScalar(node) || typeof node.value !== 'string') return;
  const m = PLACEHOLDER.exec(node.value);
  if (!m) return;
  const line = r.line(node);
  const secret = !isKey && SECRET_KEYS.has(path.split('.').pop()!);
  const what = secret ? 'a placeholder (value hidden)' : `the placeholder ${m[0]}`;
  const expr = m[0].startsWith('${{');
  found.add(`${path}@${line}`);
  r.problem(
    'YamlPlaceholder',
    line,
    path,
    `${isKey ? `a key of ${path}` : shown} holds ${what}, which az ml would send to Azure as written`,
    expr
      ? 'write the value itself: compute YAML has no ${{…}} expressions (az ml resolves them only in jobs and pipelines)'
      : `replace ${secret ? 'it' : m[0]} with the real value`,
  );
}

/** Parse and check az ml compute YAML. Returns the specs, or the problems (never both empty for bad input). */
export function readAzmlComputeYaml(text: string): { specs: ComputeSpec[]; problems: YamlProblem[] } {
  const lc = new LineCounter();
  const r = new Reader(lc);
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false });
  const specs: ComputeSpec[] = [];
  const names = new Map<string, number>();
  /** `key@line` of every placeholder: other problems at the same spot (not a GUID, …) would only repeat it. */
  const placeholders = new Set<string>();
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        r.problem(
          'YamlSyntax',
          lc.linePos(e.pos[0]).line,
          '(syntax)',
          e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
          'fix the YAML syntax (indentation, quotes, brackets, one key per line)',
        );
      }
      continue;
    }
    const root = doc.contents as Node | null;
    if (root === null || (isScalar(root) && root.value === null)) continue; // an empty document (e.g. a trailing ---)
    if (!isMap(root)) {
      r.problem(
        'WrongYamlType',
        r.line(root),
        '(document)',
        'a compute document must be a mapping of keys (name, type, size, ...)',
        'start the document with name: <compute name> and type: <compute type>',
      );
      continue;
    }
    const docLine = r.line(root);
    findPlaceholders(r, root, '', placeholders);
    const pre = new Map<string, Pair<Node, Node | null>>();
    for (const pair of root.items as Pair<Node, Node | null>[])
      if (isScalar(pair.key)) pre.set(String(pair.key.value), pair);
    const type = r.str(pre, 'type', '', { required: true, line: docLine })?.toLowerCase();
    const name = r.str(pre, 'name', '', { required: true, line: docLine });
    if (type === undefined) continue;
    if (!(SUPPORTED_TYPES as readonly string[]).includes(type)) {
      r.problem(
        'UnsupportedComputeType',
        r.line(pre.get('type')!.value),
        'type',
        `type ${JSON.stringify(type)} cannot be converted`,
        `use one of: ${SUPPORTED_TYPES.join(', ')}`,
      );
      continue;
    }
    const kind = type as (typeof SUPPORTED_TYPES)[number];
    const f = r.fields(root, '', KEYS[kind], UNSUPPORTED_KEYS[kind]);
    r.str(f, '$schema', '');
    const nameLine = pre.get('name') ? r.line(pre.get('name')!.value) : docLine;
    if (name !== undefined) {
      if (name.length > NAME_RULES.compute.maxLength || !NAME_RULES.compute.pattern.test(name)) {
        r.problem(
          'InvalidComputeName',
          nameLine,
          'name',
          `name ${JSON.stringify(name)} is not a valid compute name`,
          `${NAME_RULES.compute.description}; e.g. "gpu-cluster-a" instead of "gpu-cluster-1"`,
        );
        continue;
      }
      const seen = names.get(name.toLowerCase());
      if (seen !== undefined) {
        r.problem(
          'DuplicateComputeName',
          nameLine,
          'name',
          `name ${JSON.stringify(name)} is used by another document too (line ${seen})`,
          'compute names are unique per region: rename one of them',
        );
        continue;
      }
      names.set(name.toLowerCase(), nameLine);
    }
    if (name === undefined) continue;
    const spec =
      kind === 'computeinstance'
        ? readInstance(r, f, name, nameLine)
        : kind === 'amlcompute'
          ? readCluster(r, f, name, nameLine)
          : kind === 'kubernetes'
            ? readKubernetes(r, f, name, nameLine)
            : kind === 'synapsespark'
              ? readSynapseSpark(r, f, name, nameLine)
              : readVirtualMachine(r, f, name, nameLine);
    if (spec) specs.push(spec);
  }
  if (placeholders.size) {
    const kept = r.problems.filter((p) => p.code === 'YamlPlaceholder' || !placeholders.has(`${p.key}@${p.line}`));
    r.problems.splice(0, r.problems.length, ...kept);
  }
  if (r.problems.length === 0 && specs.length === 0)
    r.problem(
      'EmptyYaml',
      1,
      '(document)',
      'the file holds no compute document',
      'write at least name: and type: (see docs/import.md)',
    );
  return { specs, problems: r.problems };
}

/** The first problem as an InputError (file, line, key, fix), with the others listed in its message. */
export function yamlProblemsError(file: string, problems: readonly YamlProblem[]): InputError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const first = sorted[0];
  const more = sorted
    .slice(1)
    .map((p) => `\n  also ${file}:${p.line}: ${p.code}: ${p.message} (fix: ${p.fix})`)
    .join('');
  return new InputError(first.code, `${first.message}${more}; nothing was written`, {
    file,
    line: first.line,
    fix: first.fix,
  });
}
