/**
 * @agentmeter/instrumentation-express: `http.route` on `http.server.request.duration`
 * for Express 4 and 5 (routes, `Router()`, `app.use` mounts, sub-apps).
 */
export { ExpressInstrumentation } from './instrumentation';
export type { ExpressInstrumentationConfig } from './types';
