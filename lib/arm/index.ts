export * from './types.js';
export * from './token-bucket.js';
export * from './retry.js';
export * from './arm-error.js';
export * from './local-credential.js';
export * from './http-client.js';
