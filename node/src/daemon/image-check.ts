import { dockerClient } from '../runtime/docker-client.js';
import { DaemonError } from './daemon-error.js';

export interface ImageCheck {
  /** Allowed entries the host can serve: exact names present on the engine, and prefix entries. */
  offered: string[];
  /** Exact names that are not on the engine (DeCloud never pulls). */
  missing: string[];
}

/**
 * Which allowed images can really be served. A missing one is left out of the offer (a quote
 * for it would end in a failed lease); none left is an error naming the fix.
 */
export async function checkImages(allowedImages: string[], dockerHost: string | undefined): Promise<ImageCheck> {
  const { docker } = dockerClient(dockerHost);
  const offered: string[] = [];
  const missing: string[] = [];
  for (const image of allowedImages) {
    if (image.endsWith('*') || (await present(docker, image))) offered.push(image);
    else missing.push(image);
  }
  if (offered.length === 0) {
    throw new DaemonError(
      'NO_IMAGES',
      `none of the allowed images (${allowedImages.join(', ')}) is on this host's Docker engine, and DeCloud never pulls: load one (scripts/docker-image.sh builds decloud/busybox:local; docker load -i <file>) or change allowedImages in the config`,
    );
  }
  return { offered, missing };
}

async function present(docker: ReturnType<typeof dockerClient>['docker'], image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}
