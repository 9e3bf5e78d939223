/** Any ARM resource amlcdk does not model. */
export * from './generic-resource.js';
