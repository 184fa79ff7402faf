import type { Logger } from 'pino';
import { RuntimeError } from './errors.js';

export const NETWORK_MODES = ['none', 'host'] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

export interface DockerRuntimeConfig {
  /** Images renters may run: exact names or prefixes ending in `*`. Never pulled: they must be on the host. */
  allowedImages: string[];
  /** 'none' (default) isolates containers from every network; 'host' shares the host's. */
  networkMode?: NetworkMode;
  /** Mount the image read-only (with a 64 MiB tmpfs on /tmp). Default false. */
  readonlyRootfs?: boolean;
  /** unix:///path/docker.sock or tcp://host:port. Default: $DOCKER_HOST, else /var/run/docker.sock. */
  dockerHost?: string;
  logger?: Logger;
}

export interface ResolvedConfig {
  allowedImages: string[];
  networkMode: NetworkMode;
  readonlyRootfs: boolean;
}

/** Checks the operator's runtime config and fills in defaults. Throws RuntimeError BAD_CONFIG. */
export function resolveConfig(config: DockerRuntimeConfig): ResolvedConfig {
  const { allowedImages } = config;
  if (!Array.isArray(allowedImages) || !allowedImages.every((image) => typeof image === 'string' && image.length > 0)) {
    throw new RuntimeError('BAD_CONFIG', 'allowedImages must be a list of image names, e.g. ["decloud/busybox:local"]');
  }
  const networkMode = config.networkMode ?? 'none';
  if (!NETWORK_MODES.includes(networkMode)) {
    throw new RuntimeError('BAD_CONFIG', `networkMode must be one of ${NETWORK_MODES.join(', ')}, got ${JSON.stringify(networkMode)}`);
  }
  return { allowedImages: [...allowedImages], networkMode, readonlyRootfs: config.readonlyRootfs ?? false };
}
