/**
 * @agentmeter/semconv: every metric and attribute name agentmeter emits, as typed
 * constants. One source of truth: docs/metrics.md is checked against `CATALOGUE` by a
 * test. Names marked `stability: 'otel'` are copied from the OpenTelemetry semantic
 * conventions (GenAI, HTTP, DB, runtime); `'agentmeter'` marks agentmeter conventions
 * for which no OpenTelemetry convention exists yet. Each catalogue row's Prometheus name is
 * derived by `prometheusNameOf`, i.e. with `prometheusName`, the function @agentmeter/core's
 * serializer names its families with.
 */

// ---------------------------------------------------------------- attributes
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
/** semantic-conventions-genai v0.1.0: the modality of counted tokens (text, image, audio, ...). */
export const ATTR_GEN_AI_TOKEN_MODALITY = 'gen_ai.token.modality';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_CACHE_NAME = 'cache.name';
export const ATTR_CACHE_OPERATION = 'cache.operation';
export const ATTR_CACHE_RESULT = 'cache.result';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_WEBSOCKET_MESSAGE_DIRECTION = 'websocket.message.direction';
export const ATTR_WEBSOCKET_MESSAGE_TYPE = 'websocket.message.type';
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_HTTP_ROUTE = 'http.route';
export const ATTR_URL_SCHEME = 'url.scheme';
export const ATTR_NETWORK_PROTOCOL_VERSION = 'network.protocol.version';
export const ATTR_DB_SYSTEM_NAME = 'db.system.name';
export const ATTR_DB_OPERATION_NAME = 'db.operation.name';
export const ATTR_DB_COLLECTION_NAME = 'db.collection.name';
export const ATTR_DB_CLIENT_CONNECTION_STATE = 'db.client.connection.state';
export const ATTR_DB_CLIENT_CONNECTION_POOL_NAME = 'db.client.connection.pool.name';
export const ATTR_CPU_MODE = 'cpu.mode';
export const ATTR_PROCESS_MEMORY_TYPE = 'process.memory.type';
export const ATTR_V8JS_GC_TYPE = 'v8js.gc.type';
export const ATTR_V8JS_HEAP_SPACE_NAME = 'v8js.heap.space.name';
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_VERSION = 'service.version';
/** The attribute of the one series that collects what exceeds a metric's cardinality limit. */
export const ATTR_OTEL_METRIC_OVERFLOW = 'otel.metric.overflow';

// ---------------------------------------------------------------- span attributes read by the span-to-metrics processor
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
/** OTel GenAI: output tokens spent on reasoning (span attribute, semantic-conventions-genai). */
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
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
export const ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_CACHE_READ = 'llm.token_count.prompt_details.cache_read';
export const ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_CACHE_WRITE = 'llm.token_count.prompt_details.cache_write';
export const ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION_REASONING = 'llm.token_count.completion_details.reasoning';

// ---------------------------------------------------------------- well-known values
export const GEN_AI_OPERATION_NAME_VALUES = {
  CHAT: 'chat',
  TEXT_COMPLETION: 'text_completion',
  EMBEDDINGS: 'embeddings',
  GENERATE_CONTENT: 'generate_content',
  EXECUTE_TOOL: 'execute_tool',
  INVOKE_AGENT: 'invoke_agent',
  CREATE_AGENT: 'create_agent',
  TEXT_TO_SPEECH: 'text_to_speech',
  SPEECH_TO_TEXT: 'speech_to_text',
} as const;
export type GenAiOperationName = (typeof GEN_AI_OPERATION_NAME_VALUES)[keyof typeof GEN_AI_OPERATION_NAME_VALUES];

export const GEN_AI_PROVIDER_NAME_VALUES = {
  OPENAI: 'openai',
  ANTHROPIC: 'anthropic',
  AWS_BEDROCK: 'aws.bedrock',
  AZURE_AI_OPENAI: 'azure.ai.openai',
  AZURE_AI_INFERENCE: 'azure.ai.inference',
  GCP_GEMINI: 'gcp.gemini',
  GCP_VERTEX_AI: 'gcp.vertex_ai',
  GCP_GEN_AI: 'gcp.gen_ai',
  MISTRAL_AI: 'mistral_ai',
  COHERE: 'cohere',
  GROQ: 'groq',
  DEEPSEEK: 'deepseek',
  PERPLEXITY: 'perplexity',
  X_AI: 'x_ai',
  IBM_WATSONX_AI: 'ibm.watsonx.ai',
} as const;

