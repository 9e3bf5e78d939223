export * from './types.js';
export * from './format.js';
export * from './lock-holder.js';
export * from './file-store.js';
export * from './blob-store.js';
export * from './open.js';
