import { performance } from 'node:perf_hooks';
import type { Attributes } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, createCatalogueInstrument, report } from '@agentmeter/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_WEBSOCKET_MESSAGE_DIRECTION,
  ATTR_WEBSOCKET_MESSAGE_TYPE,
  CATALOGUE,
  METRIC_WEBSOCKET_CLIENT_ACTIVE_CONNECTIONS,
  METRIC_WEBSOCKET_CLIENT_MESSAGES,
  METRIC_WEBSOCKET_SERVER_ACTIVE_CONNECTIONS,
  METRIC_WEBSOCKET_SERVER_CONNECTION_DURATION,
  METRIC_WEBSOCKET_SERVER_MESSAGES,
  WEBSOCKET_MESSAGE_DIRECTION_VALUES,
  WEBSOCKET_MESSAGE_TYPE_VALUES,
} from '@agentmeter/semconv';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { SUPPORTED_WS_VERSIONS, type WsInstrumentationConfig } from './types';
import {
  kPatched,
  kState,
  type EndpointAttributes,
  type SocketState,
  type WsClass,
  type WsInstruments,
  type WsSocket,
} from './internal-types';

/** Close codes that end a connection normally: 1000 normal, 1001 going away, 1005 no status. */
const NORMAL_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001, 1005]);
/** Endpoints (ports, client URLs) with cached attribute objects; beyond it they are built per socket. */
const MAX_CACHED_ENDPOINTS = 1000;

const { RECEIVED, SENT } = WEBSOCKET_MESSAGE_DIRECTION_VALUES;
const { TEXT, BINARY } = WEBSOCKET_MESSAGE_TYPE_VALUES;

function endpointAttributes(base: Attributes): EndpointAttributes {
  const msg = (direction: string, type: string): Attributes =>
    Object.freeze({ ...base, [ATTR_WEBSOCKET_MESSAGE_DIRECTION]: direction, [ATTR_WEBSOCKET_MESSAGE_TYPE]: type });
  return {
    base: Object.freeze({ ...base }),
    receivedText: msg(RECEIVED, TEXT),
    receivedBinary: msg(RECEIVED, BINARY),
    sentText: msg(SENT, TEXT),
    sentBinary: msg(SENT, BINARY),
    errors: new Map(),
  };
}

