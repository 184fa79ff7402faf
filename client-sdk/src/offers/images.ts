/** Whether an offer's image list allows `image`: an exact name, or a prefix entry ending in `*`. */
export function imageAllowed(images: readonly string[], image: string): boolean {
  return images.some((entry) => (entry.endsWith('*') ? image.startsWith(entry.slice(0, -1)) : entry === image));
}
