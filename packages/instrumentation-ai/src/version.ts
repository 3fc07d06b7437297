/** npm package this instrumentation observes. */
export const MODULE_NAME = 'ai';
/**
 * `ai` versions measured zero-code through the `ai:telemetry` tracing channel (7.0.0 and 7.0.173 are
 * tested). AI SDK 5 and 6 publish no channel: they are measured from their OpenTelemetry
 * spans by `GenAiSpanMetricsProcessor` (6.0.326 and 5.0.277 are tested), see SPAN_SUPPORTED_VERSIONS.
 */
export const SUPPORTED_VERSIONS = '>=7.0.0 <8';
/** `ai` versions measured through their OpenTelemetry spans (`GenAiSpanMetricsProcessor`). */
export const SPAN_SUPPORTED_VERSIONS = '>=5.0.0 <7';
/** The AI SDK's node:diagnostics_channel tracing channel. */
export const TRACING_CHANNEL = 'ai:telemetry';
/** Instrumentation (scope) name. */
export const PACKAGE_NAME = '@agentmeter/instrumentation-ai';
/** Instrumentation version. */
export const PACKAGE_VERSION = '0.1.0';
