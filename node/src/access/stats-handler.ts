import { STATS_PROTOCOL, decodeStatsRequest, encodeLeaseStats } from '@decloud/sdk/access/index';
import { authenticate } from './challenge-handshake.js';
import type { AccessHandler } from './handler-context.js';
import { leaseStatsOf } from './lease-usage.js';
import { runningContainer } from './running-container.js';

/** `/decloud/stats/1.0.0`: usage of the container and cost of the lease so far. */
export const serveStats: AccessHandler = async (stream, { c, init, handshake }) => {
  const { lease, account } = await authenticate(stream, STATS_PROTOCOL, handshake, decodeStatsRequest);
  const container = await runningContainer(c.leases, lease);
  const signal = stream.deadline(init.statsTimeoutMs);
  const [usage, state] = await Promise.all([c.runtime.stats(container, { signal }), c.runtime.inspect(container, { signal })]);
  await stream.write(encodeLeaseStats(leaseStatsOf(usage, state, account, c.clock())));
  await stream.end();
  return lease.toBase58();
};
