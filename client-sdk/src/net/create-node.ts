/**
 * `createDecloudNode`: a DeCloud libp2p node for Node.js (hosts, renters, bootstrap peers).
 * Transports: TCP, WebSockets, WebRTC-Direct (browsers dial it), WebRTC through relays and
 * circuit relay. For browsers use `createDecloudBrowserNode` from `./browser.js`.
 */
import './polyfill.js';
import './node-websocket.js';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { webRTC, webRTCDirect } from '@libp2p/webrtc';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import { libp2pKeyFromSolanaSecret } from '../identity/host-identity.js';
import { startDecloudNode } from './decloud-node.js';
import type { DecloudNode, DecloudNodeServiceOptions } from './decloud-node.js';
import { loadOrCreateIdentity } from './identity-file.js';
import { decloudLibp2pOptions } from './libp2p-options.js';
import type { DecloudNetOptions, TransportChoice } from './libp2p-options.js';
import { NetError } from './net-error.js';
import { loadOrCreateWebRTCCertificate } from './webrtc-certificate.js';

export interface DecloudNodeIdentity {
  /** A host: its 64-byte Solana operator secret key is its libp2p identity (peer id <-> host key). */
  solanaSecretKey?: Uint8Array;
  /** Anyone else: a file holding a generated key, created at first start. */
  identityFile?: string;
  /** An already loaded key. Without any of the three, an ephemeral key. */
  privateKey?: PrivateKey;
}

export interface DecloudNodeOptions extends DecloudNetOptions, DecloudNodeServiceOptions, DecloudNodeIdentity {
  /** WebRTC-Direct and WebRTC transports. Default true. */
  webrtc?: boolean;
  /** File keeping the WebRTC-Direct certificate, so the `/certhash/` of the address survives restarts. */
  webrtcCertificateFile?: string;
}

/** Listen on loopback TCP only unless told otherwise: exposing a node is a deliberate choice. */
export const DEFAULT_NODE_LISTEN = ['/ip4/127.0.0.1/tcp/0'];

export async function createDecloudNode(options: DecloudNodeOptions = {}): Promise<DecloudNode> {
  const privateKey = await resolveIdentity(options);
  const libp2p = await createLibp2p(decloudLibp2pOptions(privateKey, options, await nodeTransports(options)));
  try {
    return await startDecloudNode(libp2p, options);
  } catch (err) {
    await libp2p.stop();
    throw err;
  }
}

export async function resolveIdentity(identity: DecloudNodeIdentity): Promise<PrivateKey> {
  const given = [identity.solanaSecretKey, identity.identityFile, identity.privateKey].filter((v) => v !== undefined);
  if (given.length > 1) {
    throw new NetError('BAD_OPTION', 'pass only one of solanaSecretKey, identityFile and privateKey: a node has one identity');
  }
  if (identity.solanaSecretKey !== undefined) return libp2pKeyFromSolanaSecret(identity.solanaSecretKey);
  if (identity.identityFile !== undefined) return loadOrCreateIdentity(identity.identityFile);
  return identity.privateKey ?? generateKeyPair('Ed25519');
}

async function nodeTransports(options: DecloudNodeOptions): Promise<TransportChoice> {
  const transports: TransportChoice['transports'] = [tcp(), webSockets()];
  if (options.webrtc !== false) {
    const certificate = options.webrtcCertificateFile === undefined
      ? undefined
      : await loadOrCreateWebRTCCertificate(options.webrtcCertificateFile, (options.clock ?? Date.now)());
    transports.push(webRTCDirect(certificate === undefined ? {} : { certificate }), webRTC());
  }
  if (options.relayClient !== false) transports.push(circuitRelayTransport());
  return { transports, defaultListen: DEFAULT_NODE_LISTEN };
}
