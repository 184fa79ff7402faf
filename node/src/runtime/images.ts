import { ImageNotAllowedError } from './errors.js';

/**
 * Whether the allow-list admits `image`: an exact name, or a prefix entry ending in `*`
 * (`*` alone admits any local image). The same rule as the `images` list of an offer.
 */
export function imageAllowed(allowed: readonly string[], image: string): boolean {
  return allowed.some((entry) => (entry.endsWith('*') ? image.startsWith(entry.slice(0, -1)) : entry === image));
}

export function requireAllowedImage(allowed: readonly string[], image: string): void {
  if (!imageAllowed(allowed, image)) throw new ImageNotAllowedError(image, allowed);
}
