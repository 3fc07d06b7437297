import type { Attributes, MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { CatalogueInstruments, checkSupportedVersion, report } from '@agentmeter/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
  CATALOGUE,
  ERROR_TYPE_VALUES,
  MCP_ERROR_TYPE_TOOL_ERROR,
  METRIC_MCP_CLIENT_OPERATION_DURATION,
  METRIC_MCP_CLIENT_SESSION_DURATION,
  METRIC_MCP_SERVER_OPERATION_DURATION,
  METRIC_MCP_SERVER_SESSION_DURATION,
  NETWORK_TRANSPORT_VALUES,
} from '@agentmeter/semconv';
import type { McpInstrumentationConfig } from './types';
import type { JsonRpcMessage, PendingRequest, ProtocolLike, ProtocolMethod, Session, TransportLike } from './internal-types';
import { Hook } from 'require-in-the-middle';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { MODULE_NAME, MODULE_NAMES_V2, PROTOCOL_FILE_CJS, PROTOCOL_FILE_ESM, SUPPORTED_VERSIONS, SUPPORTED_VERSIONS_V2 } from './module';

/** Own property of a patched `Protocol.prototype` holding the original methods (the once-only guard). */
const PATCHED = Symbol.for('agentmeter.instrumentation-mcp.patched');
/** Own property of a transport whose `send` is wrapped. */
const SEND_WRAPPED = Symbol.for('agentmeter.instrumentation-mcp.send');
const METHODS = ['connect', 'request', '_onrequest', '_onclose'] as const;

const DEFS = {
  clientOp: CATALOGUE[METRIC_MCP_CLIENT_OPERATION_DURATION],
  serverOp: CATALOGUE[METRIC_MCP_SERVER_OPERATION_DURATION],
  clientSession: CATALOGUE[METRIC_MCP_CLIENT_SESSION_DURATION],
  serverSession: CATALOGUE[METRIC_MCP_SERVER_SESSION_DURATION],
};

/** Method names of the MCP specification; anything else a peer sends is recorded as `_OTHER`. */
const KNOWN_METHODS = new Set([
  'initialize', 'ping', 'tools/list', 'tools/call', 'prompts/list', 'prompts/get', 'resources/list', 'resources/templates/list',
  'resources/read', 'resources/subscribe', 'resources/unsubscribe', 'completion/complete', 'logging/setLevel', 'sampling/createMessage',
  'elicitation/create', 'roots/list', 'tasks/get', 'tasks/result', 'tasks/list', 'tasks/cancel',
]);
const MAX_NAME = 128;
const MAX_PENDING = 10_000;
const MAX_CACHED_ATTRIBUTE_SETS = 4096;
const SAFE_NAME = /^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$/;

