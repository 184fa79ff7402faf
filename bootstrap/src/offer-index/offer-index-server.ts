/**
 * The bootstrap's HTTP face (node:http), read-only:
 *
 *   GET /offers?minCpuCores=&minMemoryMiB=&...&limit=   offers of the gossip-fed book, best first
 *   GET /offers/<peerId>                                one host's live offer
 *   GET /health                                         peers, offers, uptime (and the witness)
 *   GET /metrics                                        Prometheus text
 *   GET /<anything else>                                the web client's static files, if any
 *
 * Only GET and HEAD, no request bodies, short header/request deadlines, capped URL length
 * and connection count, so a slow or abusive client costs little.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { base58FromSolanaPublicKey } from '@decloud/sdk/identity/base58';
import { solanaPublicKeyFromPeerId } from '@decloud/sdk/identity/host-identity';
import type { OfferBook } from '@decloud/sdk/offers/offer-book';
import { requestOfFilter } from '@decloud/sdk/offers/offer-filter';
import { offerJson, withStrings } from './offer-json.js';
import type { Json } from './offer-json.js';
import { OfferQueryError, parseOfferQuery } from './offer-query.js';
import type { StaticSite } from './static-site.js';

export interface OfferIndexServerInit {
  host: string;
  /** 0 picks a free port. */
  port: number;
  book: OfferBook;
  registry: Registry;
  /** Fields added to GET /health (peer id, peers, witness status, ...). */
  health: () => Record<string, unknown>;
  site?: StaticSite;
  clock?: () => number;
}

export interface OfferIndexServer {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const HTTP_LIMITS = {
  maxUrlLength: 4096,
  maxConnections: 512,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxHeadersCount: 64,
} as const;

type Route = 'offers' | 'offer' | 'health' | 'metrics' | 'static' | 'refused';

export async function startOfferIndexServer(init: OfferIndexServerInit): Promise<OfferIndexServer> {
  const clock = init.clock ?? Date.now;
  const startedAt = clock();
  const requests = new Counter({
    name: 'decloud_index_http_requests_total',
    help: 'HTTP requests to the offer index, by route and status',
    labelNames: ['route', 'status'],
    registers: [init.registry],
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<Route> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      sendJson(response, 405, errorBody('METHOD_NOT_ALLOWED', `${request.method ?? '?'} is not served: this index is read-only (GET, HEAD)`));
      return 'refused';
    }
    if ((request.url ?? '').length > HTTP_LIMITS.maxUrlLength) {
      sendJson(response, 414, errorBody('URL_TOO_LONG', `URLs are limited to ${HTTP_LIMITS.maxUrlLength} characters`));
      return 'refused';
    }
    if (hasBody(request)) {
      response.setHeader('connection', 'close');
      sendJson(response, 400, errorBody('UNEXPECTED_BODY', 'requests to this index carry no body'));
      return 'refused';
    }
    const url = new URL(request.url ?? '/', 'http://index');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/offers') return queryOffers(url, response);
    if (path.startsWith('/offers/')) return oneOffer(path.slice('/offers/'.length), response);
    if (path === '/health') {
      sendJson(response, 200, withStrings({ status: 'ok', uptimeSecs: Math.floor((clock() - startedAt) / 1000), offers: init.book.size, ...init.health() }));
      return 'health';
    }
    if (path === '/metrics') {
      const text = await init.registry.metrics();
      response.writeHead(200, { 'content-type': init.registry.contentType, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : text);
      return 'metrics';
    }
    if (init.site === undefined) {
      sendJson(response, 404, errorBody('NOT_FOUND', `${url.pathname} not found: this bootstrap serves no web client (start it with --web <dir>)`));
      return 'static';
    }
    await init.site.serve(request, response, url.pathname);
    return 'static';
  }

  function queryOffers(url: URL, response: ServerResponse): Route {
    let query;
    try {
      query = parseOfferQuery(url.searchParams);
    } catch (err) {
      if (!(err instanceof OfferQueryError)) throw err;
      sendJson(response, 400, errorBody('BAD_QUERY', err.message));
      return 'offers';
    }
    const request = requestOfFilter(query.filter);
    const offers = init.book.query(query.filter, { limit: query.limit, now: clock() }).map((signed) => offerJson(signed, request));
    sendJson(response, 200, { count: offers.length, offers });
    return 'offers';
  }

  /** Peer ids are base58: the path segment is used as it is, never percent-decoded. */
  function oneOffer(peerId: string, response: ServerResponse): Route {
    let host: string;
    try {
      host = base58FromSolanaPublicKey(solanaPublicKeyFromPeerId(peerId));
    } catch (err) {
      sendJson(response, 400, errorBody('BAD_PEER_ID', `${JSON.stringify(peerId.slice(0, 100))} is not a host's peer id (base58, from the offer's peerId): ${(err as Error).message}`));
      return 'offer';
    }
    const signed = init.book.get(host);
    if (signed === undefined || signed.offer.expiresAt <= clock()) {
      sendJson(response, 404, errorBody('OFFER_NOT_FOUND', `no live offer of ${peerId} in this index: the host is offline or has not published yet`));
      return 'offer';
    }
    sendJson(response, 200, offerJson(signed));
    return 'offer';
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).then(
      (route) => requests.inc({ route, status: String(response.statusCode) }),
      (err: Error) => {
        if (!response.headersSent) sendJson(response, 500, errorBody('INTERNAL', err.message));
        else response.destroy(err);
        requests.inc({ route: 'refused', status: '500' });
      },
    );
  });
  server.headersTimeout = HTTP_LIMITS.headersTimeoutMs;
  server.requestTimeout = HTTP_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = HTTP_LIMITS.keepAliveTimeoutMs;
  server.maxHeadersCount = HTTP_LIMITS.maxHeadersCount;
  server.maxConnections = HTTP_LIMITS.maxConnections;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(init.port, init.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = init.host.includes(':') ? `[${init.host}]` : init.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function errorBody(code: string, message: string): Json {
  return { error: { code, message } };
}

function sendJson(response: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    // Public, read-only data: a web client served from anywhere may read it.
    'access-control-allow-origin': '*',
    'x-content-type-options': 'nosniff',
  });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}
