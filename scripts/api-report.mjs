#!/usr/bin/env node
// The public API report: api-extractor reads the declarations of each package entry point and writes
// api/<entry>.api.md, every exported name with its signature.
//
//   npm run api          update the reports (after a deliberate change of the public API; commit them)
//   npm run api:check    fail when a report is stale (npm test runs this), printing the difference
//
// The declarations come from dist/esm when `npm run build` made it from the current sources (dist/build-stamp.txt),
// else they are emitted into a temporary folder first.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { buildInputsHash } from './build.mjs';

const root = join(import.meta.dirname, '..');
const reportFolder = join(root, 'api');

/** Package entry point (package.json `exports`) → its declaration file under the build's root. */
export const ENTRY_POINTS = [
  { report: 'amlcdk', subpath: '.', dts: 'index.d.ts' },
  { report: 'amlcdk-testing', subpath: './testing', dts: 'testing/index.d.ts' },
  { report: 'amlcdk-policy', subpath: './policy', dts: 'policy/index.d.ts' },
  { report: 'amlcdk-pulumi', subpath: './pulumi', dts: 'pulumi/index.d.ts' },
  { report: 'amlcdk-crossguard', subpath: './crossguard', dts: 'policy/crossguard.d.ts' },
];

/**
 * The folder holding package.json and dist/esm/**.d.ts: the checkout itself when its build is current, else a
 * scratch copy. Warnings in the reports name files relative to it, so both read `dist/esm/…`.
 */
function declarations(scratch) {
  const stamp = join(root, 'dist', 'build-stamp.txt');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === buildInputsHash()) return root;
  copyFileSync(join(root, 'package.json'), join(scratch, 'package.json'));
  const out = join(scratch, 'dist', 'esm');
  const tsc = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
      '--emitDeclarationOnly',
      '--outDir',
      out,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error('tsc could not emit the declarations');
  return scratch;
}

function configFor(entry, packageRoot, scratch) {
  const dtsRoot = join(packageRoot, 'dist', 'esm');
  return ExtractorConfig.prepare({
    configObject: {
      projectFolder: packageRoot,
      mainEntryPointFilePath: join(dtsRoot, entry.dts),
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            lib: ['ES2023'],
            types: ['node'],
            strict: true,
            skipLibCheck: true,
          },
          files: ENTRY_POINTS.map((e) => join(dtsRoot, e.dts)),
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${entry.report}.api.md`,
        reportFolder,
        reportTempFolder: join(scratch, 'reports'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'error' } },
        extractorMessageReporting: {
          // A type a public signature uses but the entry point does not export is listed in the report.
          default: { logLevel: 'warning', addToApiReportFile: true },
          'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
          // TSDoc completeness is the style guide's and review's business, not the API report's.
          'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: join(packageRoot, 'api-extractor.json'),
    packageJsonFullPath: join(packageRoot, 'package.json'),
  });
}

function main() {
  const check = process.argv.includes('--check');
  const scratch = mkdtempSync(join(root, 'dist', '.api-'));
  mkdirSync(reportFolder, { recursive: true });
  const stale = [];
  let errors = 0;
  try {
    const packageRoot = declarations(scratch);
    const configs = ENTRY_POINTS.map((e) => configFor(e, packageRoot, scratch));
    // One TypeScript program for every entry point.
    const compilerState = CompilerState.create(configs[0], {
      additionalEntryPoints: configs.slice(1).map((c) => c.mainEntryPointFilePath),
    });
    for (const [i, config] of configs.entries()) {
      const result = Extractor.invoke(config, {
        localBuild: !check,
        compilerState,
        messageCallback: (m) => {
          // Warnings go into the report itself; only errors are printed.
          if (m.logLevel !== 'error') m.handled = true;
        },
      });
      errors += result.errorCount;
      if (check && result.apiReportChanged) {
        const file = `${ENTRY_POINTS[i].report}.api.md`;
        stale.push(file);
        const current = join(reportFolder, file);
        const wanted = join(scratch, 'reports', file);
        const args = ['-u', '--label', `api/${file}`, '--label', `api/${file} (from the exports)`];
        spawnSync('diff', [...args, existsSync(current) ? current : '/dev/null', wanted], { stdio: 'inherit' });
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (stale.length) {
    process.stderr.write(
      `\nThe public API changed: api/${stale.join(', api/')} no longer match the exports (difference above).\n` +
        'If the change is deliberate, run `npm run api` and commit the updated report(s); otherwise undo the export.\n',
    );
  }
  return errors > 0 || stale.length > 0 ? 1 : 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = main();