function packageVersion(basedir: string): string | undefined {
  try {
    const v = (JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

const now = (): number => performance.now() / 1000;
const sessions = new WeakMap<object, Session>();

function methodName(m: unknown): string {
  return typeof m === 'string' && KNOWN_METHODS.has(m) ? m : ERROR_TYPE_VALUES.OTHER;
}

/** gen_ai.tool.name of tools/call, gen_ai.prompt.name of prompts/get. */
function targetName(method: string, params: unknown): string | undefined {
  if (method !== 'tools/call' && method !== 'prompts/get') return undefined;
  const name = typeof params === 'object' && params !== null ? (params as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || name === '') return undefined;
  return name.length > MAX_NAME ? name.slice(0, MAX_NAME) : name;
}

/** network.transport from the SDK transport class: `pipe` for stdio, `tcp` for HTTP / SSE / WebSocket; none for in-memory. */
function transportKind(transport: unknown): string | undefined {
  let name: unknown;
  try {
    name = (transport as TransportLike | undefined)?.constructor?.name;
  } catch {
    return undefined;
  }
  if (typeof name !== 'string') return undefined;
  if (/stdio/i.test(name)) return NETWORK_TRANSPORT_VALUES.PIPE;
  if (/http|sse|websocket/i.test(name)) return NETWORK_TRANSPORT_VALUES.TCP;
  return undefined;
}

/** error.type of a thrown value: the JSON-RPC error code (McpError.code), else a distinct class name, else `_OTHER`. */
function errorTypeOf(e: unknown): string {
  try {
    if (typeof e === 'object' && e !== null) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'number' && Number.isInteger(code)) return String(code);
      const name = (e as { name?: unknown }).name;
      if (typeof name === 'string' && name !== 'Error' && name !== 'McpError' && SAFE_NAME.test(name)) return name;
    }
  } catch {
    // hostile getters
  }
  return ERROR_TYPE_VALUES.OTHER;
}

/** error.type of a JSON-RPC response: the error code, `tool_error` for an `isError` tool result, else none. */
function responseErrorType(method: string, message: JsonRpcMessage): string | undefined {
  const err = message.error;
  if (err && typeof err === 'object') {
    const code = err.code;
    return typeof code === 'number' && Number.isInteger(code) ? String(code) : ERROR_TYPE_VALUES.OTHER;
  }
  if (method === 'tools/call' && message.result && message.result.isError === true) return MCP_ERROR_TYPE_TOOL_ERROR;
  return undefined;
}

function versionOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= 32 ? v : undefined;
}

/**
 * Zero-code MCP metrics for `@modelcontextprotocol/sdk` 1.x and the 2.x split packages
 * `@modelcontextprotocol/client` / `@modelcontextprotocol/server` (CommonJS and ESM builds): every
 * request a `Client` sends (`mcp.client.operation.duration`, until its response, error,
 * timeout or the connection's close), every request a `Server` (incl. `McpServer`) answers
 * (`mcp.server.operation.duration`, until the response is handed to the transport), and each
 * connection's lifetime (`mcp.client.session.duration` / `mcp.server.session.duration`), on
 * stdio, streamable HTTP, SSE, WebSocket and in-memory transports. Patches the SDK's
 * `Protocol` base class once; nothing is written to stdout.
 */
export class McpInstrumentation extends InstrumentationBase<McpInstrumentationConfig> {
  declare private _instruments: CatalogueInstruments<typeof DEFS> | undefined;
  declare private _attrCache: Map<string, Attributes> | undefined;
  declare private _cjsHook: Hook | undefined;
  declare private _cjsExports: unknown;

  constructor(config: McpInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    if (config.meterProvider) this.setMeterProvider(config.meterProvider);
  }

