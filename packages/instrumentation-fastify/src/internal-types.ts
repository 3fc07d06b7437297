/** Fastify's diagnostics channel, published once per `fastify()` instance as it is created. */
export const INITIALIZATION_CHANNEL = 'fastify.initialization';
/** Marks a Fastify instance this instrumentation added its onRequest hook to. */
export const kHooked: unique symbol = Symbol.for('agentmeter.fastify.hooked') as never;

export type Done = (err?: Error) => void;

/** The part of a Fastify request this instrumentation reads. */
export interface FastifyRequest {
  raw: object;
  routeOptions?: { url?: unknown };
  [key: symbol]: unknown;
}

export interface FastifyInstance {
  version?: string;
  addHook(name: 'onRequest', hook: (request: FastifyRequest, reply: unknown, done: Done) => void): unknown;
  [kHooked]?: boolean;
}
