import type { PeerId } from '@libp2p/interface';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { leaseOf } from './access-connection.js';
import type { AccessCallOptions, AccessNode } from './access-connection.js';
import { decodeExecResult } from './answer-messages.js';
import { EXEC_PROTOCOL } from './protocol-ids.js';
import { encodeExecRequest } from './request-messages.js';
import { requestOnce } from './request-once.js';
import type { ExecResult } from './types.js';

/** A little past the host's own limit on one command (10 min), so the host's answer arrives first. */
export const DEFAULT_EXEC_TIMEOUT_MS = 11 * 60_000;

export interface ExecOptions extends AccessCallOptions {
  env?: Record<string, string>;
}

/**
 * Runs `cmd` in the lease's container and answers its exit code and output (each stream cut
 * at ACCESS_LIMITS.maxExecOutputBytes, flagged `truncated`). A non-zero exit code is an
 * answer, not an error; a refusal throws AccessRefusedError and nothing ran.
 */
export async function execInLease(
  node: AccessNode, hostPeer: PeerId | string, lease: PublicKey | string, signer: Keypair, cmd: string[], options: ExecOptions = {},
): Promise<ExecResult> {
  return requestOnce(node, hostPeer, leaseOf(lease), signer, {
    protocol: EXEC_PROTOCOL,
    request: encodeExecRequest({ cmd, ...(options.env ? { env: options.env } : {}) }),
    answer: 'execResult',
    decode: decodeExecResult,
    defaultTimeoutMs: DEFAULT_EXEC_TIMEOUT_MS,
  }, options);
}
