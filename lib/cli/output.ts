/** Terminal output helpers shared by the commands: colors only on a TTY, diagnostics without stack traces. */
import pc from 'picocolors';
import { AmlcdkError, InputError, ValidationError, formatDiagnostic, type Diagnostic } from '../core/errors.js';
import { redactSecrets } from '../core/redact.js';

/** Colors, enabled only when the stream is a TTY and NO_COLOR is not set. */
export function colors(stream: NodeJS.WriteStream = process.stdout): ReturnType<typeof pc.createColors> {
  return pc.createColors(Boolean(stream.isTTY) && !process.env.NO_COLOR);
}

/** Print an error the user can act on: code, where, what, how to fix. */
export function printError(err: AmlcdkError, stream: NodeJS.WriteStream = process.stderr): void {
  const c = colors(stream);
  let where = '';
  if (err instanceof ValidationError) where = `[${err.path}] `;
  if (err instanceof InputError && err.file) where = `${err.file}${err.line ? `:${err.line}` : ''}: `;
  let text = `${c.red('error')} ${where}${err.code}: ${err.message}`;
  if (err instanceof InputError && err.fix) text += `\n  fix: ${err.fix}`;
  if (err instanceof ValidationError && err.details.fix) text += `\n  fix: ${err.details.fix}`;
  // Messages quote what the user gave; a pasted secret must not reach the terminal or a CI log.
  stream.write(redactSecrets(text) + '\n');
}

/** Print diagnostics grouped by level; returns the number of errors. */
export function printDiagnostics(
  diagnostics: readonly Diagnostic[],
  stream: NodeJS.WriteStream = process.stderr,
): number {
  const c = colors(stream);
  let errors = 0;
  for (const d of diagnostics) {
    if (d.level === 'error') errors += 1;
    const label =
      d.level === 'error'
        ? c.red('error')
        : d.level === 'warning'
          ? c.yellow(d.acknowledged ? 'warning (acknowledged)' : 'warning')
          : c.dim('info');
    stream.write(`${label} ${formatDiagnostic(d)}\n`);
  }
  return errors;
}

/**
 * The open (unacknowledged) warnings the manifests carry from synthesis, e.g. a GPU family with zero quota in new
 * subscriptions: check and plan repeat them, so they are seen where the decision is made, not only in synth.
 */
export function printOpenWarnings(
  manifests: readonly { readonly diagnostics?: readonly Diagnostic[] }[],
  stream: NodeJS.WriteStream = process.stderr,
): number {
  const open = manifests.flatMap((m) => m.diagnostics ?? []).filter((d) => d.level === 'warning' && !d.acknowledged);
  printDiagnostics(open, stream);
  return open.length;
}