export const GEN_AI_TOKEN_TYPE_VALUES = {
  INPUT: 'input',
  OUTPUT: 'output',
} as const;
export type GenAiTokenType = (typeof GEN_AI_TOKEN_TYPE_VALUES)[keyof typeof GEN_AI_TOKEN_TYPE_VALUES];

/** Well-known values of `gen_ai.token.modality` (semantic-conventions-genai v0.1.0). */
export const GEN_AI_TOKEN_MODALITY_VALUES = {
  TEXT: 'text',
  IMAGE: 'image',
  AUDIO: 'audio',
  UNKNOWN: 'unknown',
} as const;
export type GenAiTokenModality = (typeof GEN_AI_TOKEN_MODALITY_VALUES)[keyof typeof GEN_AI_TOKEN_MODALITY_VALUES];

/**
 * Operations the GenAI conventions count as inference (`gen_ai.client.inference.*`).
 * Embeddings have their own `gen_ai.client.embeddings.*` metrics; every other operation
 * (text_to_speech, speech_to_text, ...) records `gen_ai.client.operation.duration`.
 */
export const GEN_AI_INFERENCE_OPERATIONS: readonly string[] = Object.freeze(['chat', 'text_completion', 'generate_content']);

/**
 * Which GenAI metric names are emitted (AGENTMETER_GENAI_METRICS): `current` the
 * semantic-conventions-genai v0.1.0 names (default), `legacy` the v1.41 names
 * (gen_ai.client.operation.duration for every operation, gen_ai.client.token.usage),
 * `both` both sets, for a migration window.
 */
export const GEN_AI_METRICS_VALUES = { CURRENT: 'current', LEGACY: 'legacy', BOTH: 'both' } as const;
export type GenAiMetricsMode = (typeof GEN_AI_METRICS_VALUES)[keyof typeof GEN_AI_METRICS_VALUES];

/** Low-cardinality error classes used as `error.type` (plus `_OTHER`). */
export const ERROR_TYPE_VALUES = {
  RATE_LIMIT: 'rate_limit',
  TIMEOUT: 'timeout',
  AUTHENTICATION: 'authentication',
  INVALID_REQUEST: 'invalid_request',
  SERVER_ERROR: 'server_error',
  NETWORK: 'network',
  CANCELLED: 'cancelled',
  OTHER: '_OTHER',
} as const;
export type ErrorTypeValue = (typeof ERROR_TYPE_VALUES)[keyof typeof ERROR_TYPE_VALUES];

/** Well-known values of `gen_ai.tool.type` (OpenTelemetry GenAI semantic conventions). */
export const GEN_AI_TOOL_TYPE_VALUES = {
  /** A tool executed on the client (the app) side, e.g. a function call. */
  FUNCTION: 'function',
  /** A tool executed on the agent side to call external APIs. */
  EXTENSION: 'extension',
  /** A tool the agent uses to query a data store (retrieval). */
  DATASTORE: 'datastore',
} as const;
export type GenAiToolType = (typeof GEN_AI_TOOL_TYPE_VALUES)[keyof typeof GEN_AI_TOOL_TYPE_VALUES];

export const CACHE_OPERATION_VALUES = { GET: 'get', SET: 'set', DELETE: 'delete' } as const;
export const CACHE_RESULT_VALUES = { HIT: 'hit', MISS: 'miss' } as const;
export const WEBSOCKET_MESSAGE_DIRECTION_VALUES = { RECEIVED: 'received', SENT: 'sent' } as const;
export const WEBSOCKET_MESSAGE_TYPE_VALUES = { TEXT: 'text', BINARY: 'binary' } as const;
export const CIRCUIT_BREAKER_STATE_VALUES = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2 } as const;
export const PROVIDER_HEALTH_VALUES = { UNHEALTHY: 0, HEALTHY: 1 } as const;

