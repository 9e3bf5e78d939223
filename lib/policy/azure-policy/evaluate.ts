/**
 * Offline Azure Policy evaluation: runs `policyRule.if` of each definition against each manifest resource and
 * reports the effect Azure would apply (Audit, Deny, Modify, ...) or Compliant.
 *
 * Semantics follow the Azure Policy docs: string comparisons are case-insensitive; a `[*]` alias in a plain
 * condition must hold for every element (true for an empty array); `count` counts elements (optionally
 * filtered by `where`); a missing property makes `exists: false`, `notEquals`, `notIn`, `notLike`, ... true.
 */
import type { Manifest, ManifestResource } from '../../manifest/types.js';
import type { AzurePolicyResult } from '../types.js';
import { aliasPaths, parsePath, type Segment } from './aliases.js';
import {
  ExpressionError,
  compare,
  evaluateValue,
  isExpression,
  looseEquals,
  type ExpressionEnv,
  type Value,
} from './expression.js';
import { text } from '../../core/text.js';
import { describeDeployTimeValue, hasUnknownPart, isDeployTimeValue } from '../../manifest/unknown.js';
import { classifyPath, computeTypeOf, fieldTableFor } from '../../catalog/field-tables.js';
import { PROJECTED_PATHS, deployedView, type DeployedView } from './deployed-state.js';

/** A policy definition as loaded from JSON. */
export interface PolicyDefinition {
  /** Definition name (GUID for built-ins) or file name. */
  readonly name: string;
  readonly displayName?: string;
  /** `All`, `Indexed`, or a resource provider mode. @default Indexed */
  readonly mode?: string;
  readonly parameters?: Readonly<
    Record<
      string,
      { readonly type?: string; readonly defaultValue?: unknown; readonly allowedValues?: readonly unknown[] }
    >
  >;
  readonly policyRule: {
    readonly if: Condition;
    readonly then: { readonly effect: string; readonly details?: unknown };
  };
  /** Where it was loaded from, for errors. */
  readonly file?: string;
}

export type Condition = Readonly<Record<string, unknown>>;

/** Definitions plus the parameter values to assign them with. */
export interface AzurePolicyInput {
  readonly definitions: readonly PolicyDefinition[];
  /** Parameter values per definition name (or `*` for all). */
  readonly parameters?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Definitions known to exist but not evaluable (e.g. a policy set member whose file was not given). */
  readonly notes?: readonly { readonly definition: string; readonly displayName?: string; readonly note: string }[];
}

export const CONDITION_OPERATORS = [
  'equals',
  'notEquals',
  'like',
  'notLike',
  'match',
  'matchInsensitively',
  'notMatch',
  'notMatchInsensitively',
  'contains',
  'notContains',
  'in',
  'notIn',
  'containsKey',
  'notContainsKey',
  'less',
  'lessOrEquals',
  'greater',
  'greaterOrEquals',
  'exists',
] as const;

const OPS_LOWER = new Map(CONDITION_OPERATORS.map((o) => [o.toLowerCase(), o]));

const EFFECTS: Record<string, string> = {
  audit: 'Audit',
  deny: 'Deny',
  disabled: 'Disabled',
  modify: 'Modify',
  append: 'Append',
  auditifnotexists: 'AuditIfNotExists',
  deployifnotexists: 'DeployIfNotExists',
  denyaction: 'DenyAction',
  manual: 'Manual',
  enforcesetting: 'EnforceSetting',
};

/** Resource types that do not support tags and location (skipped by `Indexed` definitions). */
const NOT_INDEXED = new Set([
  'microsoft.network/virtualnetworks/subnets',
  'microsoft.network/networksecuritygroups/securityrules',
  'microsoft.authorization/roleassignments',
  'microsoft.authorization/roledefinitions',
  'microsoft.network/privateendpoints/privatednszonegroups',
  'microsoft.machinelearningservices/workspaces/datastores',
]);

