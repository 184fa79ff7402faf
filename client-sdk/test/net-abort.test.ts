// The signal helpers every network call goes through: a source that misses its abort (a
// DHT query stuck in a stalled dial) must still end the caller's wait, and be told to stop.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { abortable, derivedSignal, raceSignal } from '../src/net/abort.js';
import { rejection } from './rejection.js';

/** A source that yields `values`, then never settles again (and ignores every signal). */
function stalled<T>(values: T[]): AsyncIterable<T> & { returned: boolean } {
  const source = {
    returned: false,
    [Symbol.asyncIterator]() {
      let index = 0;
      return {
        next: (): Promise<IteratorResult<T>> => index < values.length
          ? Promise.resolve({ done: false, value: values[index++]! })
          : new Promise<IteratorResult<T>>(() => undefined),
        return: (): Promise<IteratorResult<T>> => {
          source.returned = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
  return source;
}

test('abortable: a stalled source ends with the signal\'s reason, after what it yielded, and is told to stop', async () => {
  const source = stalled([1, 2]);
  const seen: number[] = [];
  const started = Date.now();
  // A timer of our own: AbortSignal.timeout does not keep the process alive.
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('late', 'TimeoutError')), 100);
  let error: unknown;
  try {
    for await (const value of abortable(source, controller.signal)) seen.push(value);
  } catch (err) {
    error = err;
  }
  assert.equal(seen, [1, 2]);
  assert.instance(error, DOMException);
  assert.is((error as DOMException).name, 'TimeoutError');
  assert.ok(Date.now() - started < 2000, 'ended by the signal, not by the source');
  assert.ok(source.returned, 'the source was told to stop');
});

test('abortable: a source that ends, or a loop that breaks, behave as without it', async () => {
  async function* three(): AsyncGenerator<number> { yield 1; yield 2; yield 3; }
  const all: number[] = [];
  for await (const value of abortable(three(), new AbortController().signal)) all.push(value);
  assert.equal(all, [1, 2, 3]);

  const source = stalled([1, 2, 3]);
  for await (const value of abortable(source, new AbortController().signal)) if (value === 2) break;
  assert.ok(source.returned, 'breaking out stops the source');

  const aborted = AbortSignal.abort(new Error('gone'));
  const gone = await rejection((async () => { for await (const value of abortable(three(), aborted)) void value; })());
  assert.is(gone.message, 'gone');
});

test('raceSignal and derivedSignal: the first of the caller, the timeout and the promise wins', async () => {
  assert.is(await raceSignal(Promise.resolve(7), new AbortController().signal), 7);
  const caller = new AbortController();
  const derived = derivedSignal(60_000, caller.signal);
  const waiting = raceSignal(new Promise(() => undefined), derived);
  caller.abort(new Error('caller left'));
  assert.is((await rejection(waiting)).message, 'caller left');
  const timed = derivedSignal(50);
  const alive = setTimeout(() => undefined, 5000);
  assert.is((await rejection(raceSignal(new Promise(() => undefined), timed))).name, 'TimeoutError');
  clearTimeout(alive);
});

test('a derived deadline fires even when garbage collection runs before it (AbortSignal.any of AbortSignal.timeout does not on Node 20)', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const caller = new AbortController();
  const deadline = derivedSignal(100, caller.signal);
  let fired = false;
  deadline.addEventListener('abort', () => { fired = true; });
  const alive = setTimeout(() => undefined, 5000);
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  await new Promise((resolve) => setTimeout(resolve, 300));
  clearTimeout(alive);
  assert.ok(deadline.aborted && fired, 'the deadline passed');
  assert.is((deadline.reason as DOMException).name, 'TimeoutError');
});

test.run();
