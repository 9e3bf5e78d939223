/**
 * Cheap source locations: the file and line of the user's `new Construct(...)`.
 *
 * Full stack traces per construct are too slow for 10k-construct programs, so this reads V8's structured call
 * sites (no string formatting) with a small frame limit, and skips frames inside amlcdk itself.
 */
import { findSourceMap, type SourceMap } from 'node:module';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from './errors.js';
import { callerFile } from './module-file.js';

const LIB_DIR = dirname(dirname(callerFile())) + sep; // .../lib/ or .../dist/lib/ (or dist/cjs/lib/)
const FRAME_LIMIT = 12;
/**
 * Frames captured first. V8's cost grows with the number of frames (about 1 µs each), and the user's `new` is
 * almost always within the first few frames (AzureResource, the construct's own constructors, a facade such as
 * `grants`): when it is not, the capture is repeated with {@link FRAME_LIMIT}, so the result is the same.
 */
const FIRST_LIMIT = 6;

let enabled = process.env.AMLCDK_SOURCE_LOCATIONS !== '0';

/** Turn source capture off (e.g. for benchmarks of the pure synth cost) or back on. */
export function setSourceCapture(on: boolean): void {
  enabled = on;
}

const asCallSites = (_e: Error, s: NodeJS.CallSite[]): NodeJS.CallSite[] => s;

function callSites(limit: number): NodeJS.CallSite[] {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved and restored as is, never called here
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = asCallSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, captureSource);
    return (holder.stack as NodeJS.CallSite[]) ?? [];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
}

/** Per file name as V8 reports it: null for amlcdk, node_modules and node: files, else the path to map and report. */
const fileInfo = new Map<string, { readonly path: string; readonly cwd: string; readonly rel: string } | null>();

function userFile(name: string): { readonly path: string; readonly rel: string } | null {
  const cwd = process.cwd();
  let info = fileInfo.get(name);
  if (info === undefined || (info !== null && info.cwd !== cwd)) {
    const file = name.startsWith('file://') ? fileURLToPath(name) : name;
    info =
      file.startsWith(LIB_DIR) || file.includes(`${sep}node_modules${sep}`) || file.startsWith('node:')
        ? null
        : { path: file, cwd, rel: relative(cwd, file).split(sep).join('/') };
    fileInfo.set(name, info);
  }
  return info;
}

/** The first call site outside amlcdk's own lib/, relative to the working directory. */
export function captureSource(): SourceLocation | undefined {
  if (!enabled) return undefined;
  let sites = callSites(FIRST_LIMIT);
  let found = firstUserSite(sites);
  if (!found && sites.length >= FIRST_LIMIT) {
    sites = callSites(FRAME_LIMIT);
    found = firstUserSite(sites);
  }
  return found;
}

function firstUserSite(sites: readonly NodeJS.CallSite[]): SourceLocation | undefined {
  for (const site of sites) {
    const name = site.getFileName();
    if (!name) continue;
    const file = userFile(name);
    if (!file) continue;
    let line = site.getLineNumber();
    if (line == null) continue;
    let column = site.getColumnNumber() ?? undefined;
    // Programs run through tsx (or any loader with source maps) report generated positions: map them back to the
    // TypeScript the user wrote.
    const origin = originalPosition(file.path, line, column ?? 1);
    if (origin) {
      line = origin.line;
      column = origin.column;
    }
    return { file: file.rel, line, column };
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
  const withOrigin = map as unknown as {
    findOrigin?: (this: SourceMap, l: number, c: number) => { lineNumber?: number; columnNumber?: number };
  };
  const o = withOrigin.findOrigin?.call(map, line, column);
  return o && typeof o.lineNumber === 'number' ? { line: o.lineNumber, column: o.columnNumber ?? column } : undefined;
}