interface Frame {
  readonly kind: 'field' | 'value';
  /** Field count: the count's alias pattern (segments) and the concrete path of the current element. */
  readonly pattern?: Segment[];
  readonly concrete?: (string | number)[];
  readonly name?: string;
  readonly alias?: string;
  readonly value: Value;
}

interface Ctx {
  readonly resource: ManifestResource;
  readonly manifest: Manifest;
  /** The manifest as deployed (projected read-only state) plus the resources Azure creates itself. */
  readonly view: DeployedView;
  readonly params: Readonly<Record<string, unknown>>;
  readonly frames: readonly Frame[];
}

class NotEvaluable extends Error {}

/** A value known only at deploy time cannot be judged: the definition is not evaluable on this resource. */
function refuseDeployTime(v: unknown, what: string): void {
  if (isDeployTimeValue(v)) throw new NotEvaluable(`${what} is ${describeDeployTimeValue(v)}`);
  if (hasUnknownPart(v)) throw new NotEvaluable(`${what} is ${String(v)}, which has a part known only at deploy time`);
}

function getPath(obj: unknown, path: readonly (string | number)[]): Value {
  let cur: unknown = obj;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (cur === null || typeof cur !== 'object') return undefined;
    refuseDeployTime(cur, path.slice(0, i).join('.') || 'the body');
    if (Array.isArray(cur) && typeof seg === 'number') {
      cur = cur[seg];
      continue;
    }
    const rec = cur as Record<string, unknown>;
    if (typeof seg === 'string' && !(seg in rec)) {
      const key = Object.keys(rec).find((k) => k.toLowerCase() === seg.toLowerCase());
      cur = key === undefined ? undefined : rec[key];
    } else cur = rec[seg as string];
  }
  refuseDeployTime(cur, path.join('.'));
  return cur;
}

/** Every concrete (path, value) an alias path with `[*]` reaches. Missing arrays give no elements. */
function expand(
  obj: unknown,
  segs: readonly (Segment | number)[],
  prefix: (string | number)[] = [],
): { path: (string | number)[]; value: Value }[] {
  const star = segs.indexOf('*');
  if (star < 0) return [{ path: [...prefix, ...(segs as (string | number)[])], value: getPath(obj, segs) }];
  const head = segs.slice(0, star);
  const arr = getPath(obj, head);
  if (!Array.isArray(arr)) return [];
  const out: { path: (string | number)[]; value: Value }[] = [];
  arr.forEach((el, i) => out.push(...expand(el, segs.slice(star + 1), [...prefix, ...head, i])));
  return out;
}

function tagsOf(r: ManifestResource): Record<string, string> {
  const t = r.body.tags;
  return t && typeof t === 'object' ? (t as Record<string, string>) : {};
}

/** `parent/child` names after the last provider segment of the id (Azure Policy's `fullName`). */
function fullNameOf(r: ManifestResource): string {
  const parts = r.id.split('/providers/').pop()!.split('/');
  return parts.filter((_, i) => i >= 2 && i % 2 === 0).join('/');
}

/**
 * The field-table source when a body path is read-only (Azure fills it after deployment, e.g. a compute instance's
 * `osImageMetadata`), else undefined. A desired state cannot say what Azure will put there.
 */
function readOnlySource(r: ManifestResource, segs: readonly (Segment | number)[]): string | undefined {
  const projected = PROJECTED_PATHS.get(r.type.toLowerCase());
  if (projected && projected.every((p, i) => String(segs[i]).toLowerCase() === p.toLowerCase())) return undefined;
  const c = classifyPath(fieldTableFor(r.type, computeTypeOf(r.body)), segs.map(String));
  return c.update === 'ignore' && /readOnly/i.test(c.source) ? c.source : undefined;
}

