/**
 * @agentmeter/instrumentation-http: HTTP server and client metrics (node:http and
 * fetch/undici) from Node's `diagnostics_channel`, without patching. The same without
 * @opentelemetry/instrumentation: `HttpDiagnosticsMetrics` from
 * `@agentmeter/instrumentation-http/metrics`.
 */
export { HttpInstrumentation } from './instrumentation';
export type { HttpInstrumentationConfig } from './types';
