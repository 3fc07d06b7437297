// The one error classifier of every agentmeter signal (LLM, speech, tool, agent): the same
// thrown error gives the same low-cardinality error.type on each.
import { ERROR_TYPE_VALUES } from '@agentmeter/semconv';

const BY_CLASS: Readonly<Record<string, string>> = {
  RateLimitError: ERROR_TYPE_VALUES.RATE_LIMIT,
  APIConnectionTimeoutError: ERROR_TYPE_VALUES.TIMEOUT,
  RequestTimeoutError: ERROR_TYPE_VALUES.TIMEOUT,
  GatewayTimeoutError: ERROR_TYPE_VALUES.TIMEOUT,
  TimeoutError: ERROR_TYPE_VALUES.TIMEOUT,
  ConnectTimeoutError: ERROR_TYPE_VALUES.TIMEOUT,
  HeadersTimeoutError: ERROR_TYPE_VALUES.TIMEOUT,
  BodyTimeoutError: ERROR_TYPE_VALUES.TIMEOUT,
  AuthenticationError: ERROR_TYPE_VALUES.AUTHENTICATION,
  PermissionDeniedError: ERROR_TYPE_VALUES.AUTHENTICATION,
  BadRequestError: ERROR_TYPE_VALUES.INVALID_REQUEST,
  NotFoundError: ERROR_TYPE_VALUES.INVALID_REQUEST,
  ConflictError: ERROR_TYPE_VALUES.INVALID_REQUEST,
  UnprocessableEntityError: ERROR_TYPE_VALUES.INVALID_REQUEST,
  ContentTooLargeError: ERROR_TYPE_VALUES.INVALID_REQUEST,
  InternalServerError: ERROR_TYPE_VALUES.SERVER_ERROR,
  OverloadedError: ERROR_TYPE_VALUES.SERVER_ERROR,
  ServiceUnavailableError: ERROR_TYPE_VALUES.SERVER_ERROR,
  APIUserAbortError: ERROR_TYPE_VALUES.CANCELLED,
  AbortError: ERROR_TYPE_VALUES.CANCELLED,
  APIConnectionError: ERROR_TYPE_VALUES.NETWORK,
  FetchError: ERROR_TYPE_VALUES.NETWORK,
  SocketError: ERROR_TYPE_VALUES.NETWORK,
  // error.type strings of provider error bodies and of the Anthropic SDK's own spans
  rate_limit_error: ERROR_TYPE_VALUES.RATE_LIMIT,
  rate_limit_exceeded: ERROR_TYPE_VALUES.RATE_LIMIT,
  insufficient_quota: ERROR_TYPE_VALUES.RATE_LIMIT,
  api_error: ERROR_TYPE_VALUES.SERVER_ERROR,
  overloaded_error: ERROR_TYPE_VALUES.SERVER_ERROR,
  invalid_request_error: ERROR_TYPE_VALUES.INVALID_REQUEST,
  not_found_error: ERROR_TYPE_VALUES.INVALID_REQUEST,
  request_too_large: ERROR_TYPE_VALUES.INVALID_REQUEST,
  authentication_error: ERROR_TYPE_VALUES.AUTHENTICATION,
  permission_error: ERROR_TYPE_VALUES.AUTHENTICATION,
  client_timeout_error: ERROR_TYPE_VALUES.TIMEOUT,
  timeout_error: ERROR_TYPE_VALUES.TIMEOUT,
  connection_error: ERROR_TYPE_VALUES.NETWORK,
};

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ABORT_ERR_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE_TIMEOUT',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);
const KNOWN = new Set<string>(Object.values(ERROR_TYPE_VALUES));
const GENERIC_NAMES = new Set(['Error', 'Object', 'AnthropicError', 'OpenAIError', 'APIError', 'Function', '']);
const SAFE_NAME = /^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$/;

function fromStatus(status: unknown): string | undefined {
  if (typeof status !== 'number' || !Number.isInteger(status)) return undefined;
  if (status === 429) return ERROR_TYPE_VALUES.RATE_LIMIT;
  if (status === 408 || status === 504) return ERROR_TYPE_VALUES.TIMEOUT;
  if (status === 401 || status === 403) return ERROR_TYPE_VALUES.AUTHENTICATION;
  if (status === 499) return ERROR_TYPE_VALUES.CANCELLED;
  if (status >= 500 && status < 600) return ERROR_TYPE_VALUES.SERVER_ERROR;
  if (status >= 400 && status < 500) return ERROR_TYPE_VALUES.INVALID_REQUEST;
  return undefined;
}

