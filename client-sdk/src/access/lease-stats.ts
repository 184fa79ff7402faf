import type { PeerId } from '@libp2p/interface';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { leaseOf } from './access-connection.js';
import type { AccessCallOptions, AccessNode } from './access-connection.js';
import { decodeLeaseStats } from './answer-messages.js';
import { STATS_PROTOCOL } from './protocol-ids.js';
import { encodeStatsRequest } from './request-messages.js';
import { requestOnce } from './request-once.js';
import type { LeaseStats } from './types.js';

/** One engine sample takes about a second; a chain read on top. */
export const DEFAULT_STATS_TIMEOUT_MS = 30_000;

/** Usage (CPU, memory, network, processes, uptime) and cost so far of a running lease. */
export async function leaseStats(
  node: AccessNode, hostPeer: PeerId | string, lease: PublicKey | string, signer: Keypair, options: AccessCallOptions = {},
): Promise<LeaseStats> {
  return requestOnce(node, hostPeer, leaseOf(lease), signer, {
    protocol: STATS_PROTOCOL,
    request: encodeStatsRequest(),
    answer: 'leaseStats',
    decode: decodeLeaseStats,
    defaultTimeoutMs: DEFAULT_STATS_TIMEOUT_MS,
  }, options);
}
