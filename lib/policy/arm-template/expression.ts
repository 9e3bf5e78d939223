/**
 * ARM template expressions (`[concat(parameters('a'), '-x')]`) evaluated before deployment, with the values ARM
 * only knows at deployment kept as unknowns instead of guessed: a parameter without value, `reference()` and
 * `list*()` (deployed state), `uniqueString()`/`guid()` (hashes ARM computes), `utcNow()`/`newGuid()`,
 * `resourceGroup()`/`subscription()` members not given on the command line.
 *
 * Semantics follow the ARM template function reference (learn.microsoft.com/azure/azure-resource-manager/templates/
 * template-functions-*): string comparison in `equals` is case-sensitive, `coalesce` skips only null, `format` uses
 * .NET composite formatting, `resourceId` builds `/subscriptions/{s}/resourceGroups/{rg}/providers/{type}/{names}`.
 * An unknown flows through every function that uses it; where a string must stay a string (names, ids) the unknown
 * part is kept between ⟨ ⟩ so that resources still refer to each other consistently.
 */
import { text } from '../../core/text.js';
import { UNKNOWN_CLOSE, UNKNOWN_OPEN } from '../../manifest/unknown.js';
import { ExpressionError, parse, type Node } from '../azure-policy/expression.js';
import { SHARED_FUNCTIONS, isArr, num } from '../azure-policy/functions.js';

/** A value known only at deploy time, while expressions are evaluated. */
export class Unknown {
  constructor(
    /** The (sub)expression, as written: `[parameters('x')]`. */
    public readonly expression: string,
    /** Why it is unknown. */
    public readonly reason: string,
    /** How it reads inside a string (names, ids): `⟨parameters('x')⟩`, or known text around unknown parts. */
    public readonly text: string = `${UNKNOWN_OPEN}${expression.replace(/^\[|\]$/g, '')}${UNKNOWN_CLOSE}`,
    /** Set for a secure parameter used as a whole value: the body gets a secret reference to it, never its value. */
    public readonly secretParameter?: string,
    /**
     * Set for a resource id built by resourceId() and friends: which resource it names is known (its names are, or
     * read ⟨symbolic⟩), only its subscription, group or a name part is not; bodies keep it as that string, so that
     * references between the template's resources still hold.
     */
    public readonly isResourceId = false,
  ) {}
}

export type TemplateValue = unknown;

/** What template expressions can read. */
export interface TemplateEnv {
  parameter(name: string): TemplateValue;
  variable(name: string): TemplateValue;
  /** `subscription()` / `resourceGroup()` / `tenant()` objects; members may be Unknown. */
  scope(kind: 'subscription' | 'resourceGroup' | 'tenant'): Record<string, TemplateValue>;
  /** `copyIndex()` inside a copy loop. */
  copyIndex(loop?: string): number | Unknown;
  /** `reference(idOrName)`: the outputs of a nested deployment of this template when it is one, else unknown. */
  reference(target: TemplateValue, source: string): TemplateValue;
}

/** An unknown reason for functions whose result only exists at deployment. */
const DEPLOY_TIME: Readonly<Record<string, string>> = {
  reference: 'reference() reads deployed state',
  list: 'list*() reads secrets or state of deployed resources',
  uniquestring: 'uniqueString() is a hash ARM computes at deployment',
  guid: 'guid() is a hash ARM computes at deployment',
  newguid: 'newGuid() differs on every deployment',
  utcnow: 'utcNow() is the time of deployment',
  deployment: 'deployment() describes the deployment itself',
  environment: 'environment() depends on the cloud deployed to',
  pickzones: 'pickZones() depends on the region at deployment',
  managementgroup: 'managementGroup() depends on where it is deployed',
  datetimeadd: 'dateTimeAdd() is usually applied to utcNow()',
};