/** Special fields (name, type, tags['x'] ...) or aliases, with count-frame substitution. */
function resolveField(alias: string, ctx: Ctx): { values: Value[]; star: boolean } {
  const r = ctx.resource;
  const a = alias.trim();
  const al = a.toLowerCase();
  const single = (v: Value): { values: Value[]; star: boolean } => {
    refuseDeployTime(v, a);
    return { values: [v], star: false };
  };
  switch (al) {
    case 'name':
      return single(r.name);
    case 'fullname':
      return single(fullNameOf(r));
    case 'type':
      return single(r.type);
    case 'kind':
      return single(r.body.kind);
    case 'location':
      return single(r.body.location);
    case 'id':
      return single(r.id);
    case 'tags':
      return single(r.body.tags);
    case 'identity.type':
      return single(getPath(r.body, ['identity', 'type']));
    case 'identity.userassignedidentities':
      return single(getPath(r.body, ['identity', 'userAssignedIdentities']));
  }
  const tagMatch = /^tags(?:\['(.+)'\]|\[(.+)\]|\.(.+))$/i.exec(a);
  if (tagMatch) {
    const key = tagMatch[1] ?? tagMatch[2] ?? tagMatch[3];
    const tags = tagsOf(r);
    const k = Object.keys(tags).find((x) => x.toLowerCase() === key.toLowerCase());
    return single(k === undefined ? undefined : tags[k]);
  }
  const candidates = aliasPaths(a, r.type);
  if (candidates.length === 0) return single(undefined);
  let best: { values: Value[]; star: boolean } | undefined;
  for (const segs0 of candidates) {
    let segs: (Segment | number)[] = segs0;
    // Inside count: replace the count's [*] prefix with the current element's concrete path.
    for (let i = ctx.frames.length - 1; i >= 0; i--) {
      const f = ctx.frames[i];
      if (f.kind !== 'field' || !f.pattern || !f.concrete) continue;
      const p = f.pattern;
      if (
        segs.length >= p.length &&
        p.every(
          (s, j) =>
            typeof segs[j] === 'string' && (s === '*' ? segs[j] === '*' : segs[j].toLowerCase() === s.toLowerCase()),
        )
      ) {
        segs = [...f.concrete, ...segs.slice(p.length)];
        break;
      }
    }
    const star = segs.includes('*');
    const values = expand(r.body, segs).map((e) => e.value);
    const result = { values, star };
    if (!best) best = result;
    if (star ? values.length > 0 : values[0] !== undefined) return result;
  }
  for (const segs of candidates) {
    const ro = readOnlySource(r, segs);
    if (ro)
      throw new NotEvaluable(
        `${a} is read-only (${ro}): Azure sets it after deployment, so the desired state cannot tell what it will be`,
      );
  }
  return best!;
}

function envFor(ctx: Ctx): ExpressionEnv {
  return {
    apiVersion: ctx.resource.apiVersion,
    parameter: (name) => {
      const key = Object.keys(ctx.params).find((k) => k.toLowerCase() === name.toLowerCase());
      if (key === undefined) throw new NotEvaluable(`parameter "${name}" has no value and no default`);
      return ctx.params[key];
    },
    field: (alias) => {
      const f = resolveField(alias, ctx);
      return f.star ? f.values : f.values[0];
    },
    current: (name) => {
      for (let i = ctx.frames.length - 1; i >= 0; i--) {
        const f = ctx.frames[i];
        if (name === undefined) return f.value;
        if (f.kind === 'value' && f.name?.toLowerCase() === name.toLowerCase()) return f.value;
        if (f.kind === 'field' && f.alias?.toLowerCase() === name.toLowerCase()) return f.value;
        if (f.kind === 'field' && f.pattern) {
          // current('<count alias>[*].prop') reads a property of the current element.
          const segs = aliasPaths(name, ctx.resource.type)[0];
          if (
            segs &&
            segs.length > f.pattern.length &&
            f.pattern.every((s, j) => (s === '*' ? segs[j] === '*' : s.toLowerCase() === String(segs[j]).toLowerCase()))
          ) {
            return getPath(f.value, segs.slice(f.pattern.length));
          }
        }
      }
      throw new NotEvaluable(`current(${name ? `'${name}'` : ''}) is used outside a matching count`);
    },
  };
}

