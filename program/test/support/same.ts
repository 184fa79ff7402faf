/** Deep equality of value lists with both in the message: fast-check reports only an assertion's message. */
import { isDeepStrictEqual } from 'node:util';
import * as assert from 'uvu/assert';

const text = (values: unknown[]) => JSON.stringify(values, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));

export function same(actual: unknown[], expected: unknown[], what: string): void {
  // The message is only built for a failure: this runs millions of times.
  if (!isDeepStrictEqual(actual, expected)) assert.equal(actual, expected, `${what}: expected ${text(expected)}, got ${text(actual)}`);
}
