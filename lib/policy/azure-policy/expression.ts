/**
 * The ARM template expression language as Azure Policy uses it: `[concat(parameters('a'), field('b'))]`.
 * A small parser and evaluator for the functions policy definitions use (parameters, field, current,
 * concat, toLower, if, empty, length, contains, split, first, last, replace, int, padLeft, requestContext, ...).
 */
import { text } from '../../core/text.js';

export type Value = unknown;

/** What expressions can read. */
export interface ExpressionEnv {
  parameter(name: string): Value;
  field(alias: string): Value;
  current(name?: string): Value;
  /** api-version of the resource (for `requestContext().apiVersion`). */
  readonly apiVersion?: string;
}

export class ExpressionError extends Error {}

type Node =
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

/** Array.isArray, narrowing to arrays of policy values (the built-in narrows to any[]). */
const isArr = (v: Value): v is Value[] => Array.isArray(v);

function str(v: Value): string {
  return text(v);
}

function num(v: Value, fn: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n)) throw new ExpressionError(`${fn}() needs a number, got ${JSON.stringify(v)}`);
  return n;
}

function isEmpty(v: Value): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string' || isArr(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
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
  parameters: ([n], env) => env.parameter(str(n)),
  field: ([a], env) => env.field(str(a)),
  current: (args, env) => env.current(args.length ? str(args[0]) : undefined),
  requestcontext: (_a, env) => ({ apiVersion: env.apiVersion ?? '' }),
  concat: (args) => (args.some(isArr) ? args.flatMap((a) => (isArr(a) ? a : [a])) : args.map(str).join('')),
  tolower: ([s]) => str(s).toLowerCase(),
  toupper: ([s]) => str(s).toUpperCase(),
  trim: ([s]) => str(s).trim(),
  if: ([c, a, b]) => (c === true || str(c).toLowerCase() === 'true' ? a : b),
  empty: ([v]) => isEmpty(v),
  length: ([v]) =>
    typeof v === 'string' || isArr(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0,
  contains: ([c, i]) => containsValue(c, i),
  split: ([s, d]) => {
    const seps = isArr(d) ? d.map(str) : [str(d)];
    let parts = [str(s)];
    for (const sep of seps) parts = parts.flatMap((p) => p.split(sep));
    return parts;
  },
  first: ([v]) => (isArr(v) ? v[0] : typeof v === 'string' ? v.slice(0, 1) : undefined),
  last: ([v]) => (isArr(v) ? v[v.length - 1] : typeof v === 'string' ? v.slice(-1) : undefined),
  take: ([v, n]) => (isArr(v) || typeof v === 'string' ? v.slice(0, num(n, 'take')) : v),
  skip: ([v, n]) => (isArr(v) || typeof v === 'string' ? v.slice(num(n, 'skip')) : v),
  replace: ([s, a, b]) => str(s).split(str(a)).join(str(b)),
  substring: ([s, start, len]) => {
    const t = str(s);
    const st = num(start, 'substring');
    return len === undefined ? t.slice(st) : t.slice(st, st + num(len, 'substring'));
  },
  indexof: ([s, x]) => str(s).toLowerCase().indexOf(str(x).toLowerCase()),
  lastindexof: ([s, x]) => str(s).toLowerCase().lastIndexOf(str(x).toLowerCase()),
  startswith: ([s, x]) => str(s).toLowerCase().startsWith(str(x).toLowerCase()),
  endswith: ([s, x]) => str(s).toLowerCase().endsWith(str(x).toLowerCase()),
  padleft: ([s, n, c]) => str(s).padStart(num(n, 'padLeft'), c === undefined ? ' ' : str(c).slice(0, 1)),
  int: ([v]) => Math.trunc(num(v, 'int')),
  float: ([v]) => num(v, 'float'),
  string: ([v]) => str(v),
  bool: ([v]) => v === true || str(v).toLowerCase() === 'true' || v === 1,
  array: ([v]) => (isArr(v) ? v : [v]),
  createarray: (args) => args,
  coalesce: (args) => args.find((a) => a !== undefined && a !== null),
  equals: ([a, b]) => looseEquals(a, b),
  not: ([a]) => !(a === true || str(a).toLowerCase() === 'true'),
  and: (args) => args.every((a) => a === true || str(a).toLowerCase() === 'true'),
  or: (args) => args.some((a) => a === true || str(a).toLowerCase() === 'true'),
  greater: ([a, b]) => (compare(a, b) ?? 0) > 0,
  greaterorequals: ([a, b]) => (compare(a, b) ?? -1) >= 0,
  less: ([a, b]) => (compare(a, b) ?? 0) < 0,
  lessorequals: ([a, b]) => (compare(a, b) ?? 1) <= 0,
  add: ([a, b]) => num(a, 'add') + num(b, 'add'),
  sub: ([a, b]) => num(a, 'sub') - num(b, 'sub'),
  mul: ([a, b]) => num(a, 'mul') * num(b, 'mul'),
  div: ([a, b]) => Math.trunc(num(a, 'div') / num(b, 'div')),
  mod: ([a, b]) => num(a, 'mod') % num(b, 'mod'),
  min: (args) => Math.min(...args.flatMap((a) => (isArr(a) ? a : [a])).map((x) => num(x, 'min'))),
  max: (args) => Math.max(...args.flatMap((a) => (isArr(a) ? a : [a])).map((x) => num(x, 'max'))),
  union: (args) => (args.every(isArr) ? [...new Set(args.flat())] : (Object.assign({}, ...args) as Value)),
  intersection: (args) =>
    args.every(isArr) ? args[0].filter((x) => args.every((a) => a.some((y) => looseEquals(x, y)))) : {},
  join: ([a, d]) => (isArr(a) ? a.map(str).join(str(d)) : str(a)),
  json: ([s]) => {
    try {
      return JSON.parse(str(s)) as Value;
    } catch {
      throw new ExpressionError(`json() got invalid JSON`);
    }
  },
  range: ([s, n]) => Array.from({ length: num(n, 'range') }, (_, k) => num(s, 'range') + k),
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