function fromCode(code: unknown): string | undefined {
  if (typeof code !== 'string') return undefined;
  if (TIMEOUT_CODES.has(code)) return ERROR_TYPE_VALUES.TIMEOUT;
  if (NETWORK_CODES.has(code)) return ERROR_TYPE_VALUES.NETWORK;
  if (code === 'ABORT_ERR') return ERROR_TYPE_VALUES.CANCELLED;
  return undefined;
}

function safeGet(o: object, k: string): unknown {
  try {
    return (o as Record<string, unknown>)[k];
  } catch {
    return undefined;
  }
}

function className(o: object): string | undefined {
  const name = safeGet(o, 'name');
  if (typeof name === 'string' && name.length > 0) return name;
  try {
    const c = (o as { constructor?: { name?: unknown } }).constructor;
    return typeof c?.name === 'string' ? c.name : undefined;
  } catch {
    return undefined;
  }
}

/** Walks the prototype chain's constructor names (so subclasses of RateLimitError map too). */
function classChain(o: object): string[] {
  const names: string[] = [];
  let p: unknown;
  try {
    p = Object.getPrototypeOf(o);
    for (let i = 0; p && i < 8; i++) {
      const c = (p as { constructor?: { name?: unknown } }).constructor;
      if (typeof c?.name === 'string') names.push(c.name);
      p = Object.getPrototypeOf(p);
    }
  } catch {
    // hostile proxies: give up on the chain
  }
  return names;
}

/**
 * Classifies any thrown value (or an `error.type` string) into a low-cardinality
 * `error.type`: `rate_limit`, `timeout`, `authentication`, `invalid_request`,
 * `server_error`, `network`, `cancelled`, the error's class name for a distinct error
 * class, or `_OTHER`. Reads HTTP status codes (`err.status`), the error classes of the
 * `openai` and `@anthropic-ai/sdk` clients, `AbortError`, and Node/undici network codes
 * (also on `err.cause`). Never throws.
 */
export function classifyError(err: unknown): string {
  try {
    return classify(err, 0);
  } catch {
    return ERROR_TYPE_VALUES.OTHER;
  }
}

function classify(err: unknown, depth: number): string {
  if (typeof err === 'string') {
    if (KNOWN.has(err)) return err;
    if (/^\d{3}$/.test(err)) return fromStatus(Number(err)) ?? ERROR_TYPE_VALUES.OTHER;
    if (BY_CLASS[err]) return BY_CLASS[err];
    const c = fromCode(err);
    if (c) return c;
    return SAFE_NAME.test(err) ? err : ERROR_TYPE_VALUES.OTHER;
  }
  if (err === null || (typeof err !== 'object' && typeof err !== 'function')) return ERROR_TYPE_VALUES.OTHER;
  const o = err as object;
  const name = className(o);
  // Cancellation first: an abort is never a server's fault.
  if (name === 'AbortError' || name === 'APIUserAbortError') return ERROR_TYPE_VALUES.CANCELLED;
  if (name === 'TimeoutError' || name === 'APIConnectionTimeoutError') return ERROR_TYPE_VALUES.TIMEOUT;
  const status = fromStatus(safeGet(o, 'status') ?? safeGet(o, 'statusCode'));
  if (status) return status;
  if (name && BY_CLASS[name]) return BY_CLASS[name];
  for (const n of classChain(o)) if (BY_CLASS[n]) return BY_CLASS[n];
  const code = fromCode(safeGet(o, 'code')) ?? fromCode(safeGet(o, 'errno'));
  if (code) return code;
  const cause = safeGet(o, 'cause');
  if (cause && depth < 3) {
    const c = classify(cause, depth + 1);
    if (KNOWN.has(c) && c !== ERROR_TYPE_VALUES.OTHER) return c;
  }
  // undici's "fetch failed" TypeError without a recognisable cause is still a network failure
  if (name === 'TypeError' && safeGet(o, 'message') === 'fetch failed') return ERROR_TYPE_VALUES.NETWORK;
  if (name && !GENERIC_NAMES.has(name) && SAFE_NAME.test(name)) return name;
  // a subclass that keeps the inherited name 'Error' (`class ToolTimeout extends Error {}`)
  const own = classChain(o)[0];
  if (own && !GENERIC_NAMES.has(own) && SAFE_NAME.test(own)) return own;
  return ERROR_TYPE_VALUES.OTHER;
}
