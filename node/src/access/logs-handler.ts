import { LOGS_PROTOCOL, chunks, decodeLogsRequest, encodeAccepted, encodeData, encodeEnd } from '@decloud/sdk/access/index';
import { authenticate } from './challenge-handshake.js';
import type { AccessHandler } from './handler-context.js';
import { runningContainer } from './running-container.js';

const utf8 = new TextEncoder();

/**
 * `/decloud/logs/1.0.0`: the container's output, then `end` when there is no more. Each
 * write waits for the renter's flow control, and the engine's log stream is read only as
 * fast as that, so a slow renter slows the engine read instead of filling memory. A renter
 * that stops following closes the stream, which ends the engine read.
 */
export const serveLogs: AccessHandler = async (stream, { c, handshake, sessions }) => {
  const { lease, request } = await authenticate(stream, LOGS_PROTOCOL, handshake, decodeLogsRequest);
  const container = await runningContainer(c.leases, lease);
  const release = sessions.take();
  try {
    await stream.write(encodeAccepted());
    const tail = request.tail !== undefined ? { tail: request.tail } : {};
    for await (const chunk of c.runtime.logs(container, { follow: request.follow, ...tail, signal: stream.signal })) {
      for (const piece of chunks(utf8.encode(chunk.text))) await stream.write(encodeData(piece));
    }
    // The renter stopped following (the usual end of a follow): nobody is left to tell.
    if (stream.signal.aborted) return lease.toBase58();
    await stream.write(encodeEnd());
    await stream.end();
    return lease.toBase58();
  } finally {
    release();
  }
};
