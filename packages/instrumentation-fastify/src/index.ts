/**
 * @agentmeter/instrumentation-fastify: `http.route` on `http.server.request.duration`
 * for Fastify 5, from Fastify's own diagnostics channel.
 */
export { FastifyInstrumentation } from './instrumentation';
export type { FastifyInstrumentationConfig } from './types';
