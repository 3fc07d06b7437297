import * as dc from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Attributes, Histogram, MeterProvider, UpDownCounter } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
  CATALOGUE,
  METRIC_HTTP_CLIENT_REQUEST_DURATION,
  METRIC_HTTP_SERVER_ACTIVE_REQUESTS,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@agentmeter/semconv';
import { createCatalogueInstrument, HTTP_ROUTE, report } from '@agentmeter/api';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);
const START = Symbol('agentmeter.http.start');

function method(m: string | undefined): string {
  return m !== undefined && KNOWN_METHODS.has(m) ? m : '_OTHER';
}

/**
 * HTTP metrics from Node's `diagnostics_channel` HTTP events: no module patching, so it
 * sees CommonJS and ESM apps alike, cannot double count, and costs no span work.
 * - server: http.server.request.duration, http.server.active_requests (decremented
 *   exactly once on the response's 'close', however the request ends)
 * - client (node:http and fetch/undici): http.client.request.duration
 */
export class HttpDiagnosticsMetrics {
  private serverDuration!: Histogram;
  private active!: UpDownCounter;
  private clientDuration!: Histogram;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly ignored = new WeakSet<Server>();
  /** Attribute objects reused per (method, scheme, version, status): no per-request allocation. */
  private readonly serverAttrs = new Map<string, Attributes>();
  private readonly activeAttrs = new Map<string, Attributes>();
  private readonly clientAttrs = new Map<string, Attributes>();
  private readonly undiciStart = new WeakMap<object, number>();

  constructor(
    private readonly provider: MeterProvider,
    private readonly opts: { server: boolean; client: boolean; undici: boolean },
  ) {}

  /** Requests to this server (agentmeter's own metrics server) are not recorded. */
  ignoreServer(server: Server): void {
    this.ignored.add(server);
  }

  enable(): void {
    const meter = this.provider.getMeter('@agentmeter/sdk/http');
    this.serverDuration = createCatalogueInstrument(meter, CATALOGUE[METRIC_HTTP_SERVER_REQUEST_DURATION]);
    this.active = createCatalogueInstrument(meter, CATALOGUE[METRIC_HTTP_SERVER_ACTIVE_REQUESTS]);
    this.clientDuration = createCatalogueInstrument(meter, CATALOGUE[METRIC_HTTP_CLIENT_REQUEST_DURATION]);
    if (this.opts.server) this.sub('http.server.request.start', this.onServerStart);
    if (this.opts.client) {
      this.sub('http.client.request.start', this.onClientStart);
      this.sub('http.client.response.finish', this.onClientResponse);
    }
    if (this.opts.undici) {
      this.sub('undici:request:create', this.onUndiciCreate);
      this.sub('undici:request:headers', this.onUndiciHeaders);
      this.sub('undici:request:error', this.onUndiciError);
    }
  }