function val(v: Value, ctx: Ctx): Value {
  try {
    return evaluateValue(v, envFor(ctx));
  } catch (e) {
    if (e instanceof ExpressionError) throw new NotEvaluable(e.message);
    throw e;
  }
}

function matchPattern(value: Value, pattern: string, insensitive: boolean): boolean {
  if (typeof value !== 'string') return false;
  let re = '';
  for (const ch of pattern)
    re += ch === '#' ? '\\d' : ch === '?' ? '[A-Za-z]' : ch === '.' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${re}$`, insensitive ? 'is' : 's').test(value);
}

function likePattern(value: Value, pattern: string): boolean {
  if (typeof value !== 'string') return false;
  const re = pattern
    .split('*')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`, 'is').test(value);
}

function truthy(x: Value): boolean {
  return x === true || (typeof x === 'string' && x.toLowerCase() === 'true');
}

/** Apply one condition operator. Exported for tests. */
export function applyOperator(op: string, v: Value, x: Value): boolean {
  switch (op) {
    case 'equals':
      return looseEquals(v, x);
    case 'notEquals':
      return !looseEquals(v, x);
    case 'like':
      return likePattern(v, String(x));
    case 'notLike':
      return !likePattern(v, String(x));
    case 'match':
      return matchPattern(v, String(x), false);
    case 'matchInsensitively':
      return matchPattern(v, String(x), true);
    case 'notMatch':
      return !matchPattern(v, String(x), false);
    case 'notMatchInsensitively':
      return !matchPattern(v, String(x), true);
    case 'contains':
      return containsOp(v, x);
    case 'notContains':
      return !containsOp(v, x);
    case 'in':
      return Array.isArray(x) ? v !== undefined && x.some((i) => looseEquals(v, i)) : looseEquals(v, x);
    case 'notIn':
      return !(Array.isArray(x) ? v !== undefined && x.some((i) => looseEquals(v, i)) : looseEquals(v, x));
    case 'containsKey':
      return containsKey(v, x);
    case 'notContainsKey':
      return !containsKey(v, x);
    case 'less': {
      const c = compare(v, x);
      return c !== undefined && c < 0;
    }
    case 'lessOrEquals': {
      const c = compare(v, x);
      return c !== undefined && c <= 0;
    }
    case 'greater': {
      const c = compare(v, x);
      return c !== undefined && c > 0;
    }
    case 'greaterOrEquals': {
      const c = compare(v, x);
      return c !== undefined && c >= 0;
    }
    case 'exists': {
      const present = v !== undefined && v !== null;
      return truthy(x) ? present : !present;
    }
  }
  throw new NotEvaluable(`unknown condition operator ${op}`);
}

function containsOp(v: Value, x: Value): boolean {
  if (typeof v === 'string') return v.toLowerCase().includes(String(x).toLowerCase());
  if (Array.isArray(v)) return v.some((e) => looseEquals(e, x));
  return false;
}

function containsKey(v: Value, x: Value): boolean {
  return (
    !!v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).some((k) => k.toLowerCase() === String(x).toLowerCase())
  );
}

function operatorOf(cond: Condition): { op: string; operand: unknown } {
  for (const [k, operand] of Object.entries(cond)) {
    const op = OPS_LOWER.get(k.toLowerCase());
    if (op) return { op, operand };
  }
  throw new NotEvaluable(
    `condition ${JSON.stringify(cond).slice(0, 120)} has no operator (${CONDITION_OPERATORS.join(', ')})`,
  );
}

function key(cond: Condition, name: string): unknown {
  const k = Object.keys(cond).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : cond[k];
}

