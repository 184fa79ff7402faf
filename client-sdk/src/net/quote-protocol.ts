/**
 * Quotes on `/decloud/lease/1.0.0`: one length-prefixed request, one length-prefixed answer
 * (a signed quote or a refusal), then the stream closes. Sizes are capped at the message
 * limit and every step has a deadline, so a silent or hostile peer costs one stream briefly.
 */
import type { AbortOptions, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { lpStream } from '@libp2p/utils';
import type { LengthPrefixedStream } from '@libp2p/utils';
import { base58FromSolanaPublicKey } from '../identity/base58.js';
import { solanaPublicKeyFromPeerId } from '../identity/host-identity.js';
import type { Offer } from '../offers/types.js';
import { decodeQuoteRefusal, decodeQuoteRequest, encodeQuoteRefusal, encodeQuoteRequest, quoteMessageKind } from '../quotes/codec.js';
import { decideQuote } from '../quotes/decide.js';
import { QUOTE_LIMITS } from '../quotes/limits.js';
import { signQuote, verifyQuote } from '../quotes/sign.js';
import { isQuoteRefusal } from '../quotes/types.js';
import type { FreeCapacity, QuoteRefusal, QuoteRequest, SignedQuote } from '../quotes/types.js';
import { derivedSignal, raceSignal } from './abort.js';
import { NetError, QuoteRefusedError } from './net-error.js';
import { LEASE_PROTOCOL } from './protocol-ids.js';
import type { NetComponents } from './services.js';
import { TypedEvents } from './typed-events.js';

/** The host's answer to one request: a signed quote, or a refusal with its reason. */
export type QuoteDecider = (request: QuoteRequest, renterPeer: PeerId, options: AbortOptions) =>
  SignedQuote | QuoteRefusal | Promise<SignedQuote | QuoteRefusal>;

export interface QuoteServerEvents {
  answered: { renterPeer: PeerId; request: QuoteRequest; answer: SignedQuote | QuoteRefusal };
  /** A stream that ended without an answer: malformed, oversized, too slow, or reset. */
  failed: { renterPeer: PeerId; error: Error };
}

export interface QuoteProtocol {
  readonly events: TypedEvents<QuoteServerEvents>;
  /** Renter: asks `peerId` for a quote; resolves to a verified quote, throws QuoteRefusedError or NetError. */
  requestQuote(peerId: PeerId | string, request: QuoteRequest, options?: AbortOptions): Promise<SignedQuote>;
  /** Host: answers every incoming request with `decide`. */
  handleQuotes(decide: QuoteDecider, options?: AbortOptions): Promise<void>;
  stopHandling(options?: AbortOptions): Promise<void>;
}

export interface QuoteProtocolInit {
  /** Deadline of one whole exchange, ms (default 10 s). */
  timeoutMs?: number;
  /** Concurrent quote streams one connection may open (default 4). */
  maxInboundStreams?: number;
}

export type QuoteProtocolComponents = Pick<NetComponents, 'streams' | 'clock'>;

export const DEFAULT_QUOTE_TIMEOUT_MS = 10_000;

export function createQuoteProtocol(components: QuoteProtocolComponents, init: QuoteProtocolInit = {}): QuoteProtocol {
  const { streams, clock } = components;
  const timeoutMs = init.timeoutMs ?? DEFAULT_QUOTE_TIMEOUT_MS;
  const events = new TypedEvents<QuoteServerEvents>();
  const frames = { maxDataLength: QUOTE_LIMITS.maxMessageBytes };

  async function requestQuote(peerId: PeerId | string, request: QuoteRequest, options: AbortOptions = {}): Promise<SignedQuote> {
    const peer = typeof peerId === 'string' ? peerIdFromString(peerId) : peerId;
    const host = base58FromSolanaPublicKey(solanaPublicKeyFromPeerId(peer));
    const body = encodeQuoteRequest(request);
    const signal = derivedSignal(timeoutMs, options.signal);
    // Hosts behind NAT are reached through a relay: a limited connection, enough for a quote.
    const stream = await streams.dialProtocol(peer, LEASE_PROTOCOL, { signal, runOnLimitedConnection: true });
    try {
      const lp = lpStream(stream, frames);
      await lp.write(body, { signal });
      const answer = plainBytes(await lp.read({ signal }));
      await stream.close({ signal }).catch(() => { /* answer already in hand */ });
      return readAnswer(answer, host, request);
    } catch (err) {
      stream.abort(err as Error);
      signal.throwIfAborted();
      throw err;
    }
  }

  function readAnswer(answer: Uint8Array, host: string, request: QuoteRequest): SignedQuote {
    const kind = quoteMessageKind(answer);
    try {
      if (kind === 'quote') return verifyQuote(answer, { expectedHost: host, expectedNonce: request.nonce, request, now: clock() });
      if (kind === 'refusal') throw new QuoteRefusedError(decodeQuoteRefusal(answer), host);
    } catch (err) {
      if (err instanceof QuoteRefusedError) throw err;
      throw new NetError('BAD_QUOTE', `host ${host} sent an invalid answer: ${(err as Error).message}`, { cause: err });
    }
    throw new NetError('BAD_QUOTE', `host ${host} answered with a message of unknown kind (tag ${String(answer[0])}); it may run an incompatible version`);
  }

  async function answer(stream: Stream, renterPeer: PeerId, decide: QuoteDecider): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs);
    const lp = lpStream(stream, frames);
    const requestBytes = plainBytes(await lp.read({ signal }));
    let request: QuoteRequest;
    try {
      request = decodeQuoteRequest(requestBytes);
    } catch (err) {
      await lp.write(encodeQuoteRefusal({ reason: 'MALFORMED', message: truncate((err as Error).message) }), { signal });
      await stream.close({ signal });
      throw new NetError('MALFORMED_MESSAGE', `malformed quote request from ${renterPeer.toString()}: ${(err as Error).message}`, { cause: err });
    }
    // A decider that hangs must not hold the stream past the deadline.
    const reply = await raceSignal(decide(request, renterPeer, { signal }), signal);
    await lp.write(isRefusal(reply) ? encodeQuoteRefusal(reply) : reply.bytes, { signal });
    await stream.close({ signal });
    events.emit('answered', { renterPeer, request, answer: reply });
  }

  return {
    events,
    requestQuote,
    async handleQuotes(decide, options = {}) {
      await streams.handle(LEASE_PROTOCOL, (stream, connection) => {
        answer(stream, connection.remotePeer, decide).catch((error: Error) => {
          stream.abort(error);
          events.emit('failed', { renterPeer: connection.remotePeer, error });
        });
      }, { maxInboundStreams: init.maxInboundStreams ?? 4, runOnLimitedConnection: true, ...options });
    },
    async stopHandling(options = {}) {
      await streams.unhandle(LEASE_PROTOCOL, options);
    },
  };
}