/** The WebSocket class in what `require('ws')` (the class itself) or `import('ws')` (a namespace) returns. */
function webSocketClass(moduleExports: unknown): WsClass | undefined {
  if (moduleExports == null) return undefined;
  const m = moduleExports as { WebSocket?: unknown; default?: unknown; prototype?: unknown };
  const candidates = [m.WebSocket, typeof moduleExports === 'function' ? moduleExports : undefined, m.default];
  for (const c of candidates) {
    const proto = (c as WsClass | undefined)?.prototype;
    if (typeof c === 'function' && proto && typeof proto.setSocket === 'function' && typeof proto.send === 'function') {
      return c as unknown as WsClass;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- per-socket listeners
// Shared functions (no closure per socket); `this` is the WebSocket.

function onMessage(this: WsSocket, data: unknown, isBinary?: unknown): void {
  const st = this[kState];
  if (st === undefined) return;
  // ws 8 passes isBinary; ws 7 passes a string for text messages.
  const binary = typeof isBinary === 'boolean' ? isBinary : typeof data !== 'string';
  try {
    st.messages.add(1, binary ? st.attrs.receivedBinary : st.attrs.receivedText);
  } catch {
    // never break the app
  }
}

function onClose(this: WsSocket, code?: unknown): void {
  const st = this[kState];
  if (st === undefined || st.closed) return;
  st.closed = true;
  try {
    st.active.add(-1, st.attrs.base);
    if (st.duration !== undefined) {
      const seconds = (performance.now() - st.openedAt) / 1000;
      const c = typeof code === 'number' ? code : 1005;
      st.duration.record(seconds, NORMAL_CLOSE_CODES.has(c) ? st.attrs.base : errorAttributes(st.attrs, c));
    }
  } catch {
    // never break the app
  }
}

/** Undo tracking of a socket whose setSocket threw (it will never emit 'close'). */
function untrack(ws: WsSocket): void {
  const st = ws[kState];
  if (st === undefined || st.closed) return;
  st.closed = true;
  try {
    st.active.add(-1, st.attrs.base);
  } catch {
    // never break the app
  }
}

function errorAttributes(attrs: EndpointAttributes, code: number): Attributes {
  let a = attrs.errors.get(code);
  if (a === undefined) {
    a = Object.freeze({ ...attrs.base, [ATTR_ERROR_TYPE]: String(code) });
    if (attrs.errors.size < 64) attrs.errors.set(code, a);
  }
  return a;
}

/**
 * WebSocket metrics for the `ws` package (server and client sockets), in the
 * OpenTelemetry InstrumentationBase style: register it before `ws` is loaded (the
 * agentmeter preload does), through `require` or `import` (ESM needs the
 * import-in-the-middle hook registered).
 *
 * Server-side sockets (accepted by a `WebSocketServer` on its own port, on an existing
 * http server, or through `handleUpgrade` with `noServer`) record
 * `websocket.server.active_connections`, `websocket.server.connection.duration`
 * (with `error.type` = the close code when it is not 1000, 1001 or 1005) and
 * `websocket.server.messages`. Client-side sockets record `websocket.client.*`.
 *
 * The patch is on `WebSocket.prototype.setSocket` and `.send`, which the CJS entry and
 * the ESM wrapper share: it is applied once however `ws` is loaded (guarded by a symbol).
 */
export class WsInstrumentation extends InstrumentationBase<WsInstrumentationConfig> {
  private _instruments!: WsInstruments;
  private _serverEndpoints!: Map<number | undefined, EndpointAttributes>;
  private _clientEndpoints!: Map<string, EndpointAttributes>;

  constructor(config: WsInstrumentationConfig = {}) {
    // enable after this class's fields exist (the base constructor would enable first)
    super(PACKAGE_NAME, PACKAGE_VERSION, { ...config, enabled: false });
    this._serverEndpoints = new Map();
    this._clientEndpoints = new Map();
    this._updateMetricInstruments();
    this.setConfig(config);
    if (config.enabled !== false) this.enable();
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'ws',
        ['*'], // every version is seen, so that one outside SUPPORTED_WS_VERSIONS gets a warning
        (moduleExports: unknown, moduleVersion?: string) =>
          checkSupportedVersion('ws', moduleVersion, SUPPORTED_WS_VERSIONS[0]!) ? this._patch(moduleExports) : moduleExports,
        (moduleExports: unknown) => this._unpatch(moduleExports),
      ),
    ];
  }

  protected override _updateMetricInstruments(): void {
    const m = this.meter;
    this._instruments = {
      serverActive: createCatalogueInstrument(m, CATALOGUE[METRIC_WEBSOCKET_SERVER_ACTIVE_CONNECTIONS]),
      serverDuration: createCatalogueInstrument(m, CATALOGUE[METRIC_WEBSOCKET_SERVER_CONNECTION_DURATION]),
      serverMessages: createCatalogueInstrument(m, CATALOGUE[METRIC_WEBSOCKET_SERVER_MESSAGES]),
      clientActive: createCatalogueInstrument(m, CATALOGUE[METRIC_WEBSOCKET_CLIENT_ACTIVE_CONNECTIONS]),
      clientMessages: createCatalogueInstrument(m, CATALOGUE[METRIC_WEBSOCKET_CLIENT_MESSAGES]),
    };
  }

  /** Instrument a `ws` module you loaded yourself (CJS exports or ESM namespace): the manual entry point every instrumentation has. */
  manuallyInstrument(moduleExports: unknown): void {
    this._patch(moduleExports);
  }

  /** @deprecated the same as {@link manuallyInstrument}. */
  patchModule(moduleExports: unknown): void {
    this.manuallyInstrument(moduleExports);
  }

  private _patch(moduleExports: unknown): unknown {
    try {
      const WS = webSocketClass(moduleExports);
      if (WS === undefined) {
        report('AGENTMETER_PATCH_FAILED', 'ws', 'ws: no WebSocket class with setSocket/send found; WebSocket metrics are off');
        return moduleExports;
      }
      const proto = WS.prototype;
      if (proto[kPatched] === this) return moduleExports; // CJS and ESM share the class: once
      // another instance's patch is replaced (shimmer unwraps it first)
      this._wrap(proto, 'setSocket', (original: (...a: unknown[]) => unknown) => this._wrapSetSocket(original));
      this._wrap(proto, 'send', (original: (...a: unknown[]) => unknown) => wrapSend(original));
      Object.defineProperty(proto, kPatched, { value: this, configurable: true, writable: true, enumerable: false });
    } catch (e) {
      report('AGENTMETER_PATCH_FAILED', 'ws', `ws: patching failed (${(e as Error)?.message ?? String(e)}); WebSocket metrics are off`);
    }
    return moduleExports;
  }

  private _unpatch(moduleExports: unknown): void {
    try {
      const WS = webSocketClass(moduleExports);
      if (WS === undefined || WS.prototype[kPatched] !== this) return;
      this._unwrap(WS.prototype, 'setSocket');
      this._unwrap(WS.prototype, 'send');
      delete WS.prototype[kPatched];
    } catch (e) {
      report('AGENTMETER_PATCH_FAILED', 'ws-unpatch', `ws: unpatching failed: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  private _wrapSetSocket(original: (...a: unknown[]) => unknown) {
    const instrumentation = this;
    return function setSocket(this: WsSocket, socket?: unknown): unknown {
      // Track before the original: a client's setSocket emits 'open', whose listeners may send.
      const tracked = instrumentation._track(this, socket as { localPort?: unknown } | undefined);
      try {
        // eslint-disable-next-line prefer-rest-params
        return original.apply(this, arguments as unknown as unknown[]);
      } catch (e) {
        if (tracked) untrack(this);
        throw e;
      }
    };
  }

  /** Start tracking a socket that is being attached (exactly once per socket); true if it now is. */
  private _track(ws: WsSocket, socket: { localPort?: unknown } | undefined): boolean {
    try {
      if (ws[kState] !== undefined) return false;
      const server = ws._isServer === true;
      if (!server && this.getConfig().clientMetrics === false) return false;
      const inst = this._instruments;
      const attrs = server ? this._serverAttributes(socket?.localPort) : this._clientAttributes(ws._url);
      const st: SocketState = {
        server,
        active: server ? inst.serverActive : inst.clientActive,
        messages: server ? inst.serverMessages : inst.clientMessages,
        duration: server ? inst.serverDuration : undefined,
        attrs,
        openedAt: performance.now(),
        closed: false,
      };
      ws[kState] = st;
      ws.on('message', onMessage);
      ws.on('close', onClose);
      st.active.add(1, attrs.base);
      return true;
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'ws-track', `ws: could not track a socket: ${(e as Error)?.message ?? String(e)}`);
      return false;
    }
  }

  private _serverAttributes(port: unknown): EndpointAttributes {
    const p = typeof port === 'number' ? port : undefined;
    let a = this._serverEndpoints.get(p);
    if (a === undefined) {
      a = endpointAttributes(p === undefined ? {} : { [ATTR_SERVER_PORT]: p });
      if (this._serverEndpoints.size < MAX_CACHED_ENDPOINTS) this._serverEndpoints.set(p, a);
    }
    return a;
  }

  private _clientAttributes(url: unknown): EndpointAttributes {
    const key = typeof url === 'string' ? url : String((url as { href?: string } | undefined)?.href ?? '');
    let a = this._clientEndpoints.get(key);
    if (a === undefined) {
      const base: Attributes = {};
      try {
        const u = new URL(key);
        base[ATTR_SERVER_ADDRESS] = u.hostname.replace(/^\[|\]$/g, '');
        base[ATTR_SERVER_PORT] = u.port ? Number(u.port) : u.protocol === 'wss:' || u.protocol === 'https:' ? 443 : 80;
      } catch {
        // unknown endpoint: no attributes
      }
      a = endpointAttributes(base);
      if (this._clientEndpoints.size < MAX_CACHED_ENDPOINTS) this._clientEndpoints.set(key, a);
    }
    return a;
  }
}

const OPEN = 1;

function wrapSend(original: (...a: unknown[]) => unknown) {
  return function send(this: WsSocket, data: unknown, options?: unknown): unknown {
    const st = this[kState];
    if (st !== undefined && this.readyState === OPEN) {
      try {
        const o = options as { binary?: unknown; fin?: unknown } | null | undefined;
        const hasOpts = o !== null && typeof o === 'object';
        if (!hasOpts || o.fin !== false) {
          const binary = hasOpts && o.binary !== undefined ? !!o.binary : typeof data !== 'string' && typeof data !== 'number';
          st.messages.add(1, binary ? st.attrs.sentBinary : st.attrs.sentText);
        }
      } catch {
        // never break the app
      }
    }
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as unknown[]);
  };
}
