import { OPEN_PROTOCOL, decodeOpenRequest, encodeAccessDetails } from '@decloud/sdk/access/index';
import { derivedSignal } from '@decloud/sdk/net/abort';
import { authenticate } from './challenge-handshake.js';
import type { AccessHandler } from './handler-context.js';

/**
 * `/decloud/lease/open/1.0.0`: the lease manager verifies the lease on-chain against the
 * stored quote and starts its container. A renter that leaves mid-way does not stop the
 * start: activation is idempotent, and the container is ready when it asks again.
 */
export const serveOpen: AccessHandler = async (stream, { c, init, handshake, lifetime }) => {
  const { lease } = await authenticate(stream, OPEN_PROTOCOL, handshake, decodeOpenRequest);
  const details = await c.leases.activate(lease, { signal: derivedSignal(init.activationTimeoutMs, lifetime) });
  await stream.write(encodeAccessDetails(details));
  await stream.end();
  return lease.toBase58();
};
