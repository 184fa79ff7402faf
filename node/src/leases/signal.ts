import { raceSignal } from '@decloud/sdk/net/abort';

/**
 * `promise` bounded by `signal`. Chain calls take no signal of their own: aborting stops
 * the wait, and whatever was sent may still land, so callers re-read state afterwards.
 */
export function bounded<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return signal ? raceSignal(promise, signal) : promise;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}
