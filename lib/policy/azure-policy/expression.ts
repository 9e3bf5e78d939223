/**
 * The ARM template expression language as Azure Policy uses it: `[concat(parameters('a'), field('b'))]`.
 * A small parser and evaluator for the functions policy definitions use (parameters, field, current,
 * concat, toLower, if, empty, length, contains, split, first, last, replace, int, padLeft, requestContext, ...).
 */
import { text } from '../../core/text.js';
import { ExpressionError, SHARED_FUNCTIONS, isArr, num } from './functions.js';

export type Value = unknown;

/** What expressions can read. */
export interface ExpressionEnv {
  parameter(name: string): Value;
  field(alias: string): Value;
  current(name?: string): Value;
  /** api-version of the resource (for `requestContext().apiVersion`). */
  readonly apiVersion?: string;
}

export { ExpressionError };

export type Node =
  | { k: 'lit'; v: Value }
  | { k: 'call'; name: string; args: Node[] }
  | { k: 'prop'; obj: Node; name: string }
  | { k: 'index'; obj: Node; index: Node };

/** True when a string is an expression (`[...]` but not the `[[` escape). */
export function isExpression(s: unknown): s is string {
  return typeof s === 'string' && s.length >= 2 && s.startsWith('[') && !s.startsWith('[[') && s.endsWith(']');
}

/** The value of a policy string: an evaluated expression, an escaped literal (`[[x` → `[x`) or the string. */
export function evaluateString(s: string, env: ExpressionEnv): Value {
  if (s.startsWith('[[')) return s.slice(1);
  if (!isExpression(s)) return s;
  return evaluate(parse(s.slice(1, -1)), env);
}

/** Evaluate any policy JSON value: strings may be expressions, everything else is literal. */
export function evaluateValue(v: Value, env: ExpressionEnv): Value {
  return typeof v === 'string' ? evaluateString(v, env) : v;
}

const cache = new Map<string, Node>();

export function parse(src: string): Node {
  const hit = cache.get(src);
  if (hit) return hit;
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const expect = (c: string): void => {
    ws();
    if (src[i] !== c) throw new ExpressionError(`expected "${c}" at position ${i} in [${src}]`);
    i++;
  };
  const primary = (): Node => {
    ws();
    const c = src[i];
    if (c === "'") {
      let out = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ExpressionError(`unterminated string in [${src}]`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            out += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        out += src[i++];
      }
      return { k: 'lit', v: out };
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      return { k: 'lit', v: Number(num[0]) };
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (!id) throw new ExpressionError(`unexpected "${c ?? 'end'}" at position ${i} in [${src}]`);
    i += id[0].length;
    ws();
    if (src[i] === '(') {
      i++;
      const args: Node[] = [];
      ws();
      if (src[i] === ')') {
        i++;
      } else {
        for (;;) {
          args.push(expr());
          ws();
          if (src[i] === ',') {
            i++;
            continue;
          }
          expect(')');
          break;
        }
      }
      return { k: 'call', name: id[0].toLowerCase(), args };
    }
    const lowerId = id[0].toLowerCase();
    if (lowerId === 'true') return { k: 'lit', v: true };
    if (lowerId === 'false') return { k: 'lit', v: false };
    if (lowerId === 'null') return { k: 'lit', v: null };
    throw new ExpressionError(`"${id[0]}" is not a function call in [${src}]`);
  };
  const expr = (): Node => {
    let node = primary();
    for (;;) {
      ws();
      if (src[i] === '.') {
        i++;
        const id = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(src.slice(i));
        if (!id) throw new ExpressionError(`expected a property name at position ${i} in [${src}]`);
        i += id[0].length;
        node = { k: 'prop', obj: node, name: id[0] };
      } else if (src[i] === '[') {
        i++;
        const index = expr();
        expect(']');
        node = { k: 'index', obj: node, index };
      } else break;
    }
    return node;
  };
  const node = expr();
  ws();
  if (i !== src.length) throw new ExpressionError(`unexpected "${src.slice(i)}" in [${src}]`);
  if (cache.size > 5000) cache.clear();
  cache.set(src, node);
  return node;
}

function str(v: Value): string {
  return text(v);
}

/** Loose equality of policy values: strings case-insensitive, "true" == true, "5" == 5. */
export function looseEquals(a: Value, b: Value): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'boolean' || typeof b === 'boolean') return str(a).toLowerCase() === str(b).toLowerCase();
  if (typeof a === 'number' || typeof b === 'number') {
    const na = Number(a),
      nb = Number(b);
    return (
      typeof a !== 'object' &&
      typeof b !== 'object' &&
      !Number.isNaN(na) &&
      !Number.isNaN(nb) &&
      str(a).trim() !== '' &&
      str(b).trim() !== '' &&
      na === nb
    );
  }
  if (isArr(a) && isArr(b)) return a.length === b.length && a.every((x, i) => looseEquals(x, b[i]));
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a),
      kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every((k) => looseEquals((a as Record<string, Value>)[k], (b as Record<string, Value>)[k]))
    );
  }
  return false;
}

