import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { ChainError } from './chain-error.js';
import { answerJsonRpc } from './json-rpc.js';
import type { Dispatch } from './json-rpc.js';
import type { Ledger } from './ledger.js';
import { RpcError, RpcErrorCode } from './rpc-error.js';
import { createRpcMethods } from './rpc-methods.js';
import { SubscriptionHub } from './subscriptions.js';
import type { SubscriberSocket } from './subscriptions.js';

/**
 * The chain's JSON-RPC endpoint: HTTP POST plus websocket subscriptions. Websockets are
 * served on the RPC port itself and on port + 1, where web3.js's Connection looks for them
 * by default (as on a validator).
 */
/** A validator's request body limit (Agave's MAX_REQUEST_BODY_SIZE). */
const MAX_REQUEST_BYTES = 50 * 1024;
/** A subscriber that does not read its notifications is disconnected past this backlog. */
const MAX_WEBSOCKET_BACKLOG_BYTES = 16 * 1024 * 1024;
const RANDOM_PORT_ATTEMPTS = 20;
const WEBSOCKET_CLOSE_GRACE_MS = 300;

export interface RpcServerOptions {
  ledger: Ledger;
  host: string;
  /** 0 picks a free port whose successor is free too. */
  port: number;
  log: (message: string) => void;
}

export interface RpcServer {
  rpcUrl: string;
  wsUrl: string;
  close(): Promise<void>;
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { ledger, log } = options;
  const methods = createRpcMethods(ledger);
  const hub = new SubscriptionHub(ledger);
  const logInternalError = (err: unknown) => log(`internal error while answering a request: ${(err as Error).stack ?? String(err)}`);

  const dispatch: Dispatch = async (method, params) => {
    const handler = methods.get(method);
    if (!handler) throw new RpcError(RpcErrorCode.methodNotFound, 'Method not found');
    return handler(params);
  };
  const dispatchFor = (socket: SubscriberSocket): Dispatch => async (method, params) =>
    hub.handles(method) ? hub.handle(socket, method, params) : dispatch(method, params);

  const websockets = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  websockets.on('connection', (ws: WebSocket) => {
    const socket: SubscriberSocket = {
      send: (text) => {
        if (ws.readyState !== WebSocket.OPEN) return;
        if (ws.bufferedAmount > MAX_WEBSOCKET_BACKLOG_BYTES) ws.terminate();
        else ws.send(text);
      },
    };
    ws.on('message', (data) => {
      void answerJsonRpc(data.toString(), dispatchFor(socket), logInternalError).then((answer) => answer && socket.send(answer));
    });
    ws.on('close', () => hub.dropSocket(socket));
    ws.on('error', () => ws.terminate());
  });

  const handleRequest = (req: IncomingMessage, res: ServerResponse) => void answerHttp(req, res, dispatch, logInternalError);
  const acceptWebsocket = (server: Server) =>
    server.on('upgrade', (req, stream, head) => websockets.handleUpgrade(req, stream, head, (ws) => websockets.emit('connection', ws, req)));
  const rpcServer = createServer(handleRequest);
  const wsServer = createServer(handleRequest);
  acceptWebsocket(rpcServer);
  acceptWebsocket(wsServer);
  let port: number;
  try {
    port = await listenPair(rpcServer, wsServer, options.host, options.port);
  } catch (err) {
    hub.close();
    websockets.close();
    throw err;
  }

  const urlHost = clientHost(options.host);
  return {
    rpcUrl: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port + 1}`,
    close: async () => {
      hub.close();
      await closeWebsockets(websockets);
      await Promise.all([rpcServer, wsServer].map(closeServer));
    },
  };
}

async function answerHttp(req: IncomingMessage, res: ServerResponse, dispatch: Dispatch, onInternalError: (err: unknown) => void): Promise<void> {
  // The web client calls the local chain from another origin.
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', 'content-type, solana-client');
  res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
  if (req.method === 'OPTIONS') return void res.writeHead(204).end();
  if (req.method === 'GET' && req.url === '/health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  if (req.method !== 'POST') {
    return void res.writeHead(405, { 'content-type': 'text/plain', allow: 'POST' }).end('decloud-chain: send JSON-RPC 2.0 requests with POST\n');
  }
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === undefined) {
    res.on('finish', () => req.socket.destroy());
    const error = { code: RpcErrorCode.invalidRequest, message: `Invalid request: the body exceeds ${MAX_REQUEST_BYTES} bytes` };
    return void res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ jsonrpc: '2.0', error, id: null }));
  }
  const answer = await answerJsonRpc(body, dispatch, onInternalError);
  if (answer === undefined) return void res.writeHead(204).end();
  res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
}

/** The body as text, or undefined once it grows past `limit` (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) return resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

async function listenPair(rpcServer: Server, wsServer: Server, host: string, port: number): Promise<number> {
  if (port !== 0) {
    await listen(rpcServer, host, port, 'RPC');
    try {
      await listen(wsServer, host, port + 1, 'websocket (RPC port + 1)');
    } catch (err) {
      await closeServer(rpcServer);
      throw err;
    }
    return port;
  }
  for (let attempt = 0; attempt < RANDOM_PORT_ATTEMPTS; attempt++) {
    const candidate = await listen(rpcServer, host, 0, 'RPC');
    try {
      await listen(wsServer, host, candidate + 1, 'websocket (RPC port + 1)');
      return candidate;
    } catch {
      await closeServer(rpcServer);
    }
  }
  throw new ChainError('CHAIN_PORT_IN_USE', `found no free pair of ports (port, port + 1) on ${host} after ${RANDOM_PORT_ATTEMPTS} attempts`);
}

function listen(server: Server, host: string, port: number, role: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new ChainError('CHAIN_PORT_IN_USE', `${role} port ${port} on ${host} is in use: stop the process holding it or pass another --port`)
          : err,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * A normal closure (1000) tells web3.js's websocket client not to reconnect on its own; it
 * reconnects only for subscriptions it still holds, so idle clients let their process exit.
 */
async function closeWebsockets(websockets: WebSocketServer): Promise<void> {
  const open = [...websockets.clients];
  await Promise.race([
    Promise.all(open.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve()).close(1000, 'decloud-chain is stopping')))),
    new Promise((resolve) => setTimeout(resolve, WEBSOCKET_CLOSE_GRACE_MS)),
  ]);
  for (const ws of open) ws.terminate();
  await new Promise<void>((resolve) => websockets.close(() => resolve()));
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The host clients should dial: a wildcard bind address is reached through loopback. */
function clientHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