/** Evaluate a condition tree against the context's resource. */
function evalCondition(cond: Condition, ctx: Ctx): boolean {
  const allOf = key(cond, 'allOf');
  if (allOf !== undefined) return (allOf as Condition[]).every((c) => evalCondition(c, ctx));
  const anyOf = key(cond, 'anyOf');
  if (anyOf !== undefined) return (anyOf as Condition[]).some((c) => evalCondition(c, ctx));
  const not = key(cond, 'not');
  if (not !== undefined) return !evalCondition(not as Condition, ctx);
  const count = key(cond, 'count');
  if (count !== undefined) {
    const n = evalCount(count as Condition, ctx);
    const { op, operand } = operatorOf(cond);
    return applyOperator(op, n, val(operand, ctx));
  }
  const { op, operand } = operatorOf(cond);
  const x = val(operand, ctx);
  const field = key(cond, 'field');
  if (field !== undefined) {
    const alias = String(val(field, ctx));
    const f = resolveField(alias, ctx);
    if (f.star) return f.values.every((v) => applyOperator(op, v, x));
    return applyOperator(op, f.values[0], x);
  }
  const value = key(cond, 'value');
  if (value !== undefined || 'value' in cond) return applyOperator(op, val(value, ctx), x);
  throw new NotEvaluable(`condition ${JSON.stringify(cond).slice(0, 120)} has neither field, value nor count`);
}

function evalCount(count: Condition, ctx: Ctx): number {
  const where = key(count, 'where') as Condition | undefined;
  const field = key(count, 'field');
  if (field !== undefined) {
    const alias = String(val(field, ctx));
    const candidates = aliasPaths(alias, ctx.resource.type);
    if (candidates.length === 0) return 0;
    let pattern = candidates[0];
    for (const c of candidates)
      if (expand(ctx.resource.body, c).length > 0) {
        pattern = c;
        break;
      }
    if (!pattern.includes('*')) throw new NotEvaluable(`count field ${alias} must contain [*]`);
    // Substitute enclosing counts' concrete prefixes (nested counts).
    let segs: (Segment | number)[] = pattern;
    for (let i = ctx.frames.length - 1; i >= 0; i--) {
      const f = ctx.frames[i];
      if (
        f.kind === 'field' &&
        f.pattern &&
        f.concrete &&
        segs.length >= f.pattern.length &&
        f.pattern.every((s, j) => (s === '*' ? segs[j] === '*' : String(segs[j]).toLowerCase() === s.toLowerCase()))
      ) {
        segs = [...f.concrete, ...segs.slice(f.pattern.length)];
        break;
      }
    }
    // Elements are the items of the last [*] in the alias.
    const lastStar = segs.lastIndexOf('*');
    const elemSegs = segs.slice(0, lastStar + 1);
    const elements = expand(ctx.resource.body, elemSegs);
    if (!where) return elements.length;
    let n = 0;
    for (const el of elements) {
      const frame: Frame = {
        kind: 'field',
        pattern: pattern.slice(0, pattern.lastIndexOf('*') + 1),
        concrete: el.path,
        alias,
        value: el.value,
      };
      if (evalCondition(where, { ...ctx, frames: [...ctx.frames, frame] })) n++;
    }
    return n;
  }
  const valueExpr = key(count, 'value');
  if (valueExpr !== undefined) {
    const arr = val(valueExpr, ctx);
    if (!Array.isArray(arr))
      throw new NotEvaluable(`count value must be an array, got ${JSON.stringify(arr)?.slice(0, 80)}`);
    if (!where) return arr.length;
    const name = key(count, 'name') as string | undefined;
    let n = 0;
    for (const item of arr)
      if (evalCondition(where, { ...ctx, frames: [...ctx.frames, { kind: 'value', name, value: item }] })) n++;
    return n;
  }
  throw new NotEvaluable('count needs field or value');
}

