export type * from './runtime.js';
export { DockerRuntime } from './docker-runtime.js';
export type { DockerRuntimeConfig, NetworkMode } from './config.js';
export { NETWORK_MODES } from './config.js';
export {
  RuntimeError,
  RuntimeUnavailableError,
  ImageNotAllowedError,
  ImageMissingError,
  ContainerNotFoundError,
} from './errors.js';
export type { RuntimeErrorCode } from './errors.js';
export { imageAllowed } from './images.js';
export { KEPT_CAPABILITIES } from './hardening.js';
export { LABELS, containerName } from './labels.js';
export { containerCreateOptions } from './create-options.js';
