/**
 * ARM template functions that Azure Policy rules and ARM templates share with the same semantics (string, array and
 * integer functions of learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-string,
 * -array and -numeric). Each evaluator adds the functions whose semantics differ (`equals` is case-insensitive in
 * Azure Policy and case-sensitive in templates) and the ones that read its own context.
 */
import { text } from '../../core/text.js';

/** An expression that cannot be evaluated (syntax, argument types). */
export class ExpressionError extends Error {}

export const isArr = (v: unknown): v is unknown[] => Array.isArray(v);

/** A number argument, or an ExpressionError naming the function. */
export function num(v: unknown, fn: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n)) throw new ExpressionError(`${fn}() needs a number, got ${JSON.stringify(v)}`);
  return n;
}

/** `empty()`: null, '', [] and {} are empty. */
export function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string' || isArr(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

export const SHARED_FUNCTIONS: Readonly<Record<string, (args: unknown[]) => unknown>> = {
  tolower: ([s]) => text(s).toLowerCase(),
  toupper: ([s]) => text(s).toUpperCase(),
  trim: ([s]) => text(s).trim(),
  empty: ([v]) => isEmpty(v),
  length: ([v]) =>
    typeof v === 'string' || isArr(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0,
  split: ([s, d]) => {
    const seps = isArr(d) ? d.map((x) => text(x)) : [text(d)];
    let parts = [text(s)];
    for (const sep of seps) parts = parts.flatMap((p) => p.split(sep));
    return parts;
  },
  first: ([v]) => (isArr(v) ? v[0] : typeof v === 'string' ? v.slice(0, 1) : undefined),
  last: ([v]) => (isArr(v) ? v[v.length - 1] : typeof v === 'string' ? v.slice(-1) : undefined),
  take: ([v, n]) => (isArr(v) || typeof v === 'string' ? v.slice(0, num(n, 'take')) : v),
  skip: ([v, n]) => (isArr(v) || typeof v === 'string' ? v.slice(num(n, 'skip')) : v),
  replace: ([s, a, b]) => text(s).split(text(a)).join(text(b)),
  substring: ([s, start, len]) => {
    const t = text(s);
    const st = num(start, 'substring');
    return len === undefined ? t.slice(st) : t.slice(st, st + num(len, 'substring'));
  },
  indexof: ([s, x]) => text(s).toLowerCase().indexOf(text(x).toLowerCase()),
  lastindexof: ([s, x]) => text(s).toLowerCase().lastIndexOf(text(x).toLowerCase()),
  startswith: ([s, x]) => text(s).toLowerCase().startsWith(text(x).toLowerCase()),
  endswith: ([s, x]) => text(s).toLowerCase().endsWith(text(x).toLowerCase()),
  padleft: ([s, n, c]) => text(s).padStart(num(n, 'padLeft'), c === undefined ? ' ' : text(c).slice(0, 1)),
  int: ([v]) => Math.trunc(num(v, 'int')),
  array: ([v]) => (isArr(v) ? v : [v]),
  createarray: (args) => args,
  add: ([a, b]) => num(a, 'add') + num(b, 'add'),
  sub: ([a, b]) => num(a, 'sub') - num(b, 'sub'),
  mul: ([a, b]) => num(a, 'mul') * num(b, 'mul'),
  div: ([a, b]) => Math.trunc(num(a, 'div') / num(b, 'div')),
  mod: ([a, b]) => num(a, 'mod') % num(b, 'mod'),
  min: (args) => Math.min(...args.flatMap((a) => (isArr(a) ? a : [a])).map((x) => num(x, 'min'))),
  max: (args) => Math.max(...args.flatMap((a) => (isArr(a) ? a : [a])).map((x) => num(x, 'max'))),
  join: ([a, d]) => (isArr(a) ? a.map((x) => text(x)).join(text(d)) : text(a)),
  range: ([s, n]) => Array.from({ length: num(n, 'range') }, (_, k) => num(s, 'range') + k),
};
