/**
 * The host's side of the lease access protocols: activation, exec, shell, logs, stats and
 * receipts, each on its own versioned libp2p protocol. Every stream is bounded (frame
 * sizes, deadlines, streams per connection, sessions per host) and ends in an answer or a
 * refusal with its reason; nothing a peer sends can crash the node.
 */
import type { PeerId, Stream } from '@libp2p/interface';
import {
  EXEC_PROTOCOL, LOGS_PROTOCOL, MAX_MESSAGE_BYTES, OPEN_PROTOCOL, RECEIPT_PROTOCOL, SHELL_PROTOCOL, STATS_PROTOCOL, maxAuthFrameBytes,
} from '@decloud/sdk/access/index';
import type { AccessProtocol, RefusalReason } from '@decloud/sdk/access/index';
import { lifetimeController } from '@decloud/sdk/net/abort';
import { TypedEvents } from '@decloud/sdk/net/typed-events';
import { refusalOf } from './access-refusal.js';
import { resolveAccessInit } from './components.js';
import type { AccessComponents, AccessHandlersInit } from './components.js';
import { serveExec } from './exec-handler.js';
import type { AccessHandler, HandlerContext } from './handler-context.js';
import { HostStream } from './host-stream.js';
import type { FrameLimits } from './host-stream.js';
import { LeaseAccountCache } from './lease-account-cache.js';
import { LeaseGate } from './lease-gate.js';
import { serveLogs } from './logs-handler.js';
import { serveOpen } from './open-handler.js';
import { serveReceipt } from './receipt-handler.js';
import { SessionSlots } from './session-slots.js';
import { serveShell } from './shell-handler.js';
import { serveStats } from './stats-handler.js';

export interface AccessEvents {
  served: { protocol: AccessProtocol; peer: PeerId; lease: string };
  refused: { protocol: AccessProtocol; peer: PeerId; reason: RefusalReason; message: string };
}

export interface AccessHandlers {
  readonly events: TypedEvents<AccessEvents>;
  /** Unregisters the protocols, ends every open stream and session, and waits for them. */
  stop(): Promise<void>;
}

/** Shell input may arrive in bursts of a whole muxer window before the handler reads it. */
const SHELL_INPUT_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Unread bytes a stream may hold: two frames, but at least what a muxer may hand over in
 * one go (several 64 KiB messages), so an oversized frame is seen and refused by its
 * length prefix rather than cut by a buffer overflow.
 */
const MIN_BUFFER_BYTES = 256 * 1024;
const oneFrame = (maxFrameBytes: number): FrameLimits => ({ maxFrameBytes, maxBufferBytes: Math.max(2 * maxFrameBytes + 16, MIN_BUFFER_BYTES) });

const SERVICES: ReadonlyArray<{ protocol: AccessProtocol; serve: AccessHandler; limits: FrameLimits }> = [
  { protocol: OPEN_PROTOCOL, serve: serveOpen, limits: oneFrame(maxAuthFrameBytes('openRequest')) },
  { protocol: EXEC_PROTOCOL, serve: serveExec, limits: oneFrame(maxAuthFrameBytes('execRequest')) },
  {
    protocol: SHELL_PROTOCOL,
    serve: serveShell,
    limits: { maxFrameBytes: Math.max(maxAuthFrameBytes('shellRequest'), MAX_MESSAGE_BYTES.data), maxBufferBytes: SHELL_INPUT_BUFFER_BYTES },
  },
  { protocol: LOGS_PROTOCOL, serve: serveLogs, limits: oneFrame(maxAuthFrameBytes('logsRequest')) },
  { protocol: STATS_PROTOCOL, serve: serveStats, limits: oneFrame(maxAuthFrameBytes('statsRequest')) },
  { protocol: RECEIPT_PROTOCOL, serve: serveReceipt, limits: oneFrame(MAX_MESSAGE_BYTES.receipt) },
];

/** Registers every access protocol on `components.libp2p`. */
export async function registerAccessHandlers(components: AccessComponents, init: AccessHandlersInit = {}): Promise<AccessHandlers> {
  const resolved = resolveAccessInit(init);
  const { libp2p, log } = components;
  const lifetime = lifetimeController();
  const events = new TypedEvents<AccessEvents>();
  const accounts = new LeaseAccountCache((lease) => components.chain.fetchLease(lease), components.clock, resolved.leaseCacheMs);
  const gate = new LeaseGate(accounts, components.chain.hostAddress(components.operator.publicKey), components.clock);
  const context: HandlerContext = {
    c: components,
    init: resolved,
    handshake: { gate, timeoutMs: resolved.handshakeTimeoutMs },
    sessions: new SessionSlots(resolved.maxSessions),
    lifetime: lifetime.signal,
  };
  const running = new Set<Promise<void>>();

  async function serveOne(stream: Stream, peer: PeerId, protocol: AccessProtocol, serve: AccessHandler, limits: FrameLimits): Promise<void> {
    const host = new HostStream(stream, limits, lifetime.signal);
    try {
      const lease = await serve(host, context);
      log.debug({ protocol, peer: peer.toString(), lease }, 'access served');
      events.emit('served', { protocol, peer, lease });
    } catch (err) {
      if (host.signal.aborted) {
        // The renter left (or the handlers stop) before an answer: there is nobody to refuse.
        log.debug({ protocol, peer: peer.toString(), err: (err as Error)?.message }, 'access stream ended before an answer');
        return;
      }
      const refusal = refusalOf(err);
      const level = refusal.reason === 'INTERNAL' ? 'warn' : 'info';
      log[level]({ protocol, peer: peer.toString(), reason: refusal.reason, err: (err as Error)?.message }, 'access refused');
      events.emit('refused', { protocol, peer, ...refusal });
      await host.refuse(refusal);
    } finally {
      // Whatever happened, the stream ends: a handler that returned early leaves nothing open.
      await host.end();
    }
  }

  const registered: AccessProtocol[] = [];
  try {
    for (const { protocol, serve, limits } of SERVICES) {
      await libp2p.handle(protocol, (stream, connection) => {
        const task = serveOne(stream, connection.remotePeer, protocol, serve, limits).catch((err: Error) => {
          log.error({ protocol, err: err.message }, 'access handler failed outside its refusal path');
          stream.abort(err);
        });
        running.add(task);
        void task.finally(() => running.delete(task));
      }, { maxInboundStreams: resolved.maxInboundStreams[protocol], runOnLimitedConnection: true });
      registered.push(protocol);
    }
  } catch (err) {
    await Promise.allSettled(registered.map((protocol) => libp2p.unhandle(protocol)));
    throw err;
  }

  return {
    events,
    async stop() {
      await Promise.allSettled(registered.map((protocol) => libp2p.unhandle(protocol)));
      lifetime.abort(new Error('the access handlers stopped'));
      await Promise.allSettled([...running]);
    },
  };
}