/** Parameter values: assignment values over definition defaults. */
export function resolveParameters(def: PolicyDefinition, input: AzurePolicyInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(def.parameters ?? {})) if (p.defaultValue !== undefined) out[k] = p.defaultValue;
  const unwrap = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v) && 'value' in v ? v.value : v;
  const layers: [Readonly<Record<string, unknown>> | undefined, boolean][] = [
    [input.parameters?.['*'], true],
    [input.parameters?.[def.name], false],
    [def.displayName ? input.parameters?.[def.displayName] : undefined, false],
  ];
  for (const [given, wildcard] of layers) {
    for (const [k, raw] of Object.entries(given ?? {})) {
      const declared = Object.keys(def.parameters ?? {}).find((d) => d.toLowerCase() === k.toLowerCase());
      if (!declared) continue;
      const v = unwrap(raw);
      const allowed = def.parameters?.[declared]?.allowedValues;
      // A value for all definitions applies only where the definition allows it (e.g. Deny on an Audit-only one).
      if (
        wildcard &&
        Array.isArray(allowed) &&
        !Array.isArray(v) &&
        !allowed.some((a) => String(a).toLowerCase() === String(v).toLowerCase())
      )
        continue;
      out[declared] = v;
    }
  }
  return out;
}

function canonicalEffect(e: unknown): string {
  const s = text(e ?? '');
  return EFFECTS[s.toLowerCase()] ?? s;
}

/**
 * Evaluate one definition on one resource. `view` is the manifest as deployed (see deployed-state.ts); it is
 * computed from `manifest` when not given, and `resource` is read through it.
 */
export function evaluateDefinition(
  def: PolicyDefinition,
  resource: ManifestResource,
  manifest: Manifest,
  params: Record<string, unknown>,
  view: DeployedView = deployedView(manifest),
): { outcome: string; note?: string } {
  const seen = view.resources.find((r) => r.logicalId === resource.logicalId) ?? resource;
  const ctx: Ctx = { resource: seen, manifest, view, params, frames: [] };
  try {
    const effect = canonicalEffect(val(def.policyRule.then.effect, ctx));
    if (!evalCondition(def.policyRule.if, ctx)) return { outcome: 'NotApplicable' };
    const details = def.policyRule.then.details;
    const related = !!details && typeof details === 'object' && key(details as Condition, 'type') !== undefined;
    if (effect === 'AuditIfNotExists' || effect === 'DeployIfNotExists' || (effect === 'Disabled' && related))
      return existence(def, effect, ctx);
    // Reported so that users see what an assignment with effect Disabled would have flagged.
    if (effect === 'Disabled') return { outcome: 'Disabled' };
    return { outcome: effect };
  } catch (e) {
    if (e instanceof NotEvaluable) return { outcome: 'NotEvaluable', note: e.message };
    throw e;
  }
}

/**
 * Extension resource types: their instances live at `<resource id>/providers/<type>/<name>`, so Azure Policy looks
 * for them on the evaluated resource, like children. Source: "Extension resource types in Azure",
 * learn.microsoft.com/azure/azure-resource-manager/management/extension-resource-types.
 */
const EXTENSION_TYPES = new Set([
  'microsoft.insights/diagnosticsettings',
  'microsoft.authorization/locks',
  'microsoft.authorization/roleassignments',
  'microsoft.authorization/policyassignments',
]);

function scopeOf(id: string): { sub?: string; rg?: string } {
  const m = /^\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?/i.exec(id);
  return { sub: m?.[1]?.toLowerCase(), rg: m?.[2]?.toLowerCase() };
}

/** `name` of details: the resource name, or `parent/child` (last segment `?` = any) compared with the full name. */
function nameMatches(wanted: string, r: ManifestResource): boolean {
  const full = fullNameOf(r).toLowerCase();
  if (wanted === r.name.toLowerCase() || wanted === full) return true;
  if (wanted.endsWith('/?')) return full.slice(0, full.lastIndexOf('/') + 1) === wanted.slice(0, -1);
  return false;
}

/**
 * AuditIfNotExists / DeployIfNotExists: the related resources of `details.type`. A type underneath the evaluated
 * resource (a child, or an extension resource such as diagnostic settings) is looked up within the resource's
 * scope; any other type in the same resource group (or `resourceGroupName`, or the whole subscription with
 * `existenceScope: Subscription`). Source: "Azure Policy definitions auditIfNotExists effect", properties `type`,
 * `name`, `resourceGroupName`, `existenceScope` (learn.microsoft.com/azure/governance/policy/concepts/
 * effect-audit-if-not-exists); the same lookup applies to deployIfNotExists.
 */
