import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Points DOCKER_HOST at the project's private engine (scripts/docker-engine.sh) when it runs and none is set. */
export function usePrivateDockerEngine(root: string): void {
  const socket = join(root, '.state/docker/docker.sock');
  if (!process.env.DOCKER_HOST && existsSync(socket)) process.env.DOCKER_HOST = `unix://${socket}`;
}
