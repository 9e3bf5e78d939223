// jest's default CommonJS setup with ts-jest's preset: no ESM flags, no transformIgnorePatterns for amlcdk.
/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
};
