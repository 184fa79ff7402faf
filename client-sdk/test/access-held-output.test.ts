// Shell output that arrives before anyone listens: held (bounded), then handed over in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HeldOutput } from '../src/access/held-output.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString();

test('output before the first listener reaches it in order, then flows straight through', () => {
  const output = new HeldOutput();
  output.deliver(bytes('$ '));
  output.deliver(bytes('prompt'));
  const first: Uint8Array[] = [];
  output.subscribe((chunk) => first.push(chunk));
  output.deliver(bytes('!'));
  assert.is(text(first), '$ prompt!');
  const second: Uint8Array[] = [];
  const stop = output.subscribe((chunk) => second.push(chunk));
  output.deliver(bytes('x'));
  stop();
  output.deliver(bytes('y'));
  assert.is(text(first), '$ prompt!xy');
  assert.is(text(second), 'x', 'a later listener gets nothing held twice, and nothing after removal');
});

test('held output is bounded: what does not fit is dropped, not buffered without end', () => {
  const output = new HeldOutput(8);
  output.deliver(bytes('12345'));
  output.deliver(bytes('6789'));
  output.deliver(bytes('abc'));
  const got: Uint8Array[] = [];
  output.subscribe((chunk) => got.push(chunk));
  assert.is(text(got), '12345abc');
});

test.run();