/**
 * The standard host policy: `decideQuote` on the current offer and free capacity, signed
 * with the host's Solana key.
 */
export function signedQuoteDecider(init: {
  offer: () => Offer;
  capacity: () => FreeCapacity;
  solanaSecretKey: Uint8Array;
  clock?: () => number;
}): QuoteDecider {
  return (request) => {
    const terms = decideQuote(init.offer(), request, init.capacity(), (init.clock ?? Date.now)());
    return isQuoteRefusal(terms) ? terms : signQuote(terms, init.solanaSecretKey);
  };
}

/** A plain Uint8Array copy: transports hand out Node Buffers, which must not leak into decoded messages. */
function plainBytes(frame: Awaited<ReturnType<LengthPrefixedStream['read']>>): Uint8Array {
  return new Uint8Array(frame.subarray());
}

function isRefusal(reply: SignedQuote | QuoteRefusal): reply is QuoteRefusal {
  return 'reason' in reply;
}

/** Refusal messages are capped; keep the start of a long validation message. */
function truncate(message: string): string {
  const max = QUOTE_LIMITS.maxRefusalMessageBytes;
  const bytes = new TextEncoder().encode(message);
  return bytes.length <= max ? message : new TextDecoder().decode(bytes.subarray(0, max - 3)).replace(/\uFFFD$/, '') + '...';
}
