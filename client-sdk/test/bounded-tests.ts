/**
 * Time bounds for tests that drive whole networks: a test stuck on a peer that never
 * answers fails by name (and the next tests still run) instead of hanging its file until
 * the runner kills it with no word of where it stopped.
 */
import type { Test } from 'uvu';

/** `promise`, or a rejection naming `what` once `ms` have passed. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** `suite` whose every test fails when it runs longer than `ms`. */
export function boundedTests<T>(suite: Test<T>, ms: number): Test<T> {
  return new Proxy(suite, {
    apply(target, self, [name, handler]: [string, (context: T) => unknown]) {
      return Reflect.apply(target, self, [name, (context: T) => within(Promise.resolve(handler(context)), ms, `test "${name}"`)]);
    },
  });
}
