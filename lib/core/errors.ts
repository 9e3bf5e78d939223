/**
 * Errors and diagnostics shared by every layer.
 *
 * Every user-facing failure carries a stable `code` (PascalCase, never reworded once released), the place it
 * came from (a construct path, or a file and line), what was wrong, what is allowed, and how to fix it. The CLI
 * prints these without stack traces; a raw stack trace is reserved for bugs in amlcdk itself.
 */
import { redactSecrets, safeJson, safeValue } from './redact.js';

/** A place in the user's source: the TypeScript file (relative to the project) and line of a construct's `new`. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** Severity of a synthesis diagnostic. */
export type DiagnosticLevel = 'error' | 'warning' | 'info';

/**
 * One problem or note found while building or validating the construct tree.
 *
 * @example
 * { level: 'error', code: 'MaxNodesBelowMin', path: 'Team/GpuCluster',
 *   message: 'maxNodeCount (2) must be >= minNodeCount (4)', value: 2, allowed: '>= 4',
 *   fix: 'lower minNodeCount or raise maxNodeCount' }
 */
export interface Diagnostic {
  readonly level: DiagnosticLevel;
  /** Stable code (errors) or warning id such as `azureml:compute:lowPriorityIsSpot`. */
  readonly code: string;
  /** Construct path (relative to the App), or a file path for input-file errors. */
  readonly path: string;
  readonly message: string;
  /** The offending value, when there is one. Never a secret. */
  readonly value?: unknown;
  /** What would have been accepted. */
  readonly allowed?: string;
  /** How to fix it. */
  readonly fix?: string;
  readonly source?: SourceLocation;
  /** Set when a warning was acknowledged with a reason; acknowledged warnings are reported but do not count. */
  readonly acknowledged?: { readonly reason: string };
}

/** Base class of every error amlcdk raises on purpose. `code` is stable and documented. */
export class AmlcdkError extends Error {
  public readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Anything that has a construct path: a construct (`node.path`) or a plain path string. */
export type PathLike = string | { readonly node: { readonly path: string } };

function pathOf(p: PathLike): string {
  if (typeof p === 'string') return p;
  try {
    return String(p.node.path);
  } catch {
    return '<unknown construct>';
  }
}

/** Details of a validation failure, beyond its code and message. */
export interface ValidationDetails {
  readonly value?: unknown;
  readonly allowed?: string;
  readonly fix?: string;
  readonly source?: SourceLocation;
}

/**
 * Invalid input to a construct. Thrown from constructors for single-prop problems, and collected by synthesis
 * (all at once) for everything else.
 *
 * @example
 * throw new ValidationError('MaxNodesBelowMin', 'maxNodeCount (2) must be >= minNodeCount (4)', this,
 *   { value: 2, allowed: '>= 4', fix: 'lower minNodeCount or raise maxNodeCount' });
 */
export class ValidationError extends AmlcdkError {
  public readonly path: string;
  public readonly details: ValidationDetails;
  constructor(code: string, message: string, scope: PathLike, details: ValidationDetails = {}) {
    super(code, message);
    this.path = pathOf(scope);
    // The value is kept only as a safe, printable copy: Node prints an uncaught error's own properties, so a secret
    // (or a Proxy, a BigInt, a circular object) here would reach stderr whatever the message says.
    this.details = details.value === undefined ? details : { ...details, value: safeValue(details.value) };
  }

  /** The error as a diagnostic, for reporting together with others. */
  public toDiagnostic(): Diagnostic {
    return {
      level: 'error',
      code: this.code,
      path: this.path,
      message: this.message,
      ...(this.details.value !== undefined ? { value: this.details.value } : {}),
      ...(this.details.allowed !== undefined ? { allowed: this.details.allowed } : {}),
      ...(this.details.fix !== undefined ? { fix: this.details.fix } : {}),
      ...(this.details.source !== undefined ? { source: this.details.source } : {}),
    };
  }
}

/** Synthesis found one or more errors. Carries all of them; nothing was written. */
export class SynthesisError extends AmlcdkError {
  public readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.level === 'error');
    super(
      'SynthesisFailed',
      `synthesis failed with ${errors.length} error(s):\n${errors.map(formatDiagnostic).join('\n')}`,
    );
    this.diagnostics = diagnostics;
  }
}

/** Input that is not a construct: a config file, a manifest, a plan, a YAML file. Carries the file and line. */
export class InputError extends AmlcdkError {
  public readonly file?: string;
  public readonly line?: number;
  public readonly fix?: string;
  constructor(code: string, message: string, where: { file?: string; line?: number; fix?: string } = {}) {
    super(code, message);
    this.file = where.file;
    this.line = where.line;
    this.fix = where.fix;
  }
}

/** Wrong command-line usage (unknown flag, missing argument, conflicting options). Exit code 2. */
export class UsageError extends AmlcdkError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** One line per diagnostic: `[path] Code: message (got value; allowed: ...) fix: ...`. */
export function formatDiagnostic(d: Diagnostic): string {
  const parts = [`[${d.path}] ${d.code}: ${redactSecrets(String(d.message))}`];
  if (d.value !== undefined) parts.push(`(got ${safeJson(d.value)})`);
  if (d.allowed !== undefined) parts.push(`allowed: ${d.allowed}.`);
  if (d.fix !== undefined) parts.push(`Fix: ${d.fix}`);
  if (d.source) parts.push(`at ${d.source.file}:${d.source.line}`);
  return parts.join(' ');
}
