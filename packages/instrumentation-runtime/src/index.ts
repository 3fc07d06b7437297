/**
 * @agentmeter/instrumentation-runtime: process and Node.js runtime metrics (CPU, memory,
 * uptime, event-loop delay, GC, V8 heap) under OpenTelemetry semantic-convention names.
 */
export { RuntimeInstrumentation, startRuntimeMetrics } from './instrumentation';
export type { RuntimeInstrumentationConfig, RuntimeMetricsConfig } from './types';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version';
