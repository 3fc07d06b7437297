import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Attributes } from '@opentelemetry/api';
import { PROMETHEUS_CONTENT_TYPE, serializeChunks, type Registry } from '@agentmeter/core';
import { report } from '@agentmeter/api';

/** Longest request header section the metrics server accepts (bytes). */
export const METRICS_SERVER_MAX_HEADER_SIZE = 8192;

export interface MetricsEndpointOptions {
  registry: Registry;
  resource: Attributes;
  token?: string;
  basicAuth?: string;
  /** The exposition to serve instead of the registry's own (the process-tree aggregate). */
  exposition?: () => AsyncIterable<string>;
}

function chunksOf(opts: MetricsEndpointOptions): AsyncIterator<string> {
  return (opts.exposition ? opts.exposition() : serializeChunks(opts.registry, { resource: opts.resource }))[Symbol.asyncIterator]();
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

function digest(s: string | Buffer): Buffer {
  return createHash('sha256').update(s).digest();
}

/**
 * Checks `Authorization` against the configured bearer token and/or basic credentials.
 * Both sides are hashed first, so comparison is constant-time and never throws on a
 * wrong length. With no credentials configured every request is allowed.
 */
export function makeAuthorizer(token: string | undefined, basicAuth: string | undefined): (header: string | undefined) => boolean {
  if (token === undefined && basicAuth === undefined) return () => true;
  const bearer = token !== undefined ? digest(token) : undefined;
  const basic = basicAuth !== undefined ? digest(basicAuth) : undefined;
  return (header) => {
    if (typeof header !== 'string') return false;
    const sp = header.indexOf(' ');
    if (sp < 0) return false;
    const scheme = header.slice(0, sp).toLowerCase();
    const value = header.slice(sp + 1).trim();
    if (scheme === 'bearer' && bearer) return timingSafeEqual(digest(value), bearer);
    if (scheme === 'basic' && basic) {
      // strict token68 base64 (Buffer.from skips invalid characters, so "<valid>!!" or
      // "<valid> junk" would otherwise be accepted)
      if (!BASE64.test(value)) return false;
      return timingSafeEqual(digest(Buffer.from(value, 'base64')), basic);
    }
    return false;
  };
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** HEAD: the headers GET would send, Content-Length included, no body (and no whole-text string). */
async function writeHead(opts: MetricsEndpointOptions, res: ServerResponse): Promise<void> {
  let length = 0;
  const it = chunksOf(opts);
  for (let r = await it.next(); !r.done; r = await it.next()) length += Buffer.byteLength(r.value);
  res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': length, 'Cache-Control': 'no-store' });
  res.end();
}

/**
 * Write the exposition: one chunk (a small registry) goes out with Content-Length; a
 * large one is streamed chunk by chunk (chunked transfer encoding), honouring
 * backpressure and stopping if the scraper goes away, so neither the whole text nor a
 * long event-loop block is ever needed.
 */
async function writeExposition(opts: MetricsEndpointOptions, res: ServerResponse): Promise<void> {
  const it = chunksOf(opts);
  const first = await it.next();
  const second = first.done ? first : await it.next();
  if (second.done) {
    const body = first.done ? '' : first.value;
    res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
  if (!res.write(first.value as string)) await drained(res);
  if (!res.write(second.value)) await drained(res);
  for (let r = await it.next(); !r.done; r = await it.next()) {
    if (res.destroyed) {
      await it.return?.();
      return;
    }
    if (!res.write(r.value)) await drained(res);
  }
  res.end();
}

/**
 * A request handler that serves the Prometheus exposition: GET/HEAD only (405 otherwise),
 * 401 with WWW-Authenticate when credentials are configured and missing or wrong.
 * Mount it on your own http/express/fastify server, or let `start()` serve it.
 */
export function createMetricsHandler(opts: MetricsEndpointOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const authorized = makeAuthorizer(opts.token, opts.basicAuth);
  const challenge = opts.token !== undefined ? 'Bearer realm="agentmeter"' : 'Basic realm="agentmeter"';
  return (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
        return;
      }
      if (!authorized(req.headers.authorization)) {
        res.writeHead(401, { 'WWW-Authenticate': challenge, 'Content-Type': 'text/plain' }).end('unauthorized\n');
        return;
      }
      (req.method === 'HEAD' ? writeHead(opts, res) : writeExposition(opts, res)).catch((err: Error) => {
        report('AGENTMETER_SCRAPE_FAILED', 'scrape', `serialising metrics failed: ${err.message}`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(res.headersSent ? undefined : 'error\n');
      });
    } catch (err) {
      report('AGENTMETER_SCRAPE_FAILED', 'handler', `metrics handler failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
    }
  };
}

export interface MetricsServerOptions extends MetricsEndpointOptions {
  host: string;
  port: number;
  path: string;
}

/** True for loopback hosts (127.0.0.0/8 addresses, ::1, localhost); a DNS name such as `127.example.com` is not. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(host);
}

/**
 * agentmeter's own metrics server, not yet listening: `path` (Prometheus text), `/health`
 * (liveness, never authenticated), 404 elsewhere. No query parsing; small header limit;
 * short timeouts. Neither it nor its connections keep the app alive.
 */
export function createMetricsServer(opts: MetricsServerOptions): Server {
  const metrics = createMetricsHandler(opts);
  // node:http (with net and dns) loads with the first server: a preloaded process that
  // ends before its first event-loop turn never needs it (start.ts)
  const { createServer } = require('node:http') as typeof import('node:http');
  const server = createServer({ maxHeaderSize: METRICS_SERVER_MAX_HEADER_SIZE, requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path === opts.path) return metrics(req, res);
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(req.method === 'HEAD' ? undefined : '{"status":"ok"}\n');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket) => socket.unref());
  if (!isLoopback(opts.host) && opts.token === undefined && opts.basicAuth === undefined)
    report('AGENTMETER_METRICS_EXPOSED', opts.host, `the metrics endpoint listens on ${opts.host}, beyond loopback, with no token: set AGENTMETER_METRICS_TOKEN`);
  return server;
}

/** Why a listen failed, in words. */
export function listenErrorText(err: NodeJS.ErrnoException): string {
  return err.code === 'EADDRINUSE' ? 'port already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
}

/**
 * Listen on host:port. `exclusive` binds the port in this process even in a cluster
 * worker (otherwise node:cluster shares one port among workers, which then answer scrapes
 * in turn). Resolves with the address; rejects with the listen error (its `code` kept).
 */
export function listenMetricsServer(server: Server, host: string, port: number, exclusive: boolean): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      server.unref();
      const a = server.address();
      resolve({ host, port: typeof a === 'object' && a ? a.port : port });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive });
  });
}

/**
 * agentmeter's own metrics server (see createMetricsServer), listening. Resolves once
 * listening; rejects with an error naming the port if it is taken.
 */
export function startMetricsServer(opts: MetricsServerOptions): { server: Server; ready: Promise<{ host: string; port: number }> } {
  const server = createMetricsServer(opts);
  const ready = listenMetricsServer(server, opts.host, opts.port, false).catch((err: NodeJS.ErrnoException) => {
    throw Object.assign(new Error(`agentmeter: cannot serve metrics on ${opts.host}:${opts.port}: ${listenErrorText(err)} (set AGENTMETER_METRICS_PORT or the port option)`), {
      code: err.code,
    });
  });
  ready.catch(() => undefined);
  server.unref();
  return { server, ready };
}
