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
