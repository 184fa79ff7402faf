/** One authenticated request, one answer: the shape of open, exec and stats. */
import type { PeerId } from '@libp2p/interface';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { derivedSignal } from '../net/abort.js';
import { AccessConnection } from './access-connection.js';
import type { AccessCallOptions, AccessNode } from './access-connection.js';
import type { AccessMessageKind } from './limits.js';
import type { AuthenticatedProtocol } from './protocol-ids.js';

export interface OneRequest<T> {
  protocol: AuthenticatedProtocol;
  /** The encoded request (already checked: a bad one never reaches the network). */
  request: Uint8Array;
  answer: AccessMessageKind;
  decode: (bytes: Uint8Array) => T;
  defaultTimeoutMs: number;
}

export async function requestOnce<T>(
  node: AccessNode, hostPeer: PeerId | string, lease: PublicKey, signer: Keypair, call: OneRequest<T>, options: AccessCallOptions,
): Promise<T> {
  const signal = derivedSignal(options.timeoutMs ?? call.defaultTimeoutMs, options.signal);
  const connection = await AccessConnection.dial(node, hostPeer, call.protocol, ['challenge', call.answer], signal);
  try {
    await connection.authenticate(lease, signer, call.request, signal);
    const answer = await connection.expect(call.answer, call.decode, signal);
    await connection.finish(signal);
    return answer;
  } catch (err) {
    connection.abort(err as Error);
    signal.throwIfAborted();
    throw err;
  }
}
