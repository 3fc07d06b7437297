/** Marks a router object whose add() is wrapped, and the Hono class this instrumentation made. */
export const kWrapped: unique symbol = Symbol.for('agentmeter.hono.wrapped') as never;

/** A route entry Hono passes to its router with the handler: the template is `path`, already prefixed by basePath and app.route() mounts. */
export interface RouteEntry {
  path?: unknown;
  method?: unknown;
}

export type HonoHandler = (c: HonoContext, next: unknown) => unknown;

export interface HonoContext {
  /** @hono/node-server passes Node's request and response as the env bindings. */
  env?: { incoming?: Record<symbol, unknown> } | undefined;
}

export interface HonoRouter {
  add(method: string, path: string, handler: unknown): void;
  [kWrapped]?: boolean;
}

export type HonoClass = new (...args: unknown[]) => { router?: HonoRouter };

export interface HonoModule {
  Hono?: HonoClass & { [kWrapped]?: HonoClass };
}