// ---------------------------------------------------------------- bucket boundaries
/** GenAI convention: gen_ai.client.inference.duration (and operation.duration), 0.01 .. 81.92 s doubling. */
export const BUCKETS_GEN_AI_DURATION: readonly number[] = Object.freeze([
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
]);
/** GenAI convention: gen_ai.client.inference.operation.*_tokens (and the legacy gen_ai.client.token.usage), 1, 4, 16 .. 67108864 (powers of 4). */
export const BUCKETS_GEN_AI_TOKENS: readonly number[] = Object.freeze([
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]);
/** GenAI convention: time per output chunk / token. */
export const BUCKETS_GEN_AI_TIME_PER_CHUNK: readonly number[] = Object.freeze([
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
]);
/** agentmeter convention: gen_ai.invoke_agent.duration, 0.1 .. 409.6 s doubling. */
export const BUCKETS_AGENT_DURATION: readonly number[] = Object.freeze([
  0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6,
]);
/** agentmeter convention: inference and tool calls per agent run. */
export const BUCKETS_AGENT_CALLS: readonly number[] = Object.freeze([1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100]);
/** agentmeter convention: USD per call. */
export const BUCKETS_COST_USD: readonly number[] = Object.freeze([
  0.00001, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10,
]);
/** HTTP convention: http.server/client.request.duration. */
export const BUCKETS_HTTP_DURATION: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);
/** DB convention: db.client.operation.duration. */
export const BUCKETS_DB_DURATION: readonly number[] = Object.freeze([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]);
/** agentmeter convention: websocket.server.connection.duration. */
export const BUCKETS_WEBSOCKET_CONNECTION_DURATION: readonly number[] = Object.freeze([
  0.1, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200,
]);
/** V8 GC pause durations. */
export const BUCKETS_GC_DURATION: readonly number[] = Object.freeze([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1]);

// ---------------------------------------------------------------- metric names
// semantic-conventions-genai v0.1.0 (AGENTMETER_GENAI_METRICS=current, the default)
export const METRIC_GEN_AI_CLIENT_INFERENCE_DURATION = 'gen_ai.client.inference.duration';
export const METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK = 'gen_ai.client.inference.time_to_first_chunk';
export const METRIC_GEN_AI_CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK = 'gen_ai.client.inference.time_per_output_chunk';
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS = 'gen_ai.client.inference.usage.input_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS = 'gen_ai.client.inference.usage.output_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.client.inference.usage.cache_read.input_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS = 'gen_ai.client.inference.usage.cache_write.input_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.client.inference.usage.reasoning.output_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS = 'gen_ai.client.inference.operation.input_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS = 'gen_ai.client.inference.operation.output_tokens';
export const METRIC_GEN_AI_CLIENT_EMBEDDINGS_DURATION = 'gen_ai.client.embeddings.duration';
export const METRIC_GEN_AI_CLIENT_EMBEDDINGS_OPERATION_INPUT_TOKENS = 'gen_ai.client.embeddings.operation.input_tokens';
/** Operations other than inference and embeddings (text_to_speech, speech_to_text, ...); every operation under `legacy`. */
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
// v1.41 names (AGENTMETER_GENAI_METRICS=legacy or both)
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK = 'gen_ai.client.operation.time_per_output_chunk';
export const METRIC_GEN_AI_EXECUTE_TOOL_DURATION = 'gen_ai.execute_tool.duration';
export const METRIC_GEN_AI_INVOKE_AGENT_DURATION = 'gen_ai.invoke_agent.duration';
export const METRIC_GEN_AI_INVOKE_AGENT_INFERENCE_CALLS = 'gen_ai.invoke_agent.inference_calls';
export const METRIC_GEN_AI_INVOKE_AGENT_TOOL_CALLS = 'gen_ai.invoke_agent.tool_calls';
export const METRIC_GEN_AI_CLIENT_COST = 'gen_ai.client.cost';
export const METRIC_GEN_AI_CLIENT_COST_UNPRICED_CALLS = 'gen_ai.client.cost.unpriced_calls';
export const METRIC_GEN_AI_CLIENT_SPEECH_TO_TEXT_AUDIO_DURATION = 'gen_ai.client.speech_to_text.audio.duration';
export const METRIC_GEN_AI_CLIENT_TEXT_TO_SPEECH_CHARACTERS = 'gen_ai.client.text_to_speech.characters';
export const METRIC_GEN_AI_PROVIDER_HEALTH = 'gen_ai.provider.health';
export const METRIC_GEN_AI_PROVIDER_CIRCUIT_BREAKER_STATE = 'gen_ai.provider.circuit_breaker.state';
export const METRIC_CACHE_OPERATIONS = 'cache.operations';
export const METRIC_CACHE_HIT_RATIO = 'cache.hit_ratio';
export const METRIC_CACHE_SIZE = 'cache.size';
export const METRIC_WEBSOCKET_SERVER_ACTIVE_CONNECTIONS = 'websocket.server.active_connections';
export const METRIC_WEBSOCKET_SERVER_CONNECTION_DURATION = 'websocket.server.connection.duration';
export const METRIC_WEBSOCKET_SERVER_MESSAGES = 'websocket.server.messages';
export const METRIC_WEBSOCKET_CLIENT_ACTIVE_CONNECTIONS = 'websocket.client.active_connections';
export const METRIC_WEBSOCKET_CLIENT_MESSAGES = 'websocket.client.messages';
export const METRIC_HTTP_SERVER_REQUEST_DURATION = 'http.server.request.duration';
export const METRIC_HTTP_SERVER_ACTIVE_REQUESTS = 'http.server.active_requests';
export const METRIC_HTTP_CLIENT_REQUEST_DURATION = 'http.client.request.duration';
export const METRIC_DB_CLIENT_OPERATION_DURATION = 'db.client.operation.duration';
export const METRIC_DB_CLIENT_CONNECTION_COUNT = 'db.client.connection.count';
export const METRIC_DB_CLIENT_CONNECTION_MAX = 'db.client.connection.max';
export const METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS = 'db.client.connection.pending_requests';
export const METRIC_PROCESS_CPU_TIME = 'process.cpu.time';
export const METRIC_PROCESS_CPU_UTILIZATION = 'process.cpu.utilization';
export const METRIC_PROCESS_MEMORY_USAGE = 'process.memory.usage';
export const METRIC_PROCESS_UPTIME = 'process.uptime';
export const METRIC_NODEJS_EVENTLOOP_DELAY_MIN = 'nodejs.eventloop.delay.min';
export const METRIC_NODEJS_EVENTLOOP_DELAY_MAX = 'nodejs.eventloop.delay.max';
export const METRIC_NODEJS_EVENTLOOP_DELAY_MEAN = 'nodejs.eventloop.delay.mean';
export const METRIC_NODEJS_EVENTLOOP_DELAY_P50 = 'nodejs.eventloop.delay.p50';
export const METRIC_NODEJS_EVENTLOOP_DELAY_P90 = 'nodejs.eventloop.delay.p90';
export const METRIC_NODEJS_EVENTLOOP_DELAY_P99 = 'nodejs.eventloop.delay.p99';
export const METRIC_V8JS_GC_DURATION = 'v8js.gc.duration';
export const METRIC_V8JS_MEMORY_HEAP_USED = 'v8js.memory.heap.used';
export const METRIC_V8JS_MEMORY_HEAP_LIMIT = 'v8js.memory.heap.limit';

