/**
 * @agentmeter/instrumentation-hono: `http.route` on `http.server.request.duration` for
 * Hono on @hono/node-server.
 */
export { HonoInstrumentation } from './instrumentation';
export type { HonoInstrumentationConfig } from './types';
