/**
 * The fixed ports `npm start` listens on: the chain's RPC and websocket, the bootstrap
 * peer's TCP, WebSockets, WebRTC (UDP) and HTTP, and the host node's libp2p and metrics.
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export const NPM_START_PORTS = {
  tcp: [8899, 8900, 4001, 4002, 8080, 4011, 9464],
  udp: [4003],
} as const;

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => { socket.close(); resolve(false); });
    socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** The ports taken, as "tcp 8899" / "udp 4003". */
export async function busyPorts(): Promise<string[]> {
  const busy: string[] = [];
  for (const port of NPM_START_PORTS.tcp) if (!(await tcpFree(port))) busy.push(`tcp ${port}`);
  for (const port of NPM_START_PORTS.udp) if (!(await udpFree(port))) busy.push(`udp ${port}`);
  return busy;
}

/** Throws, naming the ports and the processes holding them, unless every port is free. */
export async function assertPortsFree(when: string): Promise<void> {
  const busy = await busyPorts();
  if (busy.length === 0) return;
  const sockets = spawnSync('ss', ['-ltunpH'], { encoding: 'utf8' }).stdout ?? '';
  const holders = sockets.split('\n').filter((line) => busy.some((b) => line.includes(`:${b.split(' ')[1]} `)));
  throw new Error(`${when}: ports npm start needs are taken (${busy.join(', ')}):\n${holders.join('\n') || '  (ss shows no owner)'}\n` +
    'Stop whatever holds them (another npm start, a decloud-chain on 8899, a host node on 4011) and run the test again.');
}
