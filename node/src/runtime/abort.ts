import { RuntimeError } from './errors.js';

/** Calls `onAbort` when the signal aborts (at once if it already has); returns the unsubscribe. */
export function onAbort(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

export function abortedError(action: string, signal: AbortSignal): RuntimeError {
  return new RuntimeError('ABORTED', `${action} was aborted by the caller`, { cause: signal.reason });
}

export function throwIfAborted(action: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(action, signal);
}
