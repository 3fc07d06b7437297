import * as dc from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Attributes, Meter, MeterProvider } from '@opentelemetry/api';
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
import { createCatalogueInstrument, HTTP_ROUTE, otelApi, report } from '@agentmeter/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import type { HttpMetricsOptions } from './types';
import {
  kStart,
  KNOWN_METHODS,
  MAX_CACHED_ATTRIBUTES,
  type ClientResponseMessage,
  type ClientStartMessage,
  type Instruments,
  type ServerRequestState,
  type ServerSlot,
  type ServerStartMessage,
  type TimedClientRequest,
  type UndiciCreateMessage,
  type UndiciErrorMessage,
  type UndiciHeadersMessage,
  type UndiciRequest,
} from './internal-types';

export type { HttpMetricsOptions } from './types';

function method(m: string | undefined): string {
  return m !== undefined && KNOWN_METHODS.has(m) ? m : '_OTHER';
}

function createInstruments(meter: Meter): Instruments {
  return {
    serverDuration: createCatalogueInstrument(meter, CATALOGUE[METRIC_HTTP_SERVER_REQUEST_DURATION]),
    active: createCatalogueInstrument(meter, CATALOGUE[METRIC_HTTP_SERVER_ACTIVE_REQUESTS]),
    clientDuration: createCatalogueInstrument(meter, CATALOGUE[METRIC_HTTP_CLIENT_REQUEST_DURATION]),
  };
}

/**
 * HTTP metrics from Node's `diagnostics_channel` HTTP events: no module patching, so it
 * sees CommonJS and ESM apps alike, cannot double count, and costs no span work.
 * - server: http.server.request.duration, http.server.active_requests (decremented
 *   exactly once on the response's 'close', however the request ends)
 * - client (node:http and fetch/undici): http.client.request.duration
 *
 * This is the whole of the HTTP instrumentation without @opentelemetry/instrumentation
 * (nothing to patch): the sdk's `start()` and preloads load it from
 * `@agentmeter/instrumentation-http/metrics` to keep start-up small; {@link HttpInstrumentation}
 * is the same as an InstrumentationBase.
 */
export class HttpDiagnosticsMetrics {
  private meter: Meter;
  private instruments: Instruments | undefined;
  private readonly opts: Required<HttpMetricsOptions>;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly ignored = new WeakSet<Server>();
  /** Attribute objects reused per (method, scheme, version, status, route): no per-request allocation. */
  private readonly serverSlots = new Map<string, Map<number, ServerSlot>>();
  private cachedServerAttrs = 0;
  /** Where a response keeps its request's state until 'close' (one symbol per instance). */
  private readonly kServer = Symbol('agentmeter.http.server');
  /** The one 'close' listener of every response (`this` is the response). */
  private readonly onServerClose: (this: ServerResponse) => void;
  private readonly clientAttrs = new Map<string, Attributes>();
  private readonly undiciStart = new WeakMap<object, number>();

  /**
   * @param provider the MeterProvider to record into (default: the global one)
   * @param opts which events to record (each default true)
   */
  constructor(provider: MeterProvider = otelApi().metrics.getMeterProvider(), opts: HttpMetricsOptions = {}) {
    this.meter = provider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
    this.opts = { server: opts.server !== false, client: opts.client !== false, undici: opts.undici !== false };
    const self = this;
    this.onServerClose = function (this: ServerResponse) {
      try {
        self.serverClosed(this);
      } catch (e) {
        report('AGENTMETER_HTTP_FAILED', 'http.server.close', `HTTP metrics for a closed response failed: ${(e as Error).message}`);
      }
    };
  }

  /** Requests to this server (agentmeter's own metrics server) are not recorded. */
  ignoreServer(server: Server): void {
    this.ignored.add(server);
  }

  /** Record into this provider from now on. */
  setMeterProvider(provider: MeterProvider): void {
    this.setMeter(provider.getMeter(PACKAGE_NAME, PACKAGE_VERSION));
  }

  /** Record with this meter from now on. */
  setMeter(meter: Meter): void {
    this.meter = meter;
    if (this.instruments) this.instruments = createInstruments(meter);
  }

  /** True between `enable()` and `disable()`. */
  isEnabled(): boolean {
    return this.unsubscribe.length > 0;
  }

