import { SUPPORTED_RANGES } from './version';

/** npm package this instrumentation observes. */
export const MODULE_NAME = 'ai';
/**
 * `ai` versions measured zero-code through the `ai:telemetry` tracing channel (package.json
 * "agentmeter.instruments"). AI SDK 5 and 6 publish no channel: they are measured from their
 * OpenTelemetry spans by `GenAiSpanMetricsProcessor`, see SPAN_SUPPORTED_VERSIONS.
 */
export const SUPPORTED_VERSIONS: string = SUPPORTED_RANGES[MODULE_NAME]!;
/** `ai` versions measured through their OpenTelemetry spans (`GenAiSpanMetricsProcessor`; 6.0.326 and 5.0.277 are tested). */
export const SPAN_SUPPORTED_VERSIONS = '>=5.0.0 <7';
/** The AI SDK's node:diagnostics_channel tracing channel. */
export const TRACING_CHANNEL = 'ai:telemetry';