// ---------------------------------------------------------------- the catalogue
import { def, type MetricDefinition } from './definition';
import { MCP_METRIC_DEFINITIONS } from './mcp';
export * from './mcp';
export { prometheusName, unitSuffix, sanitizeMetricName, sanitizeLabelName, type PromKind } from './prometheus';
export { prometheusKind, prometheusNameOf, type InstrumentKind, type MetricDefinition, type Stability } from './definition';

const GEN_AI_ATTRS = [
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_ERROR_TYPE,
] as const;
/** Token metrics carry no error.type (the convention puts it on duration metrics only). */
const GEN_AI_TOKEN_ATTRS = [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_RESPONSE_MODEL] as const;
const GEN_AI_USAGE_ATTRS = [...GEN_AI_TOKEN_ATTRS, ATTR_GEN_AI_TOKEN_MODALITY] as const;

const genAi = <D extends MetricDefinition>(set: 'current' | 'legacy' | 'all', d: D): D => Object.freeze({ ...d, genAiMetrics: set });

/** A catalogue keyed by OpenTelemetry name, each key typed with its own entry (literal name and kind). */
export type Catalogue<D extends MetricDefinition> = { readonly [M in D as M['name']]: M };

function catalogue<D extends MetricDefinition>(defs: readonly D[]): Catalogue<D> {
  // Object.fromEntries cannot express the key-to-entry pairing; the mapped type does.
  return Object.freeze(Object.fromEntries(defs.map((d) => [d.name, d]))) as Catalogue<D>;
}

/**
 * Every metric agentmeter emits, keyed by OpenTelemetry name. `CATALOGUE[METRIC_X]` has
 * the literal kind of that metric; look up a name only known at run time with
 * `isCatalogueName(name)` first.
 */
