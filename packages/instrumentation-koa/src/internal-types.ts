/** Marks a patched Koa context prototype (value: the owning instrumentation). */
export const kPatched: unique symbol = Symbol.for('agentmeter.koa.patched') as never;
/** On a context: the value of `_matchedRoute` (kept behind the accessor). */
export const kMatched: unique symbol = Symbol.for('agentmeter.koa.matched-route') as never;
/** The property @koa/router (and koa-router) set to the matched layer's path, prefix included. */
export const MATCHED_ROUTE = '_matchedRoute';

export interface KoaContextProto {
  [kPatched]?: unknown;
  [key: string]: unknown;
}

export interface KoaContext {
  req?: Record<symbol, unknown>;
  [kMatched]?: unknown;
}
