/**
 * Span attribute names and values that @agentmeter/llm reads but that @agentmeter/semconv
 * does not (yet) define. Candidates to move to @agentmeter/semconv.
 */

/** OTel GenAI: input tokens, including cached ones (span attribute). */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
/** OTel GenAI: output tokens (span attribute). */
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** OTel GenAI: input tokens served from the provider cache (span attribute). */
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
/** OTel GenAI: input tokens written to the provider cache (span attribute). */
export const ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
/** Anthropic SDK 1.x spelling of the cache-write attribute. */
export const ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS_ANTHROPIC = 'gen_ai.usage.cache_write.input_tokens';
/** Deprecated OTel GenAI names still emitted by OpenLLMetry and older instrumentations. */
export const ATTR_GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
export const ATTR_GEN_AI_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens';
/** Deprecated provider attribute (before gen_ai.provider.name). */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
/** Time to first chunk of a streamed response, in seconds (span attribute, Anthropic SDK 1.x). */
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';
/** OpenInference (Arize) names. */
export const ATTR_OPENINFERENCE_LLM_MODEL_NAME = 'llm.model_name';
export const ATTR_OPENINFERENCE_LLM_PROVIDER = 'llm.provider';
export const ATTR_OPENINFERENCE_LLM_SYSTEM = 'llm.system';
export const ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT = 'llm.token_count.prompt';
export const ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION = 'llm.token_count.completion';
export const ATTR_OPENINFERENCE_SPAN_KIND = 'openinference.span.kind';
