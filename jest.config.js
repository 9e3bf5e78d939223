// The project's own suite (npm test runs it through scripts/run-tests.mjs, which adds the typecheck, lint and
// format checks and prints the final `N passed, N failed` line).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // examples/testing is a consumer's jest project; run here too, against the sources (its snapshot is the same).
  roots: ['<rootDir>/test', '<rootDir>/examples/testing'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js|mjs|cjs)$': '<rootDir>/test/jest/transform.cjs' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // ESM sources import siblings as './x.js'; under jest those are the .ts files themselves.
  // Examples import the package by name, as users do; in the suite that is the source tree (as tsconfig's paths).
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^amlcdk$': '<rootDir>/lib/index.ts',
    '^amlcdk/(testing|policy|pulumi)$': '<rootDir>/lib/$1/index.ts',
    '^amlcdk/crossguard$': '<rootDir>/lib/policy/crossguard.ts',
  },
  // The end-to-end files start servers and apply whole stacks; a hung one still ends the run.
  testTimeout: 300_000,
  // The suite is mostly I/O bound (the emulator over HTTPS, Azurite, child processes): more workers than the
  // 2 CI cores keep both cores busy.
  maxWorkers: 3,
  watchPathIgnorePatterns: ['/\\.amlcdk/', '/amlcdk\\.out/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/examples/policy-pack/node_modules/'],
};
