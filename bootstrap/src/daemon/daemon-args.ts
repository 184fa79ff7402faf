/** Command line of `decloud-bootstrap`, parsed into a daemon configuration. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_MAX_RESERVATIONS, DEFAULT_PORTS, defaultWebDir, listenAddresses } from './daemon-config.js';
import type { BootstrapDaemonConfig } from './daemon-config.js';

export interface DaemonArgs extends BootstrapDaemonConfig {
  /** Print one JSON line `{ peerId, multiaddrs }` instead of the human summary. */
  json: boolean;
}

export const DEFAULT_STATE_DIR = join(homedir(), '.decloud', 'bootstrap');

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535 (0 = any free port)');
  return port;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return count;
}

function parseRpcUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http(s) URL of a Solana JSON-RPC endpoint, e.g. http://127.0.0.1:8899');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`expected an http(s) URL, got ${url.protocol}`);
  return value;
}

function collect(value: string, previous: string[]): string[] {
  if (!value.startsWith('/')) throw new InvalidArgumentError(`expected a multiaddr starting with "/", got ${JSON.stringify(value)}`);
  return [...previous, value];
}

export function daemonCommand(): Command {
  return new Command('decloud-bootstrap')
    .description('DeCloud bootstrap peer: DHT server, circuit relay for hosts behind NAT, WebSockets and WebRTC-Direct entry point for browsers; optionally an uptime witness and an HTTP offer index')
    .option('--state <dir>', 'directory keeping the identity and the WebRTC certificate across restarts', DEFAULT_STATE_DIR)
    .option('--listen <ip>', 'IP address to listen on (0.0.0.0 or :: for every interface)', '127.0.0.1')
    .option('--tcp-port <port>', 'TCP port', parsePort, DEFAULT_PORTS.tcp)
    .option('--ws-port <port>', 'WebSockets port', parsePort, DEFAULT_PORTS.ws)
    .option('--webrtc-port <port>', 'WebRTC-Direct port (UDP)', parsePort, DEFAULT_PORTS.webrtc)
    .option('--announce <multiaddr>', 'address to advertise instead of the listen addresses; repeatable', collect, [] as string[])
    .option('--bootstrap <multiaddr>', 'another bootstrap peer to join (with /p2p/<id>); repeatable', collect, [] as string[])
    .option('--max-reservations <n>', 'hosts behind NAT that may hold a relay reservation at once', parseCount, DEFAULT_MAX_RESERVATIONS)
    .option('--rpc <url>', 'Solana JSON-RPC URL the witness reads hosts and the program config from', parseRpcUrl)
    .option('--witness-key <file>', 'Solana keypair file of a witness in the program config: enables the uptime witness (the key becomes the peer id and pays the fee of a heartbeat per proof epoch)')
    .option('--http-port <port>', 'serve the offer index, /health, /metrics and the web client over HTTP on this port', parsePort)
    .option('--web <dir>', 'web client directory the HTTP server serves (default: web/dist when built)')
    .option('--json', 'print one JSON line with the peer id, multiaddrs, HTTP URL and witness key', false);
}

/** Parses `argv` (user arguments, without node and script); commander reports errors and exits. */
export function parseDaemonArgs(argv: string[], command: Command = daemonCommand()): DaemonArgs {
  const o = command.parse(argv, { from: 'user' }).opts<{
    state: string; listen: string; tcpPort: number; wsPort: number; webrtcPort: number;
    announce: string[]; bootstrap: string[]; maxReservations: number; json: boolean;
    rpc?: string; witnessKey?: string; httpPort?: number; web?: string;
  }>();
  const config: DaemonArgs = {
    stateDir: resolve(o.state),
    listenHost: o.listen,
    tcpPort: o.tcpPort,
    wsPort: o.wsPort,
    webrtcPort: o.webrtcPort,
    announce: o.announce,
    bootstrap: o.bootstrap,
    maxReservations: o.maxReservations,
    json: o.json,
    ...(o.rpc === undefined ? {} : { rpcUrl: o.rpc }),
    ...(o.witnessKey === undefined ? {} : { witnessKeyFile: resolve(o.witnessKey) }),
    ...(o.httpPort === undefined ? {} : { httpPort: o.httpPort }),
  };
  if (o.witnessKey !== undefined && o.rpc === undefined) {
    command.error("error: option '--witness-key <file>' needs '--rpc <url>': the witness reads the hosts and the program config from a chain");
  }
  if (o.web !== undefined && o.httpPort === undefined) {
    command.error("error: option '--web <dir>' needs '--http-port <port>': the web client is served by the HTTP server");
  }
  const webDir = o.web === undefined ? (o.httpPort === undefined ? undefined : defaultWebDir()) : resolve(o.web);
  if (webDir !== undefined) config.webDir = webDir;
  try {
    listenAddresses(config);
  } catch (err) {
    command.error(`error: option '--listen <ip>': ${(err as Error).message}`);
  }
  return config;
}
