import type { PeerId } from '@libp2p/interface';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { derivedSignal } from '../net/abort.js';
import { AccessConnection, DEFAULT_HANDSHAKE_TIMEOUT_MS, leaseOf } from './access-connection.js';
import type { AccessNode } from './access-connection.js';
import { decodeAccepted } from './answer-messages.js';
import { DATA_STREAM_BUFFER_BYTES } from './limits.js';
import { LOGS_PROTOCOL } from './protocol-ids.js';
import { encodeLogsRequest } from './request-messages.js';
import { decodeData, decodeEnd } from './session-frames.js';
import { accessMessageKind } from './wire.js';

export interface FollowLogsOptions {
  /** Keep the stream open for new output. Default true. */
  follow?: boolean;
  /** Only the last `tail` lines of the existing output; all of it when left out. */
  tail?: number;
  /** Aborting ends the iteration quietly, as the end of the logs does. */
  signal?: AbortSignal;
  handshakeTimeoutMs?: number;
}

/**
 * The container's output (stdout and stderr as the engine recorded them), as it arrives.
 * Ends when the host has no more (not following, or the container stopped), when the
 * caller breaks out of the loop, or quietly when `signal` aborts. A refusal throws
 * AccessRefusedError at the first iteration. While the caller holds a chunk the stream is
 * paused, so a slow reader slows the host down instead of piling output up in memory.
 */
export async function* followLogs(
  node: AccessNode, hostPeer: PeerId | string, lease: PublicKey | string, signer: Keypair, options: FollowLogsOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const address = leaseOf(lease);
  const request = encodeLogsRequest({ follow: options.follow ?? true, ...(options.tail !== undefined ? { tail: options.tail } : {}) });
  const { signal } = options;
  const handshake = derivedSignal(options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS, signal);
  let connection: AccessConnection | undefined;
  let ended = false;
  try {
    try {
      connection = await AccessConnection.dial(node, hostPeer, LOGS_PROTOCOL, ['challenge', 'accepted', 'data', 'end'], handshake, DATA_STREAM_BUFFER_BYTES);
      await connection.authenticate(address, signer, request, handshake);
      await connection.expect('accepted', decodeAccepted, handshake);
    } catch (err) {
      if (signal?.aborted) return;
      handshake.throwIfAborted();
      throw err;
    }
    for (;;) {
      const frame = await connection.read(signal);
      if (accessMessageKind(frame) === 'end') {
        connection.decodeAnswer(frame, 'end', decodeEnd);
        ended = true;
        await connection.finish();
        return;
      }
      const chunk = connection.decodeAnswer(frame, 'data', decodeData);
      pause(connection);
      yield chunk;
      resume(connection);
    }
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  } finally {
    if (!ended) connection?.abort(new Error('the renter stopped reading the logs'));
  }
}

function pause(connection: AccessConnection): void {
  if (connection.stream.readStatus === 'readable') connection.stream.pause();
}

function resume(connection: AccessConnection): void {
  if (connection.stream.readStatus === 'paused') connection.stream.resume();
}
