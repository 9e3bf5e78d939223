export * from './dependencies.js';
export * from './grants.js';
export * from './workspace.js';
