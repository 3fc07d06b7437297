/**
 * @agentmeter/instrumentation-runtime: process and Node.js runtime metrics (CPU, memory,
 * uptime, event-loop delay, GC, V8 heap) under OpenTelemetry semantic-convention names.
 * `startRuntimeMetrics()` is the one-call form documented in docs/runtime.md; the
 * InstrumentationBase-free core is `@agentmeter/instrumentation-runtime/metrics`.
 */
export { RuntimeInstrumentation, startRuntimeMetrics } from './instrumentation';
export type { RuntimeInstrumentationConfig, RuntimeMetricsConfig } from './types';
