export { start, getHandle } from './start';
export type { AgentmeterHandle } from './start';
export { resolveConfig, parseResourceAttributes, ConfigError, INSTRUMENTATION_NAMES, DEFAULT_INSTRUMENTATIONS } from './config';
export type { StartOptions, ResolvedConfig, OtlpOptions, InstrumentationName } from './config';
export { createMetricsHandler, makeAuthorizer, isLoopback, METRICS_SERVER_MAX_HEADER_SIZE } from './server';
export type { MetricsEndpointOptions } from './server';
// moved to @agentmeter/instrumentation-http; still exported here for compatibility
export { HttpDiagnosticsMetrics } from '@agentmeter/instrumentation-http/metrics';
export { setHttpRoute, getHttpRoute, setDiagnosticWarnings, DIAGNOSTIC_CHANNEL } from '@agentmeter/api';
export type { Diagnostic } from '@agentmeter/api';
