/**
 * Hooks a construct registers to take part in synthesis: `prepare` (late defaults that depend on the final tree,
 * e.g. an NSG deriving rules from the compute placed in its subnet) and `validate` (record errors/warnings with
 * `Annotations`). Kept outside the constructs library's `node.addValidation` so checks can report coded,
 * structured diagnostics rather than strings.
 */
import type { IConstruct } from 'constructs';

interface Hooks {
  prepare?: Array<() => void>;
  validate?: Array<() => void>;
}

const hooks = new WeakMap<IConstruct, Hooks>();

function get(c: IConstruct): Hooks {
  let h = hooks.get(c);
  if (!h) hooks.set(c, (h = {}));
  return h;
}

/** Run `fn` at synthesis, after aspects and before validation. */
export function onPrepare(c: IConstruct, fn: () => void): void {
  (get(c).prepare ??= []).push(fn);
}

/** Run `fn` at synthesis to record errors and warnings on the construct (see Annotations). */
export function onValidate(c: IConstruct, fn: () => void): void {
  (get(c).validate ??= []).push(fn);
}

/** @internal used by synthesis */
export function runHooks(c: IConstruct, phase: 'prepare' | 'validate'): void {
  const list = hooks.get(c)?.[phase];
  if (list) for (const fn of list) fn();
}

let generation = 0;

/** @internal called by synthesis at its start: caches computed during one synthesis are keyed by this. */
export function beginSynth(): void {
  generation += 1;
}

/** The current synthesis run (changes at every synth), for per-run caches in prepare/validate hooks. */
export function synthGeneration(): number {
  return generation;
}

const perRun = new WeakMap<object, { gen: number; value: unknown }>();

/** Compute `fn()` once per synthesis run for `key` (e.g. a scan of the whole tree shared by many constructs). */
export function oncePerSynth<T>(key: object, fn: () => T): T {
  const hit = perRun.get(key);
  if (hit && hit.gen === generation) return hit.value as T;
  const value = fn();
  perRun.set(key, { gen: generation, value });
  return value;
}
