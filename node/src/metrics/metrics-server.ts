/**
 * The node's local HTTP endpoint: `/metrics` for Prometheus, plus JSON routes the CLI reads
 * while the daemon runs (its lease store is locked by the daemon then).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { CodedError } from '@decloud/sdk/errors/coded-error';

export type JsonRoute = () => Promise<unknown> | unknown;

export interface MetricsServer {
  /** http://host:port, the port the system picked when 0 was asked. */
  readonly url: string;
  close(): Promise<void>;
}

export type MetricsServerErrorCode = 'METRICS_PORT_IN_USE' | 'METRICS_UNAVAILABLE';

export class MetricsServerError extends CodedError<MetricsServerErrorCode> {
  override readonly name = 'MetricsServerError';
}

export async function startMetricsServer(options: { host: string; port: number; registry: Registry; routes?: Record<string, JsonRoute> }): Promise<MetricsServer> {
  const routes = options.routes ?? {};
  const server = createServer((req, res) => {
    answer(req, res, options.registry, routes).catch((err: Error) => send(res, 500, 'text/plain', `${err.message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
      ? new MetricsServerError('METRICS_PORT_IN_USE', `port ${options.port} on ${options.host} is in use (another node?): set metrics.port in the config (0 picks a free port)`, { cause: err })
      : new MetricsServerError('METRICS_UNAVAILABLE', `cannot serve metrics on ${options.host}:${options.port}: ${err.message}; set metrics.host/metrics.port in the config`, { cause: err })));
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, registry: Registry, routes: Record<string, JsonRoute>): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET') return send(res, 405, 'text/plain', 'only GET\n');
  if (path === '/metrics') return send(res, 200, registry.contentType, await registry.metrics());
  const route = routes[path];
  if (!route) return send(res, 404, 'text/plain', `no ${path} here: try /metrics or ${Object.keys(routes).join(', ')}\n`);
  const body = JSON.stringify(await route(), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  return send(res, 200, 'application/json', body);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
