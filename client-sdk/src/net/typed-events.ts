/**
 * A small typed event emitter on top of the platform `EventTarget` (Node and browsers),
 * so services publish events whose payload type is checked at every listener.
 */
export class TypedEvents<EventMap extends object> {
  readonly #target = new EventTarget();

  /** Calls `listener` with each event's payload until `signal` aborts. */
  on<K extends keyof EventMap & string>(
    type: K,
    listener: (detail: EventMap[K]) => void,
    options: { signal?: AbortSignal } = {},
  ): void {
    const handler = (event: Event): void => listener((event as CustomEvent<EventMap[K]>).detail);
    this.#target.addEventListener(type, handler, options.signal ? { signal: options.signal } : {});
  }

  /** Resolves with the first payload of `type` that satisfies `predicate`. */
  once<K extends keyof EventMap & string>(
    type: K,
    predicate: (detail: EventMap[K]) => boolean = () => true,
    options: { signal?: AbortSignal } = {},
  ): Promise<EventMap[K]> {
    return new Promise((resolve, reject) => {
      const done = new AbortController();
      const stop = (): void => { done.abort(); reject(options.signal?.reason ?? new Error('aborted')); };
      if (options.signal?.aborted === true) return stop();
      options.signal?.addEventListener('abort', stop, { signal: done.signal });
      this.on(type, (detail) => {
        if (!predicate(detail)) return;
        done.abort();
        resolve(detail);
      }, { signal: done.signal });
    });
  }

  emit<K extends keyof EventMap & string>(type: K, detail: EventMap[K]): void {
    this.#target.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
