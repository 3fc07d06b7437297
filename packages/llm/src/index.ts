/**
 * @agentmeter/llm: record GenAI client calls (explicitly, wrapped, streamed, decorated, or
 * derived from GenAI spans) into the catalogue's `gen_ai.client.*` metrics.
 */
export { LlmRecorder, recordLlmCall, getDefaultLlmRecorder, LLM_SCOPE_NAME, LLM_SCOPE_VERSION, setGenAiMetrics, getGenAiMetrics, isGenAiMetricsMode } from './record';
export type { LlmCall, LlmCallAttributes, LlmUsage, LlmRecorderOptions } from './record';
export type { GenAiMetricsMode } from '@agentmeter/semconv';
export { trackLlmCall, wrapLlmStream, LlmStreamObserver, nowSeconds, MAX_CHUNK_INTERVALS } from './track';
export type { TrackOptions } from './track';
export { openaiAdapter, anthropicAdapter, defaultLlmAdapter } from './adapters';
export type { LlmAdapter, LlmUsageAccumulator } from './adapters';
export { classifyError } from './errors';
export { trackLlm, withLlmMetrics } from './decorator';
export type { TrackLlmOptions } from './decorator';
export { GenAiSpanMetricsProcessor } from './span-processor';
export type { GenAiSpanMetricsProcessorOptions, ReadableSpanLike, SpanProcessorLike, HrTimeLike } from './span-processor';
export { runRecordedGenAiCall, isRecordedGenAiCall, spanEnclosedRecordedCall, isInferenceSpanLike, GEN_AI_RECORDED_CONTEXT_KEY } from './coverage';
export { ATTR_GEN_AI_USAGE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS_ANTHROPIC, ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_CACHE_READ, ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_CACHE_WRITE, ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION_REASONING, ATTR_GEN_AI_USAGE_PROMPT_TOKENS, ATTR_GEN_AI_USAGE_COMPLETION_TOKENS, ATTR_GEN_AI_SYSTEM, ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, ATTR_OPENINFERENCE_LLM_MODEL_NAME, ATTR_OPENINFERENCE_LLM_PROVIDER, ATTR_OPENINFERENCE_LLM_SYSTEM, ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT, ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION, ATTR_OPENINFERENCE_SPAN_KIND } from './semconv';
export { normalizeProviderName, AI_SDK_PROVIDER_NAMES } from './providers';
export { registerFrameworkCoverageProbe, isFrameworkRecordedCall, onRecordedGenAiCallStart, notifyRecordedGenAiCallStart } from './framework-coverage';
export { GenAiMetricsTracerProvider, registerGenAiSpanMetrics } from './span-tracer';
