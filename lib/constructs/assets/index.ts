export { ContainerImage, ContainerImageBuild } from './container-image.js';
export type { ContainerImageDirectoryProps, ImageRegistry } from './container-image.js';
