/**
 * Errors of the container runtime. `code` is stable for callers to branch on; the message
 * names the cause and the fix.
 */
import { CodedError } from '@decloud/sdk/errors/coded-error';

export type RuntimeErrorCode =
  | 'RUNTIME_UNAVAILABLE'
  | 'IMAGE_NOT_ALLOWED'
  | 'IMAGE_MISSING'
  | 'CONTAINER_NOT_FOUND'
  | 'CONTAINER_EXISTS'
  | 'CONTAINER_NOT_RUNNING'
  | 'BAD_SPEC'
  | 'BAD_CONFIG'
  | 'ABORTED'
  | 'ENGINE_ERROR';

export class RuntimeError extends CodedError<RuntimeErrorCode> {
  override readonly name: string = 'RuntimeError';
}

export const ENGINE_FIX = 'start one with scripts/docker-engine.sh start or set DOCKER_HOST';

/** The container engine cannot be reached (not running, wrong socket, no permission). */
export class RuntimeUnavailableError extends RuntimeError {
  override readonly name = 'RuntimeUnavailableError';

  constructor(readonly engine: string, reason: string, options?: { cause?: unknown }) {
    super('RUNTIME_UNAVAILABLE', `no Docker engine answers at ${engine} (${reason}): ${ENGINE_FIX}`, options);
  }
}

export class ImageNotAllowedError extends RuntimeError {
  override readonly name = 'ImageNotAllowedError';

  constructor(readonly image: string, allowed: readonly string[]) {
    super('IMAGE_NOT_ALLOWED', `image "${image}" is not on this host's allow-list [${allowed.join(', ')}]: pick an allowed image or add it to the host config's allowedImages`);
  }
}

export class ImageMissingError extends RuntimeError {
  override readonly name = 'ImageMissingError';

  constructor(readonly image: string) {
    super(
      'IMAGE_MISSING',
      `image "${image}" is allowed but not present on this host, and DeCloud never pulls: load it first (docker load -i <file>, docker import, or scripts/docker-image.sh for decloud/busybox:local) or remove it from allowedImages`,
    );
  }
}

export class ContainerNotFoundError extends RuntimeError {
  override readonly name = 'ContainerNotFoundError';

  constructor(readonly container: string) {
    super('CONTAINER_NOT_FOUND', `container ${container} does not exist (removed, or created by another engine): list the lease's containers again`);
  }
}