export const CATALOGUE = catalogue([
  genAi('current', def(METRIC_GEN_AI_CLIENT_INFERENCE_DURATION, 'histogram', 's', GEN_AI_ATTRS, 'otel', 'Duration of a GenAI inference call (chat, text_completion, generate_content).', BUCKETS_GEN_AI_DURATION)),
  genAi('current', def(METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK, 'histogram', 's', GEN_AI_ATTRS, 'otel', 'Time to receive the first chunk of a streaming inference response.', BUCKETS_GEN_AI_DURATION)),
  genAi('current', def(METRIC_GEN_AI_CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK, 'histogram', 's', GEN_AI_ATTRS, 'otel', 'Time between consecutive chunks of a streaming inference response, after the first.', BUCKETS_GEN_AI_TIME_PER_CHUNK)),
  genAi('current', def(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS, 'counter', '{token}', GEN_AI_USAGE_ATTRS, 'otel', 'Input tokens used by inference calls, including cached tokens.')),
  genAi('current', def(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS, 'counter', '{token}', GEN_AI_USAGE_ATTRS, 'otel', 'Output tokens produced by inference calls, including reasoning tokens.')),
  genAi('current', def(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS, 'counter', '{token}', GEN_AI_USAGE_ATTRS, 'otel', 'Input tokens served from the provider prompt cache.')),
  genAi('current', def(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS, 'counter', '{token}', GEN_AI_USAGE_ATTRS, 'otel', 'Input tokens written to the provider prompt cache.')),
  genAi('current', def(METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS, 'counter', '{token}', GEN_AI_USAGE_ATTRS, 'otel', 'Output tokens spent on reasoning.')),
  genAi('current', def(METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS, 'histogram', '{token}', GEN_AI_TOKEN_ATTRS, 'otel', 'Input tokens of one inference call, including cached tokens.', BUCKETS_GEN_AI_TOKENS)),
  genAi('current', def(METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS, 'histogram', '{token}', GEN_AI_TOKEN_ATTRS, 'otel', 'Output tokens of one inference call, including reasoning tokens.', BUCKETS_GEN_AI_TOKENS)),
  genAi('current', def(METRIC_GEN_AI_CLIENT_EMBEDDINGS_DURATION, 'histogram', 's', GEN_AI_ATTRS, 'otel', 'Duration of an embeddings call.', BUCKETS_GEN_AI_DURATION)),
  genAi('current', def(METRIC_GEN_AI_CLIENT_EMBEDDINGS_OPERATION_INPUT_TOKENS, 'histogram', '{token}', GEN_AI_TOKEN_ATTRS, 'otel', 'Input tokens of one embeddings call.', BUCKETS_GEN_AI_TOKENS)),
  genAi('all', def(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, 'histogram', 's', GEN_AI_ATTRS, 'otel', 'GenAI operation duration.', BUCKETS_GEN_AI_DURATION)),
  genAi('legacy', def(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, 'histogram', '{token}', [...GEN_AI_ATTRS, ATTR_GEN_AI_TOKEN_TYPE], 'otel', 'Number of input and output tokens used.', BUCKETS_GEN_AI_TOKENS)),
  genAi('legacy', def(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, 'histogram', 's', GEN_AI_ATTRS, 'otel', 'Time to receive the first chunk of a streaming response.', BUCKETS_GEN_AI_DURATION)),
  genAi('legacy', def(METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK, 'histogram', 's', GEN_AI_ATTRS, 'otel', 'Time between consecutive chunks of a streaming response, after the first.', BUCKETS_GEN_AI_TIME_PER_CHUNK)),
  def(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, 'histogram', 's', [ATTR_GEN_AI_TOOL_NAME, ATTR_GEN_AI_TOOL_TYPE, ATTR_GEN_AI_AGENT_NAME, ATTR_ERROR_TYPE], 'otel', 'Duration of a tool execution.', BUCKETS_GEN_AI_DURATION),
  def(METRIC_GEN_AI_INVOKE_AGENT_DURATION, 'histogram', 's', [ATTR_GEN_AI_AGENT_NAME, ATTR_ERROR_TYPE], 'agentmeter', 'Duration of one agent run.', BUCKETS_AGENT_DURATION),
  def(METRIC_GEN_AI_INVOKE_AGENT_INFERENCE_CALLS, 'histogram', '{inference_call}', [ATTR_GEN_AI_AGENT_NAME], 'agentmeter', 'Inference calls (reasoning steps) in one agent run.', BUCKETS_AGENT_CALLS),
  def(METRIC_GEN_AI_INVOKE_AGENT_TOOL_CALLS, 'histogram', '{tool_call}', [ATTR_GEN_AI_AGENT_NAME], 'agentmeter', 'Tool calls in one agent run.', BUCKETS_AGENT_CALLS),
  def(METRIC_GEN_AI_CLIENT_COST, 'histogram', '{USD}', [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL], 'agentmeter', 'Cost of one priced GenAI call in US dollars.', BUCKETS_COST_USD),
  def(METRIC_GEN_AI_CLIENT_COST_UNPRICED_CALLS, 'counter', '{call}', [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL], 'agentmeter', 'GenAI calls whose model has no price: no cost point was recorded for them.'),
  def(METRIC_GEN_AI_CLIENT_SPEECH_TO_TEXT_AUDIO_DURATION, 'counter', 's', [ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL], 'agentmeter', 'Seconds of audio transcribed.'),
  def(METRIC_GEN_AI_CLIENT_TEXT_TO_SPEECH_CHARACTERS, 'counter', '{character}', [ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL], 'agentmeter', 'Characters synthesised to speech.'),
  def(METRIC_GEN_AI_PROVIDER_HEALTH, 'gauge', '{status}', [ATTR_GEN_AI_PROVIDER_NAME], 'agentmeter', 'Provider health: 1 healthy, 0 unhealthy.'),
  def(METRIC_GEN_AI_PROVIDER_CIRCUIT_BREAKER_STATE, 'gauge', '{state}', [ATTR_GEN_AI_PROVIDER_NAME], 'agentmeter', 'Circuit breaker state: 0 closed, 1 open, 2 half-open.'),
  def(METRIC_CACHE_OPERATIONS, 'counter', '{operation}', [ATTR_CACHE_NAME, ATTR_CACHE_OPERATION, ATTR_CACHE_RESULT], 'agentmeter', 'Cache operations by result.'),
  def(METRIC_CACHE_HIT_RATIO, 'gauge', '1', [ATTR_CACHE_NAME], 'agentmeter', 'Hits divided by gets over the process lifetime.'),
  def(METRIC_CACHE_SIZE, 'gauge', 'By', [ATTR_CACHE_NAME], 'agentmeter', 'Cache size in bytes.'),
  def(METRIC_WEBSOCKET_SERVER_ACTIVE_CONNECTIONS, 'updowncounter', '{connection}', [ATTR_SERVER_PORT], 'agentmeter', 'Open server-side WebSocket connections.'),
  def(METRIC_WEBSOCKET_SERVER_CONNECTION_DURATION, 'histogram', 's', [ATTR_SERVER_PORT, ATTR_ERROR_TYPE], 'agentmeter', 'Lifetime of a server-side WebSocket connection.', BUCKETS_WEBSOCKET_CONNECTION_DURATION),
  def(METRIC_WEBSOCKET_SERVER_MESSAGES, 'counter', '{message}', [ATTR_SERVER_PORT, ATTR_WEBSOCKET_MESSAGE_DIRECTION, ATTR_WEBSOCKET_MESSAGE_TYPE], 'agentmeter', 'WebSocket messages on server-side sockets.'),
  def(METRIC_WEBSOCKET_CLIENT_ACTIVE_CONNECTIONS, 'updowncounter', '{connection}', [ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT], 'agentmeter', 'Open client-side WebSocket connections.'),
  def(METRIC_WEBSOCKET_CLIENT_MESSAGES, 'counter', '{message}', [ATTR_WEBSOCKET_MESSAGE_DIRECTION, ATTR_WEBSOCKET_MESSAGE_TYPE], 'agentmeter', 'WebSocket messages on client-side sockets.'),
  def(METRIC_HTTP_SERVER_REQUEST_DURATION, 'histogram', 's', [ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_SCHEME, ATTR_NETWORK_PROTOCOL_VERSION, ATTR_HTTP_ROUTE, ATTR_ERROR_TYPE], 'otel', 'Duration of HTTP server requests.', BUCKETS_HTTP_DURATION),
  def(METRIC_HTTP_SERVER_ACTIVE_REQUESTS, 'updowncounter', '{request}', [ATTR_HTTP_REQUEST_METHOD, ATTR_URL_SCHEME], 'otel', 'Number of active HTTP server requests.'),
  def(METRIC_HTTP_CLIENT_REQUEST_DURATION, 'histogram', 's', [ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_ERROR_TYPE], 'otel', 'Duration of HTTP client requests.', BUCKETS_HTTP_DURATION),
  def(METRIC_DB_CLIENT_OPERATION_DURATION, 'histogram', 's', [ATTR_DB_SYSTEM_NAME, ATTR_DB_OPERATION_NAME, ATTR_DB_COLLECTION_NAME, ATTR_ERROR_TYPE], 'otel', 'Duration of database client operations.', BUCKETS_DB_DURATION),
  def(METRIC_DB_CLIENT_CONNECTION_COUNT, 'updowncounter', '{connection}', [ATTR_DB_CLIENT_CONNECTION_STATE, ATTR_DB_CLIENT_CONNECTION_POOL_NAME], 'otel', 'Connections in each state.'),
  def(METRIC_DB_CLIENT_CONNECTION_MAX, 'updowncounter', '{connection}', [ATTR_DB_CLIENT_CONNECTION_POOL_NAME], 'otel', 'Maximum open connections allowed.'),
  def(METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS, 'updowncounter', '{request}', [ATTR_DB_CLIENT_CONNECTION_POOL_NAME], 'otel', 'Requests waiting for a connection.'),
  def(METRIC_PROCESS_CPU_TIME, 'counter', 's', [ATTR_CPU_MODE], 'otel', 'CPU seconds used by the process.'),
  def(METRIC_PROCESS_CPU_UTILIZATION, 'gauge', '1', [ATTR_CPU_MODE], 'otel', 'CPU used since the last collection, divided by elapsed time and cores.'),
  def(METRIC_PROCESS_MEMORY_USAGE, 'updowncounter', 'By', [], 'otel', 'Resident set size of the process.'),
  def(METRIC_PROCESS_UPTIME, 'gauge', 's', [], 'otel', 'Seconds since the process started.'),
  def(METRIC_NODEJS_EVENTLOOP_DELAY_MIN, 'gauge', 's', [], 'otel', 'Event loop delay, minimum since last collection.'),
  def(METRIC_NODEJS_EVENTLOOP_DELAY_MAX, 'gauge', 's', [], 'otel', 'Event loop delay, maximum since last collection.'),
  def(METRIC_NODEJS_EVENTLOOP_DELAY_MEAN, 'gauge', 's', [], 'otel', 'Event loop delay, mean since last collection.'),
  def(METRIC_NODEJS_EVENTLOOP_DELAY_P50, 'gauge', 's', [], 'otel', 'Event loop delay, median since last collection.'),
  def(METRIC_NODEJS_EVENTLOOP_DELAY_P90, 'gauge', 's', [], 'otel', 'Event loop delay, 90th percentile since last collection.'),
  def(METRIC_NODEJS_EVENTLOOP_DELAY_P99, 'gauge', 's', [], 'otel', 'Event loop delay, 99th percentile since last collection.'),
  def(METRIC_V8JS_GC_DURATION, 'histogram', 's', [ATTR_V8JS_GC_TYPE], 'otel', 'Garbage collection pause durations.', BUCKETS_GC_DURATION),
  def(METRIC_V8JS_MEMORY_HEAP_USED, 'updowncounter', 'By', [ATTR_V8JS_HEAP_SPACE_NAME], 'otel', 'V8 heap used, by heap space.'),
  def(METRIC_V8JS_MEMORY_HEAP_LIMIT, 'updowncounter', 'By', [ATTR_V8JS_HEAP_SPACE_NAME], 'otel', 'V8 heap size, by heap space.'),
  ...MCP_METRIC_DEFINITIONS,
]);

/** A metric name of the catalogue. */
export type CatalogueName = keyof typeof CATALOGUE;
/** The catalogue entry of one metric name. */
export type CatalogueEntry<N extends CatalogueName = CatalogueName> = (typeof CATALOGUE)[N];

/** True when `name` is a catalogue metric name (own key: `constructor` and the like are not). */
export function isCatalogueName(name: string): name is CatalogueName {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, name);
}

/** Bucket boundaries for every catalogue histogram, keyed by OpenTelemetry name. */
export const CATALOGUE_BUCKETS: Readonly<Record<string, readonly number[]>> = Object.freeze(
  Object.fromEntries(
    Object.values(CATALOGUE)
      .filter((d) => d.buckets)
      .map((d) => [d.name, d.buckets as readonly number[]]),
  ),
);
