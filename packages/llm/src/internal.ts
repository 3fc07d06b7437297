/**
 * @agentmeter/llm/internal: what agentmeter's instrumentation packages share (stream
 * observation, framework coverage, span attribute names). Not for applications: its
 * exports may change in any release.
 */
export { LLM_SCOPE_NAME, LLM_SCOPE_VERSION, isGenAiMetricsMode } from './record';
export { LlmStreamObserver, nowSeconds, MAX_CHUNK_INTERVALS } from './track';
export { isRecordedGenAiCall, spanEnclosedRecordedCall, isInferenceSpanLike, GEN_AI_RECORDED_CONTEXT_KEY } from './coverage';
export { AI_SDK_PROVIDER_NAMES } from './providers';
export { registerFrameworkCoverageProbe, isFrameworkRecordedCall, onRecordedGenAiCallStart, notifyRecordedGenAiCallStart } from './framework-coverage';
export { ATTR_GEN_AI_USAGE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS_ANTHROPIC, ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_CACHE_READ, ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_CACHE_WRITE, ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION_REASONING, ATTR_GEN_AI_USAGE_PROMPT_TOKENS, ATTR_GEN_AI_USAGE_COMPLETION_TOKENS, ATTR_GEN_AI_SYSTEM, ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, ATTR_OPENINFERENCE_LLM_MODEL_NAME, ATTR_OPENINFERENCE_LLM_PROVIDER, ATTR_OPENINFERENCE_LLM_SYSTEM, ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT, ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION, ATTR_OPENINFERENCE_SPAN_KIND } from './semconv';
