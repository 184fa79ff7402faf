/**
 * What a bootstrap daemon listens on and keeps. Loopback by default: a public bootstrap is
 * a deliberate `--listen 0.0.0.0` (plus `--announce` of its public address).
 */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BootstrapDaemonConfig {
  /** Directory keeping the identity key and the WebRTC certificate across restarts. */
  stateDir: string;
  /** IP address every transport (and the HTTP server) listens on. */
  listenHost: string;
  /** Port of each transport; 0 picks a free one. WebRTC-Direct uses UDP. */
  tcpPort: number;
  wsPort: number;
  webrtcPort: number;
  /** Addresses to advertise instead of the listen addresses. */
  announce: string[];
  /** Other bootstrap peers to join (a bootstrap network has more than one). */
  bootstrap: string[];
  /** Hosts behind NAT that may hold a relay reservation at once. */
  maxReservations: number;
  /** Solana JSON-RPC URL the witness reads the program config and the hosts from. */
  rpcUrl?: string;
  /**
   * Solana keypair file of a witness listed in the program config. It enables the witness,
   * and the key becomes the node's libp2p identity (hosts answer only a witness's peer id).
   */
  witnessKeyFile?: string;
  /** Port of the HTTP server (offer index, health, metrics, web client); none when absent. */
  httpPort?: number;
  /** Directory of the web client's static files, served by the HTTP server. */
  webDir?: string;
}

export const DEFAULT_PORTS = { tcp: 4001, ws: 4002, webrtc: 4003 } as const;
export const DEFAULT_MAX_RESERVATIONS = 128;

/** The web client built in this repository (`web/dist`), when it has been built. */
export function defaultWebDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../../web/dist', import.meta.url));
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

export function identityFileOf(config: Pick<BootstrapDaemonConfig, 'stateDir'>): string {
  return join(config.stateDir, 'identity.key');
}

export function certificateFileOf(config: Pick<BootstrapDaemonConfig, 'stateDir'>): string {
  return join(config.stateDir, 'webrtc-certificate.json');
}

/** TCP, WebSockets and WebRTC-Direct listen multiaddrs for the configured host and ports. */
export function listenAddresses(config: Pick<BootstrapDaemonConfig, 'listenHost' | 'tcpPort' | 'wsPort' | 'webrtcPort'>): string[] {
  const family = isIP(config.listenHost);
  if (family === 0) throw new Error(`listen address ${JSON.stringify(config.listenHost)} is not an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::)`);
  const ip = `/ip${family}/${config.listenHost}`;
  return [
    `${ip}/tcp/${config.tcpPort}`,
    `${ip}/tcp/${config.wsPort}/ws`,
    `${ip}/udp/${config.webrtcPort}/webrtc-direct`,
  ];
}
