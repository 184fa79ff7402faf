/**
 * Signal helpers: every network call is bounded by the caller's signal, the service's
 * lifetime and often its own timeout. libp2p adds one abort listener per stream or DHT
 * request to the signal it is given, so these signals allow any number of listeners
 * (Node warns of a leak past 10 otherwise).
 */
import { setMaxListeners } from 'main-event';

/** A new signal that aborts when any of `signals` does or after `timeoutMs`. */
export function derivedSignal(timeoutMs: number | undefined, ...signals: Array<AbortSignal | undefined>): AbortSignal {
  const sources = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (timeoutMs !== undefined) sources.push(timeoutSignal(timeoutMs));
  const signal = AbortSignal.any(sources);
  setMaxListeners(Infinity, signal);
  return signal;
}

/**
 * A signal that aborts with a TimeoutError after `ms`. Not AbortSignal.timeout: its timer
 * holds the signal weakly, and inside AbortSignal.any Node 20 may collect it before it
 * fires (nodejs/node#57736), so the deadline never comes. Here the timer holds it.
 */
export function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms).unref();
  return controller.signal;
}

/** The controller of a service's lifetime: every call it makes derives from it. */
export function lifetimeController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(Infinity, controller.signal);
  return controller;
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
export function raceSignal<T>(promise: T | Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * `source`, ending with the signal's reason as soon as it aborts, even when the source
 * itself misses the abort (a DHT query can sit in a stalled dial or stream read).
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await raceSignal(iterator.next(), signal);
      if (next.done === true) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Ends the source's query without waiting on it: a stalled one may never settle.
    if (!finished) void iterator.return?.()?.catch(() => undefined);
  }
}
