import Docker from 'dockerode';
import { RuntimeError } from './errors.js';

export interface EngineConnection {
  docker: Docker;
  /** Where the engine is, for messages. */
  engine: string;
}

const DEFAULT_ENGINE = 'unix:///var/run/docker.sock';

/** A Docker client for `dockerHost` (unix:// or tcp://), or for $DOCKER_HOST when none is given. */
export function dockerClient(dockerHost?: string): EngineConnection {
  if (dockerHost === undefined) {
    // dockerode reads DOCKER_HOST (and the TLS variables) itself.
    return { docker: new Docker(), engine: process.env.DOCKER_HOST ?? DEFAULT_ENGINE };
  }
  return { docker: new Docker(dockerOptionsOf(dockerHost)), engine: dockerHost };
}

function dockerOptionsOf(dockerHost: string): Docker.DockerOptions {
  if (dockerHost.startsWith('unix://') && dockerHost.length > 'unix://'.length) {
    return { socketPath: dockerHost.slice('unix://'.length) };
  }
  const url = URL.canParse(dockerHost) ? new URL(dockerHost) : null;
  if (url && (url.protocol === 'tcp:' || url.protocol === 'http:') && url.hostname && url.port) {
    return { host: url.hostname, port: Number(url.port), protocol: 'http' };
  }
  throw new RuntimeError('BAD_CONFIG', `dockerHost must look like unix:///var/run/docker.sock or tcp://127.0.0.1:2375, got "${dockerHost}"`);
}
