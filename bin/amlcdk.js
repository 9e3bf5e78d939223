#!/usr/bin/env node
// Entry point of the `amlcdk` command. In a source checkout (lib/*.ts present and tsx installed) it runs
// the TypeScript sources directly, so a stale dist/ can never be what a developer or CI exercises;
// an installed package runs the compiled dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'lib', 'cli', 'main.ts');
let entry;
if (existsSync(source)) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    entry = source;
  } catch {
    entry = join(root, 'dist', 'esm', 'cli', 'main.js');
  }
} else {
  entry = join(root, 'dist', 'esm', 'cli', 'main.js');
}
const { main, reportFailure } = await import(pathToFileURL(entry).href);
// A failure outside a command's promise chain (a callback that throws) is still a coded error, not a stack trace.
const onUncaught = (err) => {
  process.exitCode = reportFailure(err, process.argv);
  process.exit();
};
process.on('uncaughtException', onUncaught);
process.on('unhandledRejection', onUncaught);
process.exitCode = await main(process.argv);
