import type { Container } from 'dockerode';
import { onAbort } from './abort.js';
import { demultiplex } from './multiplexed-stream.js';
import type { OutputFrame } from './multiplexed-stream.js';
import type { LogChunk, LogOptions } from './runtime.js';

/**
 * A container's output, stdout and stderr in the order the engine recorded them (the engine
 * reads the two pipes apart, so lines written within a millisecond may swap). With `follow` the
 * iterable stays open for new output and ends when the signal aborts or the container stops.
 */
export async function* containerLogs(container: Container, options: LogOptions = {}): AsyncGenerator<LogChunk> {
  const { signal } = options;
  const query = {
    stdout: true,
    stderr: true,
    // Seconds with a fraction ("1700000000.123"), which the engine accepts like the docker CLI sends it.
    ...(options.since ? { since: (options.since.getTime() / 1000).toFixed(3) } : {}),
    ...(options.tail !== undefined ? { tail: options.tail } : {}),
    abortSignal: signal,
  };
  if (!options.follow) {
    const buffer = await container.logs({ ...query, follow: false });
    for await (const frame of demultiplex(oneChunk(buffer))) yield chunkOf(frame);
    return;
  }
  let stream: NodeJS.ReadableStream & { destroy(): void };
  try {
    stream = (await container.logs({ ...query, follow: true })) as typeof stream;
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  }
  const unsubscribe = onAbort(signal, () => stream.destroy());
  try {
    for await (const frame of demultiplex(stream as AsyncIterable<Buffer>)) {
      if (signal?.aborted) return;
      yield chunkOf(frame);
    }
  } catch (err) {
    // The caller stopped following: end quietly, as a finished container does.
    if (!signal?.aborted) throw err;
  } finally {
    unsubscribe();
    stream.destroy();
  }
}

function chunkOf(frame: OutputFrame): LogChunk {
  return { stream: frame.stream, text: frame.data.toString('utf8') };
}

async function* oneChunk(buffer: Buffer): AsyncGenerator<Buffer> {
  yield buffer;
}
