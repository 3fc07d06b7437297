/** Fastify's diagnostics channel, published once per `fastify()` instance as it is created. */
export const INITIALIZATION_CHANNEL = 'fastify.initialization';
/** Marks a Fastify instance this instrumentation added its onRoute hook to. */
export const kHooked: unique symbol = Symbol.for('agentmeter.fastify.hooked') as never;

export type Done = (err?: Error) => void;
export type Hook = (request: { raw: Record<symbol, unknown> }, reply: unknown, done: Done) => void;

/** The part of the routeOptions an onRoute hook receives that this instrumentation uses. */
export interface RouteOptions {
  url?: unknown;
  onRequest?: Hook | Hook[] | undefined;
}

export interface FastifyInstance {
  version?: string;
  addHook(name: 'onRoute', hook: (routeOptions: RouteOptions) => void): unknown;
  [kHooked]?: boolean;
}
