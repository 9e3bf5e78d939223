// Jest transform for the project's own suite: @swc/jest compiles TypeScript (ESM syntax) to CommonJS, which is
// jest's stable module mode (no --experimental-vm-modules). CommonJS has no `import.meta`, so the few places
// in tests, helpers and scripts that locate files through it are rewritten to their CommonJS equivalents first.
'use strict';
const { createTransformer } = require('@swc/jest');

const swc = createTransformer({
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
  module: { type: 'commonjs', ignoreDynamic: false },
  sourceMaps: 'inline',
});

const IMPORT_META = /import\.meta\.(dirname|filename|url)\b/g;
const REPLACEMENT = {
  dirname: '__dirname',
  filename: '__filename',
  url: 'require("node:url").pathToFileURL(__filename).href',
};

function rewrite(source) {
  return source.includes('import.meta') ? source.replace(IMPORT_META, (_, key) => REPLACEMENT[key]) : source;
}

module.exports = {
  process(source, path, options) {
    return swc.process(rewrite(source), path, options);
  },
  getCacheKey(source, path, options) {
    return swc.getCacheKey(rewrite(source), path, options) + ':import-meta-v1';
  },
};
