import { RuntimeError } from './errors.js';

/** One frame of a container's output. */
export interface OutputFrame {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

const HEADER_BYTES = 8;
const STREAM_TYPES: Readonly<Record<number, OutputFrame['stream']>> = { 0: 'stdout', 1: 'stdout', 2: 'stderr' };

/**
 * Decodes Docker's multiplexed output of a non-TTY container or exec: frames of
 * [type u8 (1 stdout, 2 stderr), 0 0 0, length u32 BE, payload], split arbitrarily across
 * chunks. Decoding into one sequence keeps the engine's order across stdout and stderr.
 */
export async function* demultiplex(source: AsyncIterable<Buffer | string>): AsyncGenerator<OutputFrame> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = pending.length === 0 ? toBuffer(chunk) : Buffer.concat([pending, toBuffer(chunk)]);
    while (pending.length >= HEADER_BYTES) {
      const stream = streamOf(pending);
      const end = HEADER_BYTES + pending.readUInt32BE(4);
      if (pending.length < end) break;
      yield { stream, data: pending.subarray(HEADER_BYTES, end) };
      pending = pending.subarray(end);
    }
  }
  if (pending.length > 0) throw new RuntimeError('ENGINE_ERROR', `the engine's output stream ended inside a frame (${pending.length} bytes left): retry the call`);
}

function streamOf(header: Buffer): OutputFrame['stream'] {
  const stream = STREAM_TYPES[header[0] ?? -1];
  if (!stream || header[1] !== 0 || header[2] !== 0 || header[3] !== 0) {
    throw new RuntimeError('ENGINE_ERROR', `the engine's output is not multiplexed (header ${header.subarray(0, HEADER_BYTES).toString('hex')}): the container must run without a TTY`);
  }
  return stream;
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}