  /** Pins the meter provider the metrics are recorded into. */
  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(meterProvider);
    this._instruments = new CatalogueInstruments(PACKAGE_NAME, PACKAGE_VERSION, DEFS, meterProvider);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const esm = new InstrumentationNodeModuleFile(
      PROTOCOL_FILE_ESM,
      ['*'],
      (moduleExports: unknown, moduleVersion?: string) => {
        if (checkSupportedVersion(MODULE_NAME, moduleVersion, SUPPORTED_VERSIONS)) this.patchExports(moduleExports);
        return moduleExports;
      },
      (moduleExports: unknown) => {
        this.unpatchExports(moduleExports);
        return moduleExports;
      },
    );
    const v2 = MODULE_NAMES_V2.map(
      (name) =>
        new InstrumentationNodeModuleDefinition(
          name,
          ['*'],
          (moduleExports: unknown, moduleVersion?: string) => {
            if (checkSupportedVersion(name, moduleVersion, SUPPORTED_VERSIONS_V2)) this.patchExports(moduleExports);
            return moduleExports;
          },
          (moduleExports: unknown) => {
            this.unpatchExports(moduleExports);
            return moduleExports;
          },
        ),
    );
    return [new InstrumentationNodeModuleDefinition(MODULE_NAME, ['*'], undefined, undefined, [esm]), ...v2];
  }

  /** Turns the instrumentation on; also hooks `require` of the SDK's CommonJS Protocol file. */
  override enable(): void {
    super.enable();
    if (this._cjsExports) this.patchExports(this._cjsExports);
    if (this._cjsHook) return;
    this._cjsHook = new Hook([PROTOCOL_FILE_CJS], { internals: true }, (moduleExports, _name, basedir) => {
      try {
        this._cjsExports = moduleExports;
        if (this.isEnabled() && checkSupportedVersion(MODULE_NAME, basedir ? packageVersion(basedir) : undefined, SUPPORTED_VERSIONS)) this.patchExports(moduleExports);
      } catch (e) {
        report('AGENTMETER_INSTRUMENTATION_FAILED', 'mcp.patch', `mcp: patching failed: ${String(e)}`);
      }
      return moduleExports;
    });
  }

  /** Turns the instrumentation off and restores the SDK's methods. */
  override disable(): void {
    super.disable();
    if (this._cjsExports) this.unpatchExports(this._cjsExports);
  }

  /**
   * Patches an already-loaded SDK: pass any export that is a `Client`, `Server` or `Protocol`
   * class (`require('@modelcontextprotocol/sdk/client/index.js').Client`), for apps that load
   * the SDK before the instrumentation.
   */
  manuallyInstrument(protocolSubclass: unknown): void {
    try {
      let proto: unknown = typeof protocolSubclass === 'function' ? (protocolSubclass as { prototype?: unknown }).prototype : undefined;
      while (proto && typeof proto === 'object' && !Object.prototype.hasOwnProperty.call(proto, '_onrequest')) proto = Object.getPrototypeOf(proto);
      if (proto && typeof proto === 'object') this.patchPrototype(proto as Record<string | symbol, unknown>);
      else report('AGENTMETER_INSTRUMENTATION_UNSUPPORTED', 'mcp.manual', 'mcp: manuallyInstrument expects the SDK\'s Client, Server or Protocol class; not instrumented');
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'mcp.patch', `mcp: patching failed: ${String(e)}`);
    }
  }

  private instruments(): CatalogueInstruments<typeof DEFS> {
    return (this._instruments ??= new CatalogueInstruments(PACKAGE_NAME, PACKAGE_VERSION, DEFS));
  }

  private patchExports(moduleExports: unknown): void {
    try {
      const Protocol = (moduleExports as { Protocol?: { prototype?: unknown } } | undefined)?.Protocol;
      const proto = Protocol?.prototype;
      if (!proto || typeof proto !== 'object' || typeof (proto as Record<string, unknown>)._onrequest !== 'function') {
        report('AGENTMETER_INSTRUMENTATION_UNSUPPORTED', 'mcp.exports', 'mcp: Protocol class not found in @modelcontextprotocol/sdk; not instrumented');
        return;
      }
      this.patchPrototype(proto as Record<string | symbol, unknown>);
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'mcp.patch', `mcp: patching failed: ${String(e)}`);
    }
  }

  private patchPrototype(proto: Record<string | symbol, unknown>): void {
    if (Object.prototype.hasOwnProperty.call(proto, PATCHED)) return;
    const originals: Partial<Record<(typeof METHODS)[number], ProtocolMethod>> = {};
    for (const m of METHODS) if (typeof proto[m] === 'function') originals[m] = proto[m] as ProtocolMethod;
    if (!originals.connect || !originals.request || !originals._onrequest || !originals._onclose) {
      report('AGENTMETER_INSTRUMENTATION_UNSUPPORTED', 'mcp.methods', 'mcp: Protocol lacks connect/request/_onrequest/_onclose; not instrumented');
      return;
    }
    Object.defineProperty(proto, PATCHED, { value: originals, configurable: true });
    proto.connect = this.wrapConnect(originals.connect);
    proto.request = this.wrapRequest(originals.request);
    proto._onrequest = this.wrapOnRequest(originals._onrequest);
    proto._onclose = this.wrapOnClose(originals._onclose);
  }

  private unpatchExports(moduleExports: unknown): void {
    const proto = (moduleExports as { Protocol?: { prototype?: Record<string | symbol, unknown> } } | undefined)?.Protocol?.prototype;
    if (!proto || !Object.prototype.hasOwnProperty.call(proto, PATCHED)) return;
    const originals = proto[PATCHED] as Record<string, ProtocolMethod>;
    for (const m of METHODS) if (originals[m]) proto[m] = originals[m];
    delete proto[PATCHED];
  }

  // ---------------------------------------------------------------- wrappers

  private wrapConnect(original: ProtocolMethod): ProtocolMethod {
    const inst = this;
    return function agentmeterMcpConnect(this: ProtocolLike, ...args: unknown[]): unknown {
      let session: Session | undefined;
      if (inst.isEnabled()) {
        try {
          session = inst.startSession(this, args[0]);
        } catch {
          session = undefined;
        }
      }
      const result = original.apply(this, args);
      if (session && result && typeof (result as Promise<unknown>).then === 'function') {
        const s = session;
        (result as Promise<unknown>).then(undefined, (e: unknown) => {
          s.errorType = errorTypeOf(e);
          inst.endSession(s);
        });
      }
      return result;
    };
  }

  private wrapRequest(original: ProtocolMethod): ProtocolMethod {
    const inst = this;
    return function agentmeterMcpRequest(this: ProtocolLike, ...args: unknown[]): unknown {
      const session = sessions.get(this);
      if (!session || session.role !== 'client' || !inst.isEnabled()) return original.apply(this, args);
      let method: string | undefined;
      let target: string | undefined;
      try {
        const req = args[0] as JsonRpcMessage | undefined;
        method = methodName(req?.method);
        target = targetName(method, req?.params);
      } catch {
        method = undefined;
      }
      const start = now();
      const result = original.apply(this, args);
      if (method === undefined || !result || typeof (result as Promise<unknown>).then !== 'function') return result;
      const m = method;
      (result as Promise<unknown>).then(
        (value) => {
          try {
            const r = value as JsonRpcMessage['result'];
            if (m === 'initialize') session.protocolVersion = versionOf(r?.protocolVersion) ?? session.protocolVersion;
            inst.recordOperation(session, m, target, now() - start, m === 'tools/call' && r?.isError === true ? MCP_ERROR_TYPE_TOOL_ERROR : undefined);
          } catch (e) {
            report('AGENTMETER_RECORD_FAILED', 'mcp.client', `mcp: recording a client request failed: ${String(e)}`);
          }
        },
        (e: unknown) => inst.recordOperation(session, m, target, now() - start, errorTypeOf(e)),
      );
      return result;
    };
  }

  private wrapOnRequest(original: ProtocolMethod): ProtocolMethod {
    const inst = this;
    return function agentmeterMcpOnRequest(this: ProtocolLike, ...args: unknown[]): unknown {
      const session = sessions.get(this);
      if (session && session.role === 'server' && inst.isEnabled()) {
        try {
          const req = args[0] as JsonRpcMessage | undefined;
          const id = req?.id;
          if ((typeof id === 'string' || typeof id === 'number') && session.pending.size < MAX_PENDING) {
            const method = methodName(req?.method);
            session.pending.set(id, { method, target: targetName(method, req?.params), start: now() });
            if (session.protocolVersion === undefined) {
              const headers = (args[1] as { requestInfo?: { headers?: Record<string, unknown> } } | undefined)?.requestInfo?.headers;
              const v = headers?.['mcp-protocol-version'];
              session.protocolVersion = versionOf(Array.isArray(v) ? v[0] : v);
            }
            inst.wrapSend(this._transport, session);
          }
        } catch {
          // never break the server
        }
      }
      return original.apply(this, args);
    };
  }

  private wrapOnClose(original: ProtocolMethod): ProtocolMethod {
    const inst = this;
    return function agentmeterMcpOnClose(this: ProtocolLike, ...args: unknown[]): unknown {
      const session = sessions.get(this);
      if (session) {
        sessions.delete(this);
        inst.endSession(session);
      }
      return original.apply(this, args);
    };
  }

  /** Wraps a transport's `send` once so that the server's responses end their requests' timers. */
  private wrapSend(transport: TransportLike | undefined, session: Session): void {
    if (!transport || typeof transport.send !== 'function') return;
    const holder = transport as TransportLike & { [SEND_WRAPPED]?: Session };
    if (holder[SEND_WRAPPED]) return;
    const original = transport.send;
    const inst = this;
    Object.defineProperty(holder, SEND_WRAPPED, { value: session, configurable: true });
    holder.send = function agentmeterMcpSend(this: unknown, message: JsonRpcMessage, options?: unknown): Promise<void> {
      try {
        const id = message?.id;
        if ((typeof id === 'string' || typeof id === 'number') && (message.result !== undefined || message.error !== undefined)) {
          const pending: PendingRequest | undefined = session.pending.get(id);
          if (pending) {
            session.pending.delete(id);
            if (pending.method === 'initialize') session.protocolVersion = versionOf(message.result?.protocolVersion) ?? session.protocolVersion;
            inst.recordOperation(session, pending.method, pending.target, now() - pending.start, responseErrorType(pending.method, message));
          }
        }
      } catch {
        // never break the server
      }
      return original.call(this, message, options);
    };
  }

  // ---------------------------------------------------------------- recording

  private startSession(protocol: ProtocolLike, transport: unknown): Session {
    const role = typeof protocol.callTool === 'function' && typeof protocol.listTools === 'function' ? 'client' : 'server';
    const session: Session = {
      role,
      start: now(),
      transport: transportKind(transport),
      protocolVersion: undefined,
      errorType: undefined,
      pending: new Map(),
      recorded: false,
    };
    sessions.set(protocol, session);
    if (role === 'server') this.wrapSend(transport as TransportLike, session);
    return session;
  }

  private endSession(session: Session): void {
    if (session.recorded) return;
    session.recorded = true;
    session.pending.clear();
    try {
      const attrs: Attributes = {};
      if (session.protocolVersion !== undefined) attrs[ATTR_MCP_PROTOCOL_VERSION] = session.protocolVersion;
      if (session.transport !== undefined) attrs[ATTR_NETWORK_TRANSPORT] = session.transport;
      if (session.errorType !== undefined) attrs[ATTR_ERROR_TYPE] = session.errorType;
      this.instruments()
        .get(session.role === 'client' ? 'clientSession' : 'serverSession')
        .record(now() - session.start, attrs);
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'mcp.session', `mcp: recording a session failed: ${String(e)}`);
    }
  }

  private recordOperation(session: Session, method: string, target: string | undefined, seconds: number, errorType: string | undefined): void {
    try {
      const key = `${session.role}\u0001${method}\u0001${target ?? ''}\u0001${errorType ?? ''}\u0001${session.transport ?? ''}\u0001${session.protocolVersion ?? ''}`;
      const cache = (this._attrCache ??= new Map());
      let attrs = cache.get(key);
      if (attrs === undefined) {
        attrs = { [ATTR_MCP_METHOD_NAME]: method };
        if (target !== undefined) attrs[method === 'prompts/get' ? ATTR_GEN_AI_PROMPT_NAME : ATTR_GEN_AI_TOOL_NAME] = target;
        if (errorType !== undefined) attrs[ATTR_ERROR_TYPE] = errorType;
        if (session.transport !== undefined) attrs[ATTR_NETWORK_TRANSPORT] = session.transport;
        if (session.protocolVersion !== undefined) attrs[ATTR_MCP_PROTOCOL_VERSION] = session.protocolVersion;
        if (cache.size < MAX_CACHED_ATTRIBUTE_SETS) cache.set(key, attrs);
      }
      this.instruments()
        .get(session.role === 'client' ? 'clientOp' : 'serverOp')
        .record(Math.max(0, seconds), attrs);
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'mcp.operation', `mcp: recording an operation failed: ${String(e)}`);
    }
  }
}
