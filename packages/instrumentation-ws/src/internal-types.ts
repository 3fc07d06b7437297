import type { Attributes, Counter, Histogram, UpDownCounter } from '@opentelemetry/api';

/**
 * Marks a patched `WebSocket.prototype` (value: the owning instrumentation). `Symbol.for`
 * so that two copies of this package in one process see each other's patch.
 */
export const kPatched: unique symbol = Symbol.for('agentmeter.ws.patched') as never;
/** Per-socket state, set once when the socket is attached (setSocket). */
export const kState: unique symbol = Symbol.for('agentmeter.ws.state') as never;

/** The instruments in force when a socket opened (it keeps them until it closes). */
export interface WsInstruments {
  readonly serverActive: UpDownCounter;
  readonly serverDuration: Histogram;
  readonly serverMessages: Counter;
  readonly clientActive: UpDownCounter;
  readonly clientMessages: Counter;
}

/** Attribute objects precomputed per server port or client endpoint (no per-message allocation). */
export interface EndpointAttributes {
  readonly base: Attributes;
  readonly receivedText: Attributes;
  readonly receivedBinary: Attributes;
  readonly sentText: Attributes;
  readonly sentBinary: Attributes;
  /** error.type attribute sets by close code (server connection duration). */
  readonly errors: Map<number, Attributes>;
}

/** What the instrumentation keeps on each tracked socket under {@link kState}. */
export interface SocketState {
  readonly server: boolean;
  readonly active: UpDownCounter;
  readonly messages: Counter;
  readonly duration: Histogram | undefined;
  readonly attrs: EndpointAttributes;
  /** performance.now() at open. */
  readonly openedAt: number;
  closed: boolean;
}

/** The parts of a `ws` WebSocket instance the patch touches (ws 7 and 8). */
export interface WsSocket {
  readonly readyState: number;
  _isServer?: boolean;
  _url?: unknown;
  _socket?: { localPort?: number } | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as ws types it: any listener signature must fit
  on(event: string, listener: (...args: any[]) => void): unknown;
  [kState]?: SocketState;
}

/** A WebSocket class as exported by `ws`. */
export interface WsClass {
  prototype: {
    setSocket: (...args: unknown[]) => unknown;
    send: (...args: unknown[]) => unknown;
    [kPatched]?: unknown;
  };
}
