/**
 * The renter's side of one access stream: dialing the host, answering its challenge, and
 * reading typed answers, where any answer may instead be the host's refusal.
 */
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { lpStream } from '@libp2p/utils';
import type { LengthPrefixedStream } from '@libp2p/utils';
import { PublicKey } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import { signAccess } from './access-signature.js';
import { decodeChallenge, decodeRefusal, encodeAuth } from './auth-messages.js';
import { AccessError, AccessRefusedError } from './errors.js';
import { frameOptions } from './frame-options.js';
import { maxFrameBytes } from './limits.js';
import type { AccessMessageKind } from './limits.js';
import type { AccessProtocol, AuthenticatedProtocol } from './protocol-ids.js';
import { accessMessageKind } from './wire.js';

/** What lpStream and the byte stream under it throw for frames or bursts past their caps. */
const OVERSIZED = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'FrameLengthError', 'StreamBufferError']);

export type AccessDialer = Pick<Libp2p, 'dialProtocol'>;
/** A started DecloudNode, or any libp2p node. */
export type AccessNode = AccessDialer | { libp2p: AccessDialer };

/** Dial, challenge, auth and the host's acceptance of a shell or log stream (which then has no deadline). */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 20_000;

export interface AccessCallOptions {
  signal?: AbortSignal;
  /** Deadline of the whole call, ms (each call has its own default). */
  timeoutMs?: number;
}

export class AccessConnection {
  private constructor(
    readonly stream: Stream,
    private readonly lp: LengthPrefixedStream<Stream>,
    readonly host: string,
    readonly protocol: AccessProtocol,
  ) {}

  /**
   * Opens `protocol` to `hostPeer`, reading frames up to the largest of `answers` (a
   * refusal always fits). Unread bytes are capped at two frames, or at `bufferBytes` for
   * streams that carry data. Hosts behind NAT are reached through relays: limited
   * connections are allowed.
   */
  static async dial(
    node: AccessNode, hostPeer: PeerId | string, protocol: AccessProtocol, answers: AccessMessageKind[], signal: AbortSignal, bufferBytes?: number,
  ): Promise<AccessConnection> {
    const peer = peerOf(hostPeer);
    const dialer = 'libp2p' in node ? node.libp2p : node;
    const stream = await dialer.dialProtocol(peer, protocol, { signal, runOnLimitedConnection: true });
    const maxDataLength = maxFrameBytes('refusal', ...answers);
    const maxBufferSize = bufferBytes ?? 2 * maxDataLength + 16;
    return new AccessConnection(stream, lpStream(stream, frameOptions(maxDataLength, maxBufferSize)), peer.toString(), protocol);
  }

  /** Answers the host's challenge with `signer`'s signature (the lease's renter or delegate) over it and the request. */
  async authenticate(lease: PublicKey, signer: Keypair, request: Uint8Array, signal: AbortSignal): Promise<void> {
    const challenge = await this.expect('challenge', decodeChallenge, signal);
    const signature = signAccess({ protocol: this.protocol as AuthenticatedProtocol, lease, challenge, request }, signer.secretKey);
    await this.write(encodeAuth({ lease, signature, request }), signal);
  }

  async write(frame: Uint8Array, signal?: AbortSignal): Promise<void> {
    await this.lp.write(frame, signal ? { signal } : {});
  }

  /** The next frame, as plain bytes (transports hand out Node Buffers). */
  async read(signal?: AbortSignal): Promise<Uint8Array> {
    try {
      const frame = await this.lp.read(signal ? { signal } : {});
      return new Uint8Array(frame.subarray());
    } catch (err) {
      const name = (err as Error).name;
      if (OVERSIZED.has(name)) {
        throw new AccessError('BAD_ANSWER', `host ${this.host} sent more than ${this.protocol} allows at once (${(err as Error).message}): the stream was cut`, { cause: err });
      }
      if (name === 'UnexpectedEOFError') {
        throw new AccessError('SESSION_LOST', `host ${this.host} closed the ${this.protocol} stream without answering: it may be at its limit of such streams per connection, or stopping; try again shortly`, { cause: err });
      }
      throw err;
    }
  }

  /** The next frame decoded as `kind`; a refusal throws AccessRefusedError, anything else BAD_ANSWER. */
  async expect<T>(kind: AccessMessageKind, decode: (bytes: Uint8Array) => T, signal?: AbortSignal): Promise<T> {
    return this.decodeAnswer(await this.read(signal), kind, decode);
  }

  /** Decodes a frame the host sent as `kind`, or throws the refusal it holds. */
  decodeAnswer<T>(frame: Uint8Array, kind: AccessMessageKind, decode: (bytes: Uint8Array) => T): T {
    if (accessMessageKind(frame) === 'refusal') throw this.refusalOf(frame);
    try {
      return decode(frame);
    } catch (err) {
      throw new AccessError('BAD_ANSWER', `host ${this.host} sent an invalid ${kind} on ${this.protocol}: ${(err as Error).message}; it may run an incompatible version`, { cause: err });
    }
  }

  refusalOf(frame: Uint8Array): AccessError {
    try {
      const refusal = decodeRefusal(frame);
      return new AccessRefusedError(refusal.reason, refusal.message, this.host, this.protocol);
    } catch (err) {
      return new AccessError('BAD_ANSWER', `host ${this.host} sent an unreadable refusal on ${this.protocol}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Ends our side politely; the answer is already in hand, so a failure here changes nothing. */
  async finish(signal?: AbortSignal): Promise<void> {
    await this.stream.close(signal ? { signal } : {}).catch(() => undefined);
  }

  abort(reason: Error): void {
    this.stream.abort(reason);
  }
}

export function peerOf(hostPeer: PeerId | string): PeerId {
  if (typeof hostPeer !== 'string') return hostPeer;
  try {
    return peerIdFromString(hostPeer);
  } catch (err) {
    throw new AccessError('BAD_REQUEST', `${JSON.stringify(hostPeer)} is not a peer id: pass the host's peer id (from its offer)`, { cause: err });
  }
}

export function leaseOf(lease: PublicKey | string): PublicKey {
  if (lease instanceof PublicKey) return lease;
  try {
    return new PublicKey(lease);
  } catch (err) {
    throw new AccessError('BAD_REQUEST', `${JSON.stringify(lease)} is not a lease address (a base58 Solana public key)`, { cause: err });
  }
}