function existence(def: PolicyDefinition, effect: string, ctx: Ctx): { outcome: string; note?: string } {
  const details = (def.policyRule.then.details ?? {}) as Condition;
  const type = text(val(key(details, 'type'), ctx) ?? '');
  if (!type) return { outcome: 'NotEvaluable', note: `${effect} without details.type` };
  const typeL = type.toLowerCase();
  const name = key(details, 'name');
  const wanted = name === undefined ? undefined : text(val(name, ctx)).toLowerCase();
  const self = ctx.resource;
  const base = self.id.toLowerCase();
  const underneath = typeL.startsWith(self.type.toLowerCase() + '/') || EXTENSION_TYPES.has(typeL);
  const own = scopeOf(self.id);
  const rgDetail = key(details, 'resourceGroupName');
  const rg = rgDetail === undefined ? own.rg : text(val(rgDetail, ctx)).toLowerCase();
  const wholeSubscription = text(val(key(details, 'existenceScope'), ctx) ?? '').toLowerCase() === 'subscription';
  const related = [...ctx.view.resources, ...ctx.view.implied].filter((r) => {
    if (r.type.toLowerCase() !== typeL) return false;
    if (underneath) {
      if (!r.id.toLowerCase().startsWith(base + '/') && text(r.body.scope ?? '').toLowerCase() !== base) return false;
    } else {
      const s = scopeOf(r.id);
      if (s.sub !== own.sub || (!wholeSubscription && s.rg !== rg)) return false;
    }
    return wanted === undefined || nameMatches(wanted, r);
  });
  const cond = key(details, 'existenceCondition') as Condition | undefined;
  const exists = related.some((r) => !cond || evalCondition(cond, { ...ctx, resource: r, frames: [] }));
  return exists ? { outcome: 'Compliant' } : { outcome: effect };
}

function inMode(def: PolicyDefinition, r: ManifestResource): boolean {
  const mode = (def.mode ?? 'Indexed').toLowerCase();
  if (mode === 'all') return true;
  return !NOT_INDEXED.has(r.type.toLowerCase());
}

/** Evaluate every definition against every resource of a manifest. Compliant/NotApplicable pairs are omitted. */
export function evaluateAzurePolicies(manifest: Manifest, input: AzurePolicyInput): AzurePolicyResult[] {
  const out: AzurePolicyResult[] = [];
  const view = deployedView(manifest);
  for (const n of input.notes ?? []) {
    out.push({
      definition: n.definition,
      ...(n.displayName ? { displayName: n.displayName } : {}),
      stack: manifest.stack.name,
      logicalId: manifest.stack.name,
      resourceType: '(definition)',
      outcome: 'NotEvaluable',
      note: n.note,
    });
  }
  for (const def of input.definitions) {
    const mode = (def.mode ?? 'Indexed').toLowerCase();
    const base = {
      definition: def.name,
      ...(def.displayName ? { displayName: def.displayName } : {}),
      stack: manifest.stack.name,
    };
    if (mode !== 'all' && mode !== 'indexed') {
      out.push({
        ...base,
        logicalId: manifest.stack.name,
        resourceType: '(definition)',
        outcome: 'NotEvaluable',
        note: `mode ${def.mode} is a data-plane (resource provider) mode; it cannot be evaluated on desired state`,
      });
      continue;
    }
    const params = resolveParameters(def, input);
    for (const r of view.resources) {
      if (!inMode(def, r)) continue;
      const res = evaluateDefinition(def, r, manifest, params, view);
      if (res.outcome === 'NotApplicable' || res.outcome === 'Compliant') continue;
      out.push({
        ...base,
        logicalId: r.logicalId,
        resourceType: r.type,
        outcome: res.outcome,
        ...(r.source ? { source: r.source } : {}),
        ...(res.note ? { note: res.note } : {}),
      });
    }
  }
  return out;
}

export { isExpression, parsePath };