  disable(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private sub(name: string, fn: (msg: never) => void): void {
    const safe = (msg: unknown) => {
      try {
        fn(msg as never);
      } catch (e) {
        report('AGENTMETER_HTTP_FAILED', name, `HTTP metrics for ${name} failed: ${(e as Error).message}`);
      }
    };
    dc.subscribe(name, safe);
    this.unsubscribe.push(() => dc.unsubscribe(name, safe));
  }

  private onServerStart = (msg: { request: IncomingMessage; response: ServerResponse; server?: Server }): void => {
    const { request, response, server } = msg;
    if (server !== undefined && this.ignored.has(server)) return;
    const start = performance.now();
    const m = method(request.method);
    const scheme = (request.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
    const version = request.httpVersion;
    const aKey = m + scheme;
    let aAttrs = this.activeAttrs.get(aKey);
    if (aAttrs === undefined) {
      aAttrs = { [ATTR_HTTP_REQUEST_METHOD]: m, [ATTR_URL_SCHEME]: scheme };
      this.activeAttrs.set(aKey, aAttrs);
    }
    const active = aAttrs;
    this.active.add(1, active);
    response.once('close', () => {
      this.active.add(-1, active);
      const status = response.statusCode;
      const aborted = !response.writableFinished;
      // http.route: the matched template a framework instrumentation or setHttpRoute()
      // stored on the request; absent for requests that matched no route.
      const route = (request as unknown as Record<symbol, unknown>)[HTTP_ROUTE];
      const hasRoute = typeof route === 'string';
      const key = hasRoute ? aKey + version + status + (aborted ? 'a' : '') + '\u0000' + route : aKey + version + status + (aborted ? 'a' : '');
      let attrs = this.serverAttrs.get(key);
      if (attrs === undefined) {
        attrs = {
          [ATTR_HTTP_REQUEST_METHOD]: m,
          [ATTR_URL_SCHEME]: scheme,
          [ATTR_NETWORK_PROTOCOL_VERSION]: version,
          [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
        };
        if (hasRoute) attrs[ATTR_HTTP_ROUTE] = route;
        if (aborted) attrs[ATTR_ERROR_TYPE] = 'aborted';
        else if (status >= 500) attrs[ATTR_ERROR_TYPE] = String(status);
        if (this.serverAttrs.size < 4096) this.serverAttrs.set(key, attrs);
      }
      this.serverDuration.record((performance.now() - start) / 1000, attrs);
    });
  };

  private clientAttributes(m: string, host: string, port: number, status: number | undefined, error: string | undefined): Attributes {
    const key = m + '\u0000' + host + '\u0000' + port + '\u0000' + status + '\u0000' + error;
    let attrs = this.clientAttrs.get(key);
    if (attrs === undefined) {
      attrs = { [ATTR_HTTP_REQUEST_METHOD]: m, [ATTR_SERVER_ADDRESS]: host, [ATTR_SERVER_PORT]: port };
      if (status !== undefined) attrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
      if (error !== undefined) attrs[ATTR_ERROR_TYPE] = error;
      else if (status !== undefined && status >= 500) attrs[ATTR_ERROR_TYPE] = String(status);
      if (this.clientAttrs.size < 4096) this.clientAttrs.set(key, attrs);
    }
    return attrs;
  }

  private onClientStart = ({ request }: { request: ClientRequest }): void => {
    (request as unknown as Record<symbol, number>)[START] = performance.now();
    request.once('error', (err: NodeJS.ErrnoException) => {
      const start = (request as unknown as Record<symbol, number | undefined>)[START];
      if (start === undefined) return;
      (request as unknown as Record<symbol, number | undefined>)[START] = undefined;
      this.clientDuration.record((performance.now() - start) / 1000, this.clientAttributes(method(request.method), request.host, clientPort(request), undefined, err?.code ?? err?.name ?? '_OTHER'));
    });
  };

  private onClientResponse = ({ request, response }: { request: ClientRequest; response: IncomingMessage }): void => {
    const start = (request as unknown as Record<symbol, number | undefined>)[START];
    if (start === undefined) return;
    (request as unknown as Record<symbol, number | undefined>)[START] = undefined;
    this.clientDuration.record((performance.now() - start) / 1000, this.clientAttributes(method(request.method), request.host, clientPort(request), response.statusCode, undefined));
  };

  private onUndiciCreate = ({ request }: { request: object }): void => {
    this.undiciStart.set(request, performance.now());
  };

  private undiciRecord(request: { method?: string; origin?: string | URL }, status: number | undefined, error: string | undefined): void {
    const start = this.undiciStart.get(request);
    if (start === undefined) return;
    this.undiciStart.delete(request);
    let host = '';
    let port = 0;
    try {
      const u = new URL(String(request.origin));
      host = u.hostname;
      port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    } catch {
      // origin unknown
    }
    this.clientDuration.record((performance.now() - start) / 1000, this.clientAttributes(method(request.method), host, port, status, error));
  }

  private onUndiciHeaders = ({ request, response }: { request: { method?: string; origin?: string }; response: { statusCode: number } }): void => {
    this.undiciRecord(request, response.statusCode, undefined);
  };

  private onUndiciError = ({ request, error }: { request: { method?: string; origin?: string }; error: Error & { code?: string } }): void => {
    this.undiciRecord(request, undefined, error?.name === 'AbortError' ? 'cancelled' : (error?.code ?? error?.name ?? '_OTHER'));
  };
}

function clientPort(request: ClientRequest): number {
  const sock = request.socket as { remotePort?: number } | null;
  if (sock?.remotePort) return sock.remotePort;
  const agent = (request as unknown as { agent?: { defaultPort?: number } }).agent;
  return agent?.defaultPort ?? 80;
}
