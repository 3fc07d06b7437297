/**
 * @agentmeter/instrumentation-koa: `http.route` on `http.server.request.duration` for
 * Koa with @koa/router.
 */
export { KoaInstrumentation } from './instrumentation';
export type { KoaInstrumentationConfig } from './types';
