import type { Attributes, Histogram, UpDownCounter } from '@opentelemetry/api';
import type { ClientRequest, IncomingMessage, Server, ServerResponse } from 'node:http';

/** On a node:http ClientRequest: when it started (performance.now()), until recorded. */
export const kStart: unique symbol = Symbol('agentmeter.http.start') as never;

/** The methods kept as `http.request.method`; any other is `_OTHER`. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/** Cap of each cache of attribute objects. */
export const MAX_CACHED_ATTRIBUTES = 4096;

/** `http.server.request.start` message. */
export interface ServerStartMessage {
  request: IncomingMessage;
  response: ServerResponse;
  server?: Server;
}

/** The instruments of one meter. */
export interface Instruments {
  readonly serverDuration: Histogram;
  readonly active: UpDownCounter;
  readonly clientDuration: Histogram;
}

/** The cached attributes of one (method, scheme, protocol version) of server requests. */
export interface ServerSlot {
  readonly method: string;
  readonly scheme: string;
  readonly version: string;
  /** http.server.active_requests */
  readonly active: Attributes;
  /** http.server.request.duration of finished requests without a route, by status code */
  readonly byStatus: Map<number, Attributes>;
  /** ... with a route: by route, then status code */
  readonly byRoute: Map<string, Map<number, Attributes>>;
  /** ... of aborted requests without a route, by status code */
  readonly aborted: Map<number, Attributes>;
}

/** What a server response carries from 'http.server.request.start' to its 'close'. */
export interface ServerRequestState {
  readonly slot: ServerSlot;
  /** The instruments the active request was added to. */
  readonly inst: Instruments;
  readonly start: number;
  readonly request: IncomingMessage;
}

/** `http.client.request.start` message. */
export interface ClientStartMessage {
  request: ClientRequest;
}

/** `http.client.response.finish` message. */
export interface ClientResponseMessage {
  request: ClientRequest;
  response: IncomingMessage;
}

/** undici's request object, as far as it is read. */
export interface UndiciRequest {
  method?: string;
  origin?: string | URL;
}

/** `undici:request:create` message. */
export interface UndiciCreateMessage {
  request: object;
}

/** `undici:request:headers` message. */
export interface UndiciHeadersMessage {
  request: UndiciRequest;
  response: { statusCode: number };
}

/** `undici:request:error` message. */
export interface UndiciErrorMessage {
  request: UndiciRequest;
  error: Error & { code?: string };
}

/** A ClientRequest carrying its start time. */
export type TimedClientRequest = ClientRequest & { [kStart]?: number };
