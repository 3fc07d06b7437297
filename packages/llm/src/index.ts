/**
 * @agentmeter/llm: record GenAI client calls (explicitly, wrapped, streamed, decorated, or
 * derived from GenAI spans) into the catalogue's `gen_ai.client.*` metrics. What
 * instrumentation packages share beyond this (stream observation, framework coverage,
 * span attribute names) is in `@agentmeter/llm/internal`, not for applications.
 */
export { LlmRecorder, recordLlmCall, getDefaultLlmRecorder, setGenAiMetrics, getGenAiMetrics } from './record';
export type { LlmCall, LlmCallAttributes, LlmUsage, LlmRecorderOptions } from './record';
export type { GenAiMetricsMode } from '@agentmeter/semconv';
export { trackLlmCall, wrapLlmStream } from './track';
export type { TrackOptions } from './track';
export { openaiAdapter, anthropicAdapter, defaultLlmAdapter } from './adapters';
export type { LlmAdapter, LlmUsageAccumulator } from './adapters';
export { classifyError } from './errors';
export { trackLlm, withLlmMetrics } from './decorator';
export type { TrackLlmOptions } from './decorator';
export { GenAiSpanMetricsProcessor } from './span-processor';
export type { GenAiSpanMetricsProcessorOptions, ReadableSpanLike, SpanProcessorLike, HrTimeLike } from './span-processor';
export { runRecordedGenAiCall } from './coverage';
export { normalizeProviderName } from './providers';
export { GenAiMetricsTracerProvider, registerGenAiSpanMetrics } from './span-tracer';
export { onGenAiUsage, publishGenAiUsage, GEN_AI_USAGE_CHANNEL } from '@agentmeter/api';
export type { GenAiUsageEvent } from '@agentmeter/api';