/** Ordering for less/greater: numbers (or numeric strings) numerically, ISO dates by time, else strings. */
export function compare(a: Value, b: Value): number | undefined {
  if (a === undefined || a === null || b === undefined || b === null) return undefined;
  const na = typeof a === 'number' ? a : typeof a === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(a) ? Number(a) : NaN;
  const nb = typeof b === 'number' ? b : typeof b === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(b) ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  if (typeof a === 'string' && typeof b === 'string') {
    const iso = /^\d{4}-\d{2}-\d{2}/;
    if (iso.test(a) && iso.test(b)) {
      const da = Date.parse(a),
        db = Date.parse(b);
      if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
    }
    const la = a.toLowerCase(),
      lb = b.toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : 0;
  }
  return undefined;
}

function containsValue(container: Value, item: Value): boolean {
  if (typeof container === 'string') return container.toLowerCase().includes(str(item).toLowerCase());
  if (isArr(container)) return container.some((x) => looseEquals(x, item));
  if (container && typeof container === 'object')
    return Object.keys(container).some((k) => k.toLowerCase() === str(item).toLowerCase());
  return false;
}

const FUNCTIONS: Record<string, (args: Value[], env: ExpressionEnv) => Value> = {
  ...SHARED_FUNCTIONS,
  parameters: ([n], env) => env.parameter(str(n)),
  field: ([a], env) => env.field(str(a)),
  current: (args, env) => env.current(args.length ? str(args[0]) : undefined),
  requestcontext: (_a, env) => ({ apiVersion: env.apiVersion ?? '' }),
  concat: (args) => (args.some(isArr) ? args.flatMap((a) => (isArr(a) ? a : [a])) : args.map(str).join('')),
  if: ([c, a, b]) => (c === true || str(c).toLowerCase() === 'true' ? a : b),
  contains: ([c, i]) => containsValue(c, i),
  float: ([v]) => num(v, 'float'),
  string: ([v]) => str(v),
  bool: ([v]) => v === true || str(v).toLowerCase() === 'true' || v === 1,
  coalesce: (args) => args.find((a) => a !== undefined && a !== null),
  equals: ([a, b]) => looseEquals(a, b),
  not: ([a]) => !(a === true || str(a).toLowerCase() === 'true'),
  and: (args) => args.every((a) => a === true || str(a).toLowerCase() === 'true'),
  or: (args) => args.some((a) => a === true || str(a).toLowerCase() === 'true'),
  greater: ([a, b]) => (compare(a, b) ?? 0) > 0,
  greaterorequals: ([a, b]) => (compare(a, b) ?? -1) >= 0,
  less: ([a, b]) => (compare(a, b) ?? 0) < 0,
  lessorequals: ([a, b]) => (compare(a, b) ?? 1) <= 0,
  union: (args) => (args.every(isArr) ? [...new Set(args.flat())] : (Object.assign({}, ...args) as Value)),
  intersection: (args) =>
    args.every(isArr) ? args[0].filter((x) => args.every((a) => a.some((y) => looseEquals(x, y)))) : {},
  json: ([s]) => {
    try {
      return JSON.parse(str(s)) as Value;
    } catch {
      throw new ExpressionError(`json() got invalid JSON`);
    }
  },
  ipinrange: ([net, ip]) => ipInRange(str(net), str(ip)),
};

function ipToInt(ip: string): number | undefined {
  const p = ip.split('.');
  if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined;
  return p.reduce((acc, x) => acc * 256 + Number(x), 0);
}

function ipInRange(cidr: string, ip: string): boolean {
  const [base, bitsRaw] = cidr.split('/');
  const bits = bitsRaw === undefined ? 32 : Number(bitsRaw);
  const b = ipToInt(base ?? '');
  const [ipBase] = ip.split('/');
  const x = ipToInt(ipBase ?? '');
  if (b === undefined || x === undefined || Number.isNaN(bits)) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(x / size) === Math.floor(b / size);
}

export function evaluate(node: Node, env: ExpressionEnv): Value {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'prop': {
      const o = evaluate(node.obj, env);
      if (o === null || typeof o !== 'object') return undefined;
      const key = Object.keys(o).find((k) => k.toLowerCase() === node.name.toLowerCase());
      return key === undefined ? undefined : (o as Record<string, Value>)[key];
    }
    case 'index': {
      const o = evaluate(node.obj, env);
      const ix = evaluate(node.index, env);
      if (isArr(o)) return o[num(ix, 'index')];
      if (o && typeof o === 'object') {
        const key = Object.keys(o).find((k) => k.toLowerCase() === str(ix).toLowerCase());
        return key === undefined ? undefined : (o as Record<string, Value>)[key];
      }
      return undefined;
    }
    case 'call': {
      const fn = FUNCTIONS[node.name];
      if (!fn) throw new ExpressionError(`unsupported template function ${node.name}()`);
      // if() evaluates lazily so that a guarded branch may fail harmlessly.
      if (node.name === 'if') {
        const c = evaluate(node.args[0], env);
        return evaluate(node.args[c === true || str(c).toLowerCase() === 'true' ? 1 : 2], env);
      }
      return fn(
        node.args.map((a) => evaluate(a, env)),
        env,
      );
    }
  }
}

/** Names of the supported template functions (for docs and tests). */
export const SUPPORTED_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS);
