import { report } from './diagnostics';

/**
 * Where the matched route template of a server request is kept: a property of Node's
 * `IncomingMessage` under this registered symbol. Framework instrumentations and
 * `setHttpRoute` write it; the HTTP server metrics read it when the response closes and
 * record it as `http.route`. `Symbol.for` so that every copy of agentmeter in a process
 * agrees.
 */
export const HTTP_ROUTE: unique symbol = Symbol.for('agentmeter.http.route') as never;

/**
 * Store a (trusted) template for `req`, a Node request: what framework instrumentations
 * call on their hot path (no validation; setHttpRoute validates first).
 */
export function storeHttpRoute(req: object, template: string): void {
  (req as Record<symbol, unknown>)[HTTP_ROUTE] = template;
}

/** Longest template accepted by setHttpRoute. */
export const MAX_HTTP_ROUTE_LENGTH = 256;

/** A path segment that is a value, not a template: digits, a UUID, a long hex or base64-ish id. */
const RAW_SEGMENT = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|(?=[^/]*\d)(?=[^/]*[a-z])[a-z0-9_-]{20,})$/i;

/**
 * The Node request behind a framework's request object: Express's `req` is Node's
 * `IncomingMessage`; Fastify's request has it as `.raw`, Koa's context as `.req`, Hono's
 * context (on @hono/node-server) as `.env.incoming`.
 */
function nodeRequest(req: unknown): object | undefined {
  if (req === null || typeof req !== 'object') return undefined;
  const r = req as { raw?: unknown; req?: unknown; env?: { incoming?: unknown }; headers?: unknown; socket?: unknown };
  if (r.headers !== undefined && r.socket !== undefined) return r;
  for (const c of [r.raw, r.req, r.env?.incoming]) {
    if (c !== null && typeof c === 'object' && (c as { headers?: unknown }).headers !== undefined) return c;
  }
  return r;
}

/** Why a template is refused, or undefined if it is a usable route template. */
export function invalidHttpRoute(template: unknown): string | undefined {
  if (typeof template !== 'string') return `expected a string, got ${template === null ? 'null' : typeof template}`;
  if (template.length === 0 || template.length > MAX_HTTP_ROUTE_LENGTH) return `expected 1 to ${MAX_HTTP_ROUTE_LENGTH} characters, got ${template.length}`;
  if (template[0] !== '/' && template !== '*') return `expected a template starting with "/" (such as /users/:id), got ${JSON.stringify(template.slice(0, 64))}`;
  if (/[?#\s]/.test(template)) return `a route template has no query, fragment or whitespace: ${JSON.stringify(template.slice(0, 64))}`;
  for (const seg of template.split('/')) {
    if (RAW_SEGMENT.test(seg))
      return `${JSON.stringify(template.slice(0, 64))} looks like a raw path (segment ${JSON.stringify(seg.slice(0, 40))} is a value): pass the template, e.g. /users/:id`;
  }
  return undefined;
}

/**
 * Record the route template that matched `req` (e.g. `/users/:id`, never the raw path):
 * the request's `http.server.request.duration` gets `http.route`. Call it from a handler
 * or middleware of any framework; `req` may be Node's request or the framework's request
 * or context object (Express `req`, Fastify `request`, Koa `ctx`, Hono `c`). The last
 * call before the response ends wins. A template that is not a string, is too long, or
 * looks like a raw path (a segment that is a number, UUID or long id) is refused with
 * one diagnostic; the request is then recorded without `http.route`. Never throws.
 */
export function setHttpRoute(req: unknown, template: string): void {
  try {
    const why = invalidHttpRoute(template);
    if (why !== undefined) {
      // one diagnostic per kind of mistake, not per request or per distinct bad value
      report('AGENTMETER_HTTP_ROUTE_INVALID', why.includes('raw path') ? 'raw-path' : why.slice(0, 24), `setHttpRoute: ${why} (this is reported once; later refusals are silent)`);
      return;
    }
    const target = nodeRequest(req);
    if (target === undefined) {
      report('AGENTMETER_HTTP_ROUTE_INVALID', 'request', `setHttpRoute: expected a request object (Node, Express, Fastify, Koa or Hono), got ${req === null ? 'null' : typeof req}`);
      return;
    }
    storeHttpRoute(target, template);
  } catch (e) {
    report('AGENTMETER_HTTP_ROUTE_INVALID', 'failed', `setHttpRoute failed: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** The route template recorded for `req` (by a framework instrumentation or setHttpRoute), if any. */
export function getHttpRoute(req: unknown): string | undefined {
  const target = nodeRequest(req);
  const v = target === undefined ? undefined : (target as Record<symbol, unknown>)[HTTP_ROUTE];
  return typeof v === 'string' ? v : undefined;
}
