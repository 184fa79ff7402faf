/**
 * A renter's node has just started: until it holds a connection, DHT look-ups fail at
 * once. These helpers wait for the first peer, and pace retries of look-ups that found
 * nothing yet (a fresh routing table fills within a few hundred milliseconds).
 */
import type { DecloudNode } from '../net/decloud-node.js';

/** Resolves once the node is connected to at least one peer; rejects with the signal's reason. */
export function waitForPeer(node: Pick<DecloudNode, 'libp2p'>, signal: AbortSignal): Promise<void> {
  const { libp2p } = node;
  if (libp2p.getPeers().length > 0) return Promise.resolve();
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const done = (): void => {
      libp2p.removeEventListener('peer:connect', onConnect);
      signal.removeEventListener('abort', onAbort);
    };
    const onConnect = (): void => { done(); resolve(); };
    const onAbort = (): void => { done(); reject(signal.reason); };
    libp2p.addEventListener('peer:connect', onConnect);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Sleeps `ms`, or rejects with the signal's reason when it aborts first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(timer); reject(signal.reason); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
