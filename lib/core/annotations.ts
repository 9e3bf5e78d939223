/**
 * Errors and warnings attached to constructs, reported all at once by synthesis.
 *
 * Constructors record problems here instead of throwing, so one `synth` reports every mistake of a program with
 * its construct path. Warnings have stable ids (`azureml:cluster:lowPriorityIsSpot`) and can be acknowledged
 * with a reason on the construct or any ancestor; acknowledged warnings stay in the manifest, marked.
 */
import type { IConstruct } from 'constructs';
import type { Diagnostic, ValidationDetails } from './errors.js';
import { ValidationError } from './errors.js';

interface Entry {
  diagnostics?: Diagnostic[];
  acks?: Map<string, string>;
}

const store = new WeakMap<IConstruct, Entry>();

/** Whether any acknowledgement was ever recorded: when none was, `diagnosticsOf` skips the walk up the tree. */
let anyAcknowledgement = false;

function entry(c: IConstruct): Entry {
  let e = store.get(c);
  if (!e) {
    e = {};
    store.set(c, e);
  }
  return e;
}

/** Record a ValidationError on a construct; synthesis reports it with every other problem. */
export function recordError(scope: IConstruct, err: ValidationError): void {
  const e = entry(scope);
  (e.diagnostics ??= []).push(err.toDiagnostic());
}

/** Annotations of one construct. */
export class Annotations {
  /** Annotations of `scope`. */
  public static of(scope: IConstruct): Annotations {
    return new Annotations(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /** Record an error with a stable code; synthesis fails and reports it with its construct path. */
  public addError(code: string, message: string, details: ValidationDetails = {}): void {
    recordError(this.scope, new ValidationError(code, message, this.scope.node.path, details));
  }

  /**
   * Record a warning with a stable id (`azureml:<area>:<name>`). Warnings never fail synthesis; they are listed in
   * the manifest's `diagnostics` and printed by `amlcdk synth`.
   */
  public addWarning(id: string, message: string, details: ValidationDetails = {}): void {
    // Members assigned in this order rather than spread: validation hooks call this for every compute at every synth.
    const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = {
      level: 'warning',
      code: id,
      path: this.scope.node.path,
      message,
    };
    if (details.value !== undefined) d.value = details.value;
    if (details.allowed !== undefined) d.allowed = details.allowed;
    if (details.fix !== undefined) d.fix = details.fix;
    if (details.source !== undefined) d.source = details.source;
    (entry(this.scope).diagnostics ??= []).push(d);
  }

  /** Record an informational note. */
  public addInfo(code: string, message: string): void {
    (entry(this.scope).diagnostics ??= []).push({ level: 'info', code, path: this.scope.node.path, message });
  }

  /**
   * Acknowledge a warning id for this construct and everything below it, with the reason you accept the risk.
   * The warning is still reported, marked `acknowledged`, and no longer counts.
   *
   * @example
   * Annotations.of(cluster).acknowledgeWarning('azureml:cluster:lowPriorityIsSpot', 'training jobs checkpoint every 10 minutes');
   */
  public acknowledgeWarning(id: string, reason: string): void {
    if (typeof reason !== 'string' || reason.trim().length === 0) {
      recordError(
        this.scope,
        new ValidationError(
          'AcknowledgementWithoutReason',
          `acknowledging warning ${id} needs a reason`,
          this.scope.node.path,
          {
            value: reason,
            allowed: 'a non-empty sentence',
            fix: 'say why the risk is acceptable, e.g. "jobs checkpoint every 10 minutes"',
          },
        ),
      );
      return;
    }
    (entry(this.scope).acks ??= new Map()).set(id, reason.trim());
    anyAcknowledgement = true;
  }

  /** Diagnostics recorded directly on this construct (not its children). */
  public get diagnostics(): readonly Diagnostic[] {
    return store.get(this.scope)?.diagnostics ?? [];
  }
}

/** Diagnostics of one construct with acknowledgements (from it or any ancestor) applied. */
export function diagnosticsOf(c: IConstruct): Diagnostic[] {
  const e = store.get(c);
  const all = e?.diagnostics;
  if (!all?.length) return [];
  // Validation hooks run at every synth: the same diagnostic recorded again by a second synth counts once.
  let unique: Diagnostic[];
  if (all.length === 1) unique = [all[0]];
  else {
    const seen = new Set<string>();
    unique = all.filter((d) => {
      const k = `${d.level}|${d.code}|${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  if (!anyAcknowledgement) return unique;
  return unique.map((d) => {
    if (d.level !== 'warning') return d;
    const reason = acknowledgement(c, d.code);
    return reason === undefined ? d : { ...d, acknowledged: { reason } };
  });
}

function acknowledgement(c: IConstruct, id: string): string | undefined {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    const r = store.get(s)?.acks?.get(id);
    if (r !== undefined) return r;
  }
  return undefined;
}