  /** Subscribe to the HTTP events (idempotent). */
  enable(): void {
    if (this.isEnabled()) return;
    this.instruments = createInstruments(this.meter);
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

  /** Unsubscribe from every event. */
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

  private onServerStart = (msg: ServerStartMessage): void => {
    const { request, response, server } = msg;
    if (server !== undefined && this.ignored.has(server)) return;
    const inst = this.instruments as Instruments;
    const start = performance.now();
    const slot = this.serverSlot(request);
    inst.active.add(1, slot.active);
    // one small object and a listener shared by every request: no closure per request
    (response as unknown as Record<symbol, ServerRequestState | undefined>)[this.kServer] = { slot, inst, start, request };
    response.on('close', this.onServerClose);
  };

  /** The cached attributes of a (method, scheme, protocol version): found by a string and a number, nothing built per request. */
  private serverSlot(request: IncomingMessage): ServerSlot {
    const m = method(request.method);
    const https = (request.socket as { encrypted?: boolean } | null)?.encrypted === true;
    const major = request.httpVersionMajor;
    const minor = request.httpVersionMinor;
    const code = ((major & 15) * 16 + (minor & 15)) * 2 + (https ? 1 : 0);
    let byCode = this.serverSlots.get(m);
    if (byCode === undefined) {
      byCode = new Map();
      this.serverSlots.set(m, byCode);
    }
    let slot = byCode.get(code);
    if (slot === undefined) {
      const scheme = https ? 'https' : 'http';
      const version = `${major & 15}.${minor & 15}`;
      slot = { method: m, scheme, version, active: { [ATTR_HTTP_REQUEST_METHOD]: m, [ATTR_URL_SCHEME]: scheme }, byStatus: new Map(), byRoute: new Map(), aborted: new Map() };
      byCode.set(code, slot);
    }
    return slot;
  }

  /** A server response closed (finished or aborted): the active request ends and its duration is recorded, once. */
  private serverClosed(response: ServerResponse): void {
    const holder = response as unknown as Record<symbol, ServerRequestState | undefined>;
    const st = holder[this.kServer];
    if (st === undefined) return;
    holder[this.kServer] = undefined;
    const { slot, inst } = st;
    // the counter the +1 went to, even if the provider changed since
    inst.active.add(-1, slot.active);
    const status = response.statusCode;
    // http.route: the matched template a framework instrumentation or setHttpRoute()
    // stored on the request; absent for requests that matched no route.
    const route = (st.request as unknown as Record<symbol, unknown>)[HTTP_ROUTE];
    const routed = typeof route === 'string';
    const aborted = !response.writableFinished;
    let byStatus: Map<number, Attributes> | undefined;
    if (aborted) byStatus = routed ? undefined : slot.aborted;
    else if (!routed) byStatus = slot.byStatus;
    else {
      byStatus = slot.byRoute.get(route);
      if (byStatus === undefined && this.cachedServerAttrs < MAX_CACHED_ATTRIBUTES) {
        byStatus = new Map();
        slot.byRoute.set(route, byStatus);
      }
    }
    let attrs = byStatus?.get(status);
    if (attrs === undefined) {
      attrs = {
        [ATTR_HTTP_REQUEST_METHOD]: slot.method,
        [ATTR_URL_SCHEME]: slot.scheme,
        [ATTR_NETWORK_PROTOCOL_VERSION]: slot.version,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
      };
      if (routed) attrs[ATTR_HTTP_ROUTE] = route;
      if (aborted) attrs[ATTR_ERROR_TYPE] = 'aborted';
      else if (status >= 500) attrs[ATTR_ERROR_TYPE] = String(status);
      if (byStatus !== undefined && this.cachedServerAttrs < MAX_CACHED_ATTRIBUTES) {
        byStatus.set(status, attrs);
        this.cachedServerAttrs++;
      }
    }
    (this.instruments ?? inst).serverDuration.record((performance.now() - st.start) / 1000, attrs);
  }

  private clientAttributes(m: string, host: string, port: number, status: number | undefined, error: string | undefined): Attributes {
    const key = m + '\u0000' + host + '\u0000' + port + '\u0000' + status + '\u0000' + error;
    let attrs = this.clientAttrs.get(key);
    if (attrs === undefined) {
      attrs = { [ATTR_HTTP_REQUEST_METHOD]: m, [ATTR_SERVER_ADDRESS]: host, [ATTR_SERVER_PORT]: port };
      if (status !== undefined) attrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
      if (error !== undefined) attrs[ATTR_ERROR_TYPE] = error;
      else if (status !== undefined && status >= 500) attrs[ATTR_ERROR_TYPE] = String(status);
      if (this.clientAttrs.size < MAX_CACHED_ATTRIBUTES) this.clientAttrs.set(key, attrs);
    }
    return attrs;
  }

  private recordClient(seconds: number, attrs: Attributes): void {
    this.instruments?.clientDuration.record(seconds, attrs);
  }

  private onClientStart = ({ request }: ClientStartMessage): void => {
    const req = request as TimedClientRequest;
    req[kStart] = performance.now();
    req.once('error', (err: NodeJS.ErrnoException) => {
      const start = req[kStart];
      if (start === undefined) return;
      req[kStart] = undefined;
      this.recordClient((performance.now() - start) / 1000, this.clientAttributes(method(req.method), req.host, clientPort(req), undefined, err?.code ?? err?.name ?? '_OTHER'));
    });
  };

  private onClientResponse = ({ request, response }: ClientResponseMessage): void => {
    const req = request as TimedClientRequest;
    const start = req[kStart];
    if (start === undefined) return;
    req[kStart] = undefined;
    this.recordClient((performance.now() - start) / 1000, this.clientAttributes(method(req.method), req.host, clientPort(req), response.statusCode, undefined));
  };

  private onUndiciCreate = ({ request }: UndiciCreateMessage): void => {
    this.undiciStart.set(request, performance.now());
  };

  private undiciRecord(request: UndiciRequest, status: number | undefined, error: string | undefined): void {
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
    this.recordClient((performance.now() - start) / 1000, this.clientAttributes(method(request.method), host, port, status, error));
  }

  private onUndiciHeaders = ({ request, response }: UndiciHeadersMessage): void => {
    this.undiciRecord(request, response.statusCode, undefined);
  };

  private onUndiciError = ({ request, error }: UndiciErrorMessage): void => {
    this.undiciRecord(request, undefined, error?.name === 'AbortError' ? 'cancelled' : (error?.code ?? error?.name ?? '_OTHER'));
  };
}

function clientPort(request: ClientRequest): number {
  const sock = request.socket as { remotePort?: number } | null;
  if (sock?.remotePort) return sock.remotePort;
  const agent = (request as unknown as { agent?: { defaultPort?: number } }).agent;
  return agent?.defaultPort ?? 80;
}
