import type { PeerId } from '@libp2p/interface';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { leaseOf } from './access-connection.js';
import type { AccessCallOptions, AccessNode } from './access-connection.js';
import { decodeAccessDetails } from './answer-messages.js';
import { OPEN_PROTOCOL } from './protocol-ids.js';
import { encodeOpenRequest } from './request-messages.js';
import { requestOnce } from './request-once.js';
import type { AccessDetails } from './types.js';

/** Activation takes a container start on the host: minutes at worst on a cold engine. */
export const DEFAULT_OPEN_TIMEOUT_MS = 150_000;

/**
 * Activates an opened lease: the host checks the lease account on-chain against the quote
 * it signed, starts the container and answers how to reach it. Calling it again for a
 * running lease returns the same details. Throws AccessRefusedError with the host's reason.
 */
export async function openLeaseAccess(
  node: AccessNode, hostPeer: PeerId | string, lease: PublicKey | string, signer: Keypair, options: AccessCallOptions = {},
): Promise<AccessDetails> {
  return requestOnce(node, hostPeer, leaseOf(lease), signer, {
    protocol: OPEN_PROTOCOL,
    request: encodeOpenRequest(),
    answer: 'accessDetails',
    decode: decodeAccessDetails,
    defaultTimeoutMs: DEFAULT_OPEN_TIMEOUT_MS,
  }, options);
}
