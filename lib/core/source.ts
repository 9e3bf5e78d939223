/**
 * Cheap source locations: the file and line of the user's `new Construct(...)`.
 *
 * Full stack traces per construct are too slow for 10k-construct programs, so this reads V8's structured call
 * sites (no string formatting) with a small frame limit, and skips frames inside amlcdk itself.
 */
import { findSourceMap, type SourceMap } from 'node:module';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from './errors.js';

const LIB_DIR = fileURLToPath(new URL('..', import.meta.url)); // .../lib/ or .../dist/lib/
const FRAME_LIMIT = 12;

let enabled = process.env.AMLCDK_SOURCE_LOCATIONS !== '0';

/** Turn source capture off (e.g. for benchmarks of the pure synth cost) or back on. */
export function setSourceCapture(on: boolean): void {
  enabled = on;
}

/** The first call site outside amlcdk's own lib/, relative to the working directory. */
export function captureSource(): SourceLocation | undefined {
  if (!enabled) return undefined;
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = FRAME_LIMIT;
    Error.prepareStackTrace = (_e, s) => s;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, captureSource);
    sites = (holder.stack as NodeJS.CallSite[]) ?? [];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
  for (const site of sites) {
    let file = site.getFileName();
    if (!file) continue;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith(LIB_DIR) || file.includes(`${sep}node_modules${sep}`) || file.startsWith('node:')) continue;
    let line = site.getLineNumber();
    if (line == null) continue;
    let column = site.getColumnNumber() ?? undefined;
    // Programs run through tsx (or any loader with source maps) report generated positions: map them back to the
    // TypeScript the user wrote.
    const origin = originalPosition(file, line, column ?? 1);
    if (origin) {
      line = origin.line;
      column = origin.column;
    }
    const rel = relative(process.cwd(), file).split(sep).join('/');
    return { file: rel, line, column };
  }
  return undefined;
}

const maps = new Map<string, SourceMap | null>();

function originalPosition(file: string, line: number, column: number): { line: number; column: number } | undefined {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = findSourceMap(file) ?? null;
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  if (!map) return undefined;
  // findOrigin (1-based) exists since Node 20.4; its result is empty when there is no mapping.
  const find = (map as unknown as { findOrigin?(l: number, c: number): { lineNumber?: number; columnNumber?: number } }).findOrigin;
  const o = find?.call(map, line, column);
  return o && typeof o.lineNumber === 'number' ? { line: o.lineNumber, column: o.columnNumber ?? column } : undefined;
}
