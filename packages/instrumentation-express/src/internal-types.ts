/** Marks a patched router prototype (value: the owning instrumentation). */
export const kPatched: unique symbol = Symbol.for('agentmeter.express.patched') as never;
/** On a layer: the template of the mount path given to `use()` (normalised, '' for '/'). */
export const kMount: unique symbol = Symbol.for('agentmeter.express.mount') as never;
/** On a request: the route template of the mounts it is inside (e.g. '/api/users/:userId'). */
export const kBase: unique symbol = Symbol.for('agentmeter.express.base') as never;
/** On a route layer's handle: the original handle it wraps. */
export const kOriginal: unique symbol = Symbol.for('agentmeter.express.original') as never;

/** Request handler as Express's Layer calls it. */
export type Handle = (req: ExpressRequest, res: unknown, next: (...a: unknown[]) => unknown) => unknown;

export interface ExpressRequest {
  [kBase]?: string;
  [key: symbol]: unknown;
}

export interface Route {
  path: unknown;
}

export interface Layer {
  handle: Handle;
  route?: Route;
  [kMount]?: string;
}

/** What `express/lib/router/index.js` (4.x) exports and `router`'s Router.prototype (2.x) have in common. */
export interface RouterProto {
  use: (this: { stack: Layer[] }, ...a: unknown[]) => unknown;
  route: (this: { stack: Layer[] }, path: unknown) => Route;
  [kPatched]?: unknown;
}
