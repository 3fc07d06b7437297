/** A JSON-RPC message as the MCP SDK hands it to / receives it from a transport. */
export interface JsonRpcMessage {
  readonly id?: string | number;
  readonly method?: string;
  readonly params?: { readonly name?: unknown; readonly protocolVersion?: unknown; readonly [k: string]: unknown };
  readonly result?: { readonly isError?: unknown; readonly protocolVersion?: unknown; readonly [k: string]: unknown };
  readonly error?: { readonly code?: unknown; readonly [k: string]: unknown };
}

/** The slice of an MCP SDK transport the instrumentation reads and wraps. */
export interface TransportLike {
  send?: (message: JsonRpcMessage, options?: unknown) => Promise<void>;
  readonly constructor?: { readonly name?: unknown };
}

/** The slice of an MCP SDK `Protocol` (`Client` / `Server`) instance the instrumentation reads. */
export interface ProtocolLike {
  readonly _transport?: TransportLike;
  readonly callTool?: unknown;
  readonly listTools?: unknown;
}

/** What the instrumentation keeps per connected Client / Server. */
export interface Session {
  readonly role: 'client' | 'server';
  readonly start: number;
  transport: string | undefined;
  protocolVersion: string | undefined;
  errorType: string | undefined;
  /** Server: requests received and not yet answered, by JSON-RPC id. */
  readonly pending: Map<string | number, PendingRequest>;
  recorded: boolean;
}

/** One request in flight. */
export interface PendingRequest {
  readonly method: string;
  readonly target: string | undefined;
  readonly start: number;
}

/** The `Protocol` class's prototype methods the instrumentation wraps. */
export type ProtocolMethod = (this: ProtocolLike, ...args: unknown[]) => unknown;
