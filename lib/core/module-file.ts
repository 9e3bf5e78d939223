/**
 * Where the calling module lives on disk, read from V8's call sites. amlcdk ships as ESM and as CommonJS (and its
 * own tests run under jest's CommonJS loader): `import.meta.url` exists only in the first and `__filename` only in
 * the others, while the call site of a function's caller names its file in all three.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The absolute path of the file whose code calls this function. */
export function callerFile(): string {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved and restored as is, never called here
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_e, sites) => sites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, callerFile);
    const name = (holder.stack as NodeJS.CallSite[] | undefined)?.[0]?.getFileName();
    if (!name) throw new Error('amlcdk: cannot tell which file a module was loaded from (no call site)');
    return name.startsWith('file:') ? fileURLToPath(name) : name;
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
}

/** A CommonJS `require` that resolves from `file` (see {@link callerFile}), for loading optional peers lazily. */
export function requireFrom(file: string): NodeJS.Require {
  return createRequire(file);
}
