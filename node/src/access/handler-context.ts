import type { AccessComponents, ResolvedAccessInit } from './components.js';
import type { Handshake } from './challenge-handshake.js';
import type { HostStream } from './host-stream.js';
import type { SessionSlots } from './session-slots.js';

export interface HandlerContext {
  c: AccessComponents;
  init: ResolvedAccessInit;
  handshake: Handshake;
  sessions: SessionSlots;
  /** Aborts when the handlers stop. */
  lifetime: AbortSignal;
}

/** Serves one stream and resolves with the lease it served; throws to refuse (AccessRefusal, or any error refusalOf names). */
export type AccessHandler = (stream: HostStream, context: HandlerContext) => Promise<string>;