const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;
function truthy(v: TemplateValue): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** Deep, case-sensitive equality (ARM `equals`). */
function equal(a: TemplateValue, b: TemplateValue): boolean {
  if (a === b) return true;
  if (isArr(a) && isArr(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !isArr(a) && !isArr(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

/** A string built of known and unknown parts: a symbolic string when one part is unknown. */
function joinParts(parts: readonly TemplateValue[], source: string): string | Unknown {
  const unknown = parts.filter(isUnknown);
  if (unknown.length === 0) return parts.map((p) => text(p)).join('');
  return new Unknown(source, unknown[0].reason, parts.map((p) => (isUnknown(p) ? p.text : text(p))).join(''));
}

/** .NET composite format `{0}`, `{1}` (format specifiers are ignored; `{{`/`}}` escape braces). */
function format(fmt: string, args: readonly TemplateValue[]): TemplateValue[] {
  const parts: TemplateValue[] = [];
  let lit = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === '{' && fmt[i + 1] === '{') {
      lit += '{';
      i++;
    } else if (c === '}' && fmt[i + 1] === '}') {
      lit += '}';
      i++;
    } else if (c === '{') {
      const end = fmt.indexOf('}', i);
      if (end < 0) throw new ExpressionError(`format(): unclosed "{" in "${fmt}"`);
      const index = Number(fmt.slice(i + 1, end).split(/[,:]/)[0]);
      if (!Number.isInteger(index) || index < 0 || index >= args.length)
        throw new ExpressionError(`format(): "{${fmt.slice(i + 1, end)}}" has no argument`);
      parts.push(lit, args[index]);
      lit = '';
      i = end;
    } else lit += c;
  }
  parts.push(lit);
  return parts;
}

/** Render a node back as template source, for unknowns. */
function source(node: Node): string {
  switch (node.k) {
    case 'lit':
      return typeof node.v === 'string' ? `'${node.v.replace(/'/g, "''")}'` : JSON.stringify(node.v);
    case 'prop':
      return `${source(node.obj)}.${node.name}`;
    case 'index':
      return `${source(node.obj)}[${source(node.index)}]`;
    case 'call':
      return `${node.name}(${node.args.map(source).join(', ')})`;
  }
}

/** `resourceId([subscriptionId], [resourceGroupName], type, name1, name2, ...)`. */
function resourceId(
  args: TemplateValue[],
  env: TemplateEnv,
  src: string,
  level: 'rg' | 'sub' | 'tenant',
): TemplateValue {
  const typeAt = args.findIndex(
    (a) => typeof a === 'string' && /^[A-Za-z0-9.]+\/[A-Za-z0-9./]+$/.test(a) && a.includes('.'),
  );
  if (typeAt < 0) throw new ExpressionError(`${src}: no resource type among the arguments`);
  const type = args[typeAt] as string;
  const before = args.slice(0, typeAt);
  const names = args.slice(typeAt + 1);
  const types = type.split('/');
  if (names.length !== types.length - 1)
    throw new ExpressionError(`${src}: ${types.length - 1} name(s) expected for ${type}, got ${names.length}`);
  const sub = env.scope('subscription');
  const rg = env.scope('resourceGroup');
  let prefix: TemplateValue[];
  if (level === 'tenant') prefix = [];
  else if (level === 'sub') prefix = ['/subscriptions/', before[0] ?? sub.subscriptionId];
  else {
    const [s, g] = before.length >= 2 ? before : [sub.subscriptionId, before[0] ?? rg.name];
    prefix = ['/subscriptions/', s, '/resourceGroups/', g];
  }
  const parts: TemplateValue[] = [...prefix, '/providers/', types[0], '/', types[1], '/', names[0]];
  for (let i = 2; i < types.length; i++) parts.push('/', types[i], '/', names[i - 1]);
  return asResourceId(joinParts(parts, src));
}

function asResourceId(v: string | Unknown): string | Unknown {
  return isUnknown(v) ? new Unknown(v.expression, v.reason, v.text, undefined, true) : v;
}

type Fn = (args: TemplateValue[], env: TemplateEnv, src: string) => TemplateValue;

/** Functions that may take unknown arguments and still give a known result. */
const TOLERANT = new Set([
  'if',
  'and',
  'or',
  'coalesce',
  'concat',
  'format',
  'resourceid',
  'subscriptionresourceid',
  'tenantresourceid',
  'createobject',
  'createarray',
  'union',
  'json',
  'string',
]);

const FUNCTIONS: Record<string, Fn> = {
  ...SHARED_FUNCTIONS,
  parameters: ([n], env) => env.parameter(text(n)),
  variables: ([n], env) => env.variable(text(n)),
  subscription: (_a, env) => env.scope('subscription'),
  resourcegroup: (_a, env) => env.scope('resourceGroup'),
  tenant: (_a, env) => env.scope('tenant'),
  copyindex: (args, env) => {
    const loop = typeof args[0] === 'string' ? args[0] : undefined;
    const offset = typeof args[0] === 'number' ? args[0] : typeof args[1] === 'number' ? args[1] : 0;
    const i = env.copyIndex(loop);
    return isUnknown(i) ? i : i + offset;
  },
  reference: ([target], env, src) => env.reference(target, src),
  resourceid: (args, env, src) => resourceId(args, env, src, 'rg'),
  subscriptionresourceid: (args, env, src) => resourceId(args, env, src, 'sub'),
  tenantresourceid: (args, env, src) => resourceId(args, env, src, 'tenant'),
  extensionresourceid: (args, _env, src) => {
    const [scopeId, type, ...names] = args;
    const types = text(type).split('/');
    const parts: TemplateValue[] = [scopeId, '/providers/', types[0], '/', types[1], '/', names[0]];
    for (let i = 2; i < types.length; i++) parts.push('/', types[i], '/', names[i - 1]);
    return asResourceId(joinParts(parts, src));
  },
  concat: (args, _env, src) => {
    if (args.some(isArr)) {
      if (args.some(isUnknown)) return new Unknown(src, args.find(isUnknown)!.reason);
      return args.flatMap((a) => (isArr(a) ? a : [a]));
    }
    return joinParts(args, src);
  },
  format: ([fmt, ...args], _env, src) => {
    if (isUnknown(fmt)) return fmt;
    return joinParts(format(text(fmt), args), src);
  },
  if: () => undefined, // evaluated lazily in evaluate()
  equals: ([a, b]) => equal(a, b),
  not: ([a]) => !truthy(a),
  and: () => undefined, // lazily
  or: () => undefined, // lazily
  contains: ([c, i]) =>
    typeof c === 'string'
      ? c.includes(text(i))
      : isArr(c)
        ? c.some((x) => equal(x, i))
        : c && typeof c === 'object'
          ? Object.keys(c).includes(text(i))
          : false,
  coalesce: (args) => args.find((a) => a !== null && a !== undefined) ?? null,
  json: ([s]) => {
    try {
      return JSON.parse(text(s)) as TemplateValue;
    } catch {
      throw new ExpressionError(`json() got invalid JSON: ${text(s).slice(0, 60)}`);
    }
  },
  string: ([v], _env, src) =>
    isUnknown(v) ? new Unknown(src, v.reason, v.text) : typeof v === 'string' ? v : JSON.stringify(v),
  bool: ([v]) => truthy(v) || v === 1,
  createobject: (args) => {
    const out: Record<string, TemplateValue> = {};
    for (let i = 0; i + 1 < args.length; i += 2) out[text(args[i])] = args[i + 1];
    return out;
  },
  union: (args) =>
    args.every(isArr)
      ? [...args.flat().filter((x, i, all) => all.findIndex((y) => equal(x, y)) === i)]
      : (Object.assign({}, ...(args as object[])) as TemplateValue),
  intersection: (args) =>
    args.every(isArr) ? args[0].filter((x) => args.every((a) => a.some((y) => equal(x, y)))) : {},
  base64: ([s]) => Buffer.from(text(s), 'utf8').toString('base64'),
  base64tostring: ([s]) => Buffer.from(text(s), 'base64').toString('utf8'),
  base64tojson: ([s]) => JSON.parse(Buffer.from(text(s), 'base64').toString('utf8')) as TemplateValue,
  uri: ([b, r]) => new URL(text(r), text(b)).toString(),
  greater: ([a, b]) => num(a, 'greater') > num(b, 'greater'),
  greaterorequals: ([a, b]) => num(a, 'greaterOrEquals') >= num(b, 'greaterOrEquals'),
  less: ([a, b]) => num(a, 'less') < num(b, 'less'),
  lessorequals: ([a, b]) => num(a, 'lessOrEquals') <= num(b, 'lessOrEquals'),
  items: ([o]) =>
    o && typeof o === 'object' && !isArr(o)
      ? Object.keys(o)
          .sort()
          .map((k) => ({ key: k, value: (o as Record<string, unknown>)[k] }))
      : [],
};

/** Names of the functions evaluated offline (the rest of ARM's are unknown at this stage). */
export const TEMPLATE_FUNCTIONS: readonly string[] = [...Object.keys(FUNCTIONS), ...Object.keys(DEPLOY_TIME)];

function call(node: Extract<Node, { k: 'call' }>, env: TemplateEnv): TemplateValue {
  const name = node.name;
  const src = `[${source(node)}]`;
  // Lazy forms: only the branch taken is evaluated, an unknown condition makes the result unknown.
  if (name === 'if') {
    const c = evaluate(node.args[0], env);
    if (isUnknown(c)) {
      const a = evaluate(node.args[1], env);
      const b = evaluate(node.args[2], env);
      return !isUnknown(a) && equal(a, b) ? a : new Unknown(src, c.reason);
    }
    return evaluate(node.args[truthy(c) ? 1 : 2], env);
  }
  if (name === 'and' || name === 'or') {
    let unknown: Unknown | undefined;
    for (const a of node.args) {
      const v = evaluate(a, env);
      if (isUnknown(v)) unknown ??= v;
      else if (name === 'and' && !truthy(v)) return false;
      else if (name === 'or' && truthy(v)) return true;
    }
    return unknown ? new Unknown(src, unknown.reason) : name === 'and';
  }
  if (name === 'coalesce') {
    for (const a of node.args) {
      const v = evaluate(a, env);
      if (isUnknown(v)) return new Unknown(src, v.reason);
      if (v !== null && v !== undefined) return v;
    }
    return null;
  }
  const deployTime = DEPLOY_TIME[name] ?? (name.startsWith('list') ? DEPLOY_TIME.list : undefined);
  if (deployTime && !(name === 'reference' && node.args.length > 0)) return new Unknown(src, deployTime);
  const fn = FUNCTIONS[name];
  if (!fn) return new Unknown(src, `${name}() is not evaluated offline`);
  const args = node.args.map((a) => evaluate(a, env));
  if (!TOLERANT.has(name) && name !== 'reference') {
    const u = args.find(isUnknown);
    if (u) return new Unknown(src, u.reason);
  }
  if (name === 'createobject' || name === 'createarray' || name === 'union' || name === 'json') {
    const u = args.find(isUnknown);
    if (u && name !== 'createobject' && name !== 'createarray') return new Unknown(src, u.reason);
  }
  return fn(args, env, src);
}

/** Evaluate a parsed expression. Property access and indexing on an unknown give an unknown. */
export function evaluate(node: Node, env: TemplateEnv): TemplateValue {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'prop': {
      const o = evaluate(node.obj, env);
      if (isUnknown(o)) return new Unknown(`[${source(node)}]`, o.reason);
      if (o === null || typeof o !== 'object') return undefined;
      // Property names are case-insensitive in ARM expressions.
      const key = Object.keys(o).find((k) => k.toLowerCase() === node.name.toLowerCase());
      return key === undefined ? undefined : (o as Record<string, TemplateValue>)[key];
    }
    case 'index': {
      const o = evaluate(node.obj, env);
      const ix = evaluate(node.index, env);
      if (isUnknown(o)) return new Unknown(`[${source(node)}]`, o.reason);
      if (isUnknown(ix)) return new Unknown(`[${source(node)}]`, ix.reason);
      if (isArr(o)) return o[num(ix, 'index')];
      if (o && typeof o === 'object') {
        const key = Object.keys(o).find((k) => k.toLowerCase() === text(ix).toLowerCase());
        return key === undefined ? undefined : (o as Record<string, TemplateValue>)[key];
      }
      return undefined;
    }
    case 'call':
      return call(node, env);
  }
}

/** True when a string is a template expression (`[...]`, not the `[[` escape). */
export function isTemplateExpression(s: unknown): s is string {
  return typeof s === 'string' && s.startsWith('[') && !s.startsWith('[[') && s.endsWith(']');
}

/**
 * Evaluate a template value deeply: expressions in strings are evaluated, `[[` escapes undone, objects and arrays
 * walked. Unknowns stay `Unknown` objects (the caller turns them into manifest markers).
 */
export function evaluateTemplateValue(v: TemplateValue, env: TemplateEnv): TemplateValue {
  if (typeof v === 'string') {
    if (v.startsWith('[[')) return v.slice(1);
    if (!isTemplateExpression(v)) return v;
    return evaluate(parse(v.slice(1, -1)), env);
  }
  if (isArr(v)) return v.map((x) => evaluateTemplateValue(x, env));
  if (v && typeof v === 'object') {
    const out: Record<string, TemplateValue> = {};
    for (const [k, x] of Object.entries(v)) out[k] = evaluateTemplateValue(x, env);
    return out;
  }
  return v;
}

export { ExpressionError };
