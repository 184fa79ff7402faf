/**
 * Node 20 has no global `WebSocket` (Node 22 has), and @libp2p/websockets dials with the
 * global one: without this, Node-to-Node WebSocket dials fail. The `ws` package provides it.
 */
import { WebSocket as NodeWebSocket } from 'ws';

if (typeof globalThis.WebSocket === 'undefined') {
  globalThis.WebSocket = NodeWebSocket as unknown as typeof globalThis.WebSocket;
}

export {};
