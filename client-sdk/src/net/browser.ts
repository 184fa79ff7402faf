/**
 * `createDecloudBrowserNode`: a DeCloud libp2p node for browsers. Browsers cannot listen,
 * so they dial bootstrap peers over WebSockets or WebRTC-Direct, are reachable through
 * relays (`/p2p-circuit`) and upgrade to direct WebRTC between browsers, and stay DHT clients.
 */
import './polyfill.js';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { webRTC, webRTCDirect } from '@libp2p/webrtc';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import { startDecloudNode } from './decloud-node.js';
import type { DecloudNode, DecloudNodeServiceOptions } from './decloud-node.js';
import { decloudLibp2pOptions } from './libp2p-options.js';
import type { DecloudNetOptions } from './libp2p-options.js';

export interface DecloudBrowserNodeOptions extends DecloudNetOptions, DecloudNodeServiceOptions {
  /** The node's key (e.g. kept in IndexedDB by the app); ephemeral by default. */
  privateKey?: PrivateKey;
  /**
   * Allow dialing private and loopback addresses and plain `ws://`, which the browser build
   * refuses by default. Only for local development against a bootstrap on this machine.
   */
  allowPrivateAddresses?: boolean;
}

export const DEFAULT_BROWSER_LISTEN = ['/p2p-circuit', '/webrtc'];

export async function createDecloudBrowserNode(options: DecloudBrowserNodeOptions = {}): Promise<DecloudNode> {
  const privateKey = options.privateKey ?? await generateKeyPair('Ed25519');
  const transports = [webSockets(), webRTCDirect(), webRTC(), circuitRelayTransport()];
  const libp2p = await createLibp2p(decloudLibp2pOptions(privateKey, {
    dhtServer: false,
    ...options,
    ...(options.allowPrivateAddresses === true ? { connectionGater: { denyDialMultiaddr: () => false } } : {}),
  }, { transports, defaultListen: DEFAULT_BROWSER_LISTEN }));
  try {
    return await startDecloudNode(libp2p, options);
  } catch (err) {
    await libp2p.stop();
    throw err;
  }
}
