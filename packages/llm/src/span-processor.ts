import { trace, type Context, type MeterProvider } from '@opentelemetry/api';
import { report } from '@agentmeter/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ERROR_TYPE_VALUES,
  GEN_AI_OPERATION_NAME_VALUES,
} from '@agentmeter/semconv';
import { isInferenceSpanLike, isRecordedGenAiCall, spanEnclosedRecordedCall } from './coverage';
import { classifyError } from './errors';
import { isFrameworkRecordedCall } from './framework-coverage';
import { normalizeProviderName } from './providers';
import { LlmRecorder, getDefaultLlmRecorder } from './record';
import {
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS_ANTHROPIC,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_CACHE_READ,
  ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_CACHE_WRITE,
  ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION_REASONING,
  ATTR_OPENINFERENCE_LLM_MODEL_NAME,
  ATTR_OPENINFERENCE_LLM_PROVIDER,
  ATTR_OPENINFERENCE_LLM_SYSTEM,
  ATTR_OPENINFERENCE_SPAN_KIND,
  ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION,
  ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT,
} from './semconv';

/** `[seconds, nanoseconds]`, as OpenTelemetry's HrTime. */
export type HrTimeLike = readonly [number, number];

/**
 * The part of an ended span (sdk-trace `ReadableSpan`) the processor reads; typed
 * structurally so @agentmeter/llm needs no tracing SDK at runtime.
 */
export interface ReadableSpanLike {
  readonly name?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly startTime: HrTimeLike;
  readonly endTime: HrTimeLike;
  readonly duration?: HrTimeLike;
  readonly status?: { readonly code: number };
}

/** The SpanProcessor interface of `@opentelemetry/sdk-trace-base` 1.x/2.x and `@opentelemetry/sdk-trace` 3.x, structurally. */
export interface SpanProcessorLike {
  onStart(span: object, parentContext: Context): void;
  onEnd(span: ReadableSpanLike): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Options of {@link GenAiSpanMetricsProcessor}. */
export interface GenAiSpanMetricsProcessorOptions {
  /** Record into this meter provider (default: the global one). */
  readonly meterProvider?: MeterProvider;
  /** Record with this recorder (takes precedence over meterProvider). */
  readonly recorder?: LlmRecorder;
  /** Extra filter: return false to ignore a span. */
  readonly filter?: (span: ReadableSpanLike) => boolean;
}

const INFERENCE = new Set<string>([
  GEN_AI_OPERATION_NAME_VALUES.CHAT,
  GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION,
  GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS,
  GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT,
  GEN_AI_OPERATION_NAME_VALUES.TEXT_TO_SPEECH,
  GEN_AI_OPERATION_NAME_VALUES.SPEECH_TO_TEXT,
]);
const SPAN_STATUS_ERROR = 2;
/** Vercel AI SDK 5/6 embedding spans (they carry `ai.*` attributes only). */
const AI_SDK_EMBED_OPERATIONS = new Set(['ai.embed.doEmbed', 'ai.embedMany.doEmbed']);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function hrSeconds(t: HrTimeLike | undefined): number | undefined {
  if (!Array.isArray(t) || t.length !== 2) return undefined;
  return t[0] + t[1] / 1e9;
}

/**
 * An inference span started inside another inference span (the Vercel AI SDK's
 * `embeddings` operation span around its model call span) is the same call: the enclosing
 * one is skipped.
 */
function skipEnclosingInferenceSpan(skipped: WeakSet<object>, span: object, parentContext: Context): void {
  try {
    const parent = parentContext ? trace.getSpan(parentContext) : undefined;
    if (parent && isInferenceSpanLike(parent) && isInferenceSpanLike(span)) skipped.add(parent);
  } catch {
    // never break span processing
  }
}

/**
 * A SpanProcessor that derives agentmeter's GenAI metrics (inference / embeddings /
 * operation duration, token usage incl. cache and reasoning tokens, time to first chunk,
 * error.type, and one usage event for cost) from spans that
 * carry GenAI attributes: the Anthropic SDK 1.x built-in tracing, the Vercel AI SDK's
 * `doGenerate`/`doStream` spans, OpenLLMetry and OpenInference instrumentations.
 *
 * A call that agentmeter's own instrumentation records is skipped (see
 * `runRecordedGenAiCall`): a span started while the instrumented client method runs, or in
 * the OpenTelemetry context it sets, or an inference span that encloses it, is not
 * counted again. Register it on a tracer provider:
 * `new TracerProvider({ spanProcessors: [new GenAiSpanMetricsProcessor()] })`.
 */
export class GenAiSpanMetricsProcessor implements SpanProcessorLike {
  private readonly recorder: LlmRecorder;
  private readonly skipped = new WeakSet<object>();
  private readonly filter: ((span: ReadableSpanLike) => boolean) | undefined;
  private stopped = false;

  constructor(options: GenAiSpanMetricsProcessorOptions = {}) {
    this.recorder = options.recorder ?? (options.meterProvider ? new LlmRecorder({ meterProvider: options.meterProvider }) : getDefaultLlmRecorder());
    this.filter = options.filter;
  }

  onStart(span: object, parentContext: Context): void {
    if (isRecordedGenAiCall(parentContext) || isFrameworkRecordedCall()) this.skipped.add(span);
    else skipEnclosingInferenceSpan(this.skipped, span, parentContext);
  }

  onEnd(span: ReadableSpanLike): void {
    if (this.stopped || this.skipped.has(span) || spanEnclosedRecordedCall(span)) return;
    try {
      this.derive(span);
    } catch (e) {
      report('AGENTMETER_SPAN_PROCESSOR_FAILED', 'genai.span', `deriving metrics from a span failed: ${String(e)}`);
    }
  }

  private derive(span: ReadableSpanLike): void {
    const a = span.attributes;
    if (!a || typeof a !== 'object') return;
    const op = str(a[ATTR_GEN_AI_OPERATION_NAME]);
    const oiKind = str(a[ATTR_OPENINFERENCE_SPAN_KIND]);
    const requestModel = str(a[ATTR_GEN_AI_REQUEST_MODEL]) ?? str(a[ATTR_OPENINFERENCE_LLM_MODEL_NAME]);
    const provider = str(a[ATTR_GEN_AI_PROVIDER_NAME]) ?? str(a[ATTR_GEN_AI_SYSTEM]) ?? str(a[ATTR_OPENINFERENCE_LLM_PROVIDER]) ?? str(a[ATTR_OPENINFERENCE_LLM_SYSTEM]);
    let operation: string;
    const aiSdkEmbed = op === undefined && AI_SDK_EMBED_OPERATIONS.has(str(a['ai.operationId']) ?? '');
    if (aiSdkEmbed) operation = GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS;
    else if (op !== undefined) {
      if (!INFERENCE.has(op)) return; // agents, tools: not inference calls
      operation = op;
    } else if (oiKind !== undefined) {
      if (oiKind !== 'LLM' && oiKind !== 'EMBEDDING') return;
      operation = oiKind === 'EMBEDDING' ? GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS : GEN_AI_OPERATION_NAME_VALUES.CHAT;
    } else {
      if (requestModel === undefined || provider === undefined) return; // not a GenAI inference span
      operation = GEN_AI_OPERATION_NAME_VALUES.CHAT;
    }
    if (this.filter && !this.filter(span)) return;

    const start = hrSeconds(span.startTime);
    const end = hrSeconds(span.endTime);
    const duration = hrSeconds(span.duration) ?? (start !== undefined && end !== undefined ? end - start : undefined);
    const errorAttr = str(a[ATTR_ERROR_TYPE]);
    const error = errorAttr !== undefined ? classifyError(errorAttr) : span.status?.code === SPAN_STATUS_ERROR ? ERROR_TYPE_VALUES.OTHER : undefined;
    const msToFirstChunk = num(a['ai.response.msToFirstChunk']) ?? num(a['ai.stream.msToFirstChunk']);
    const ttft = num(a[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]) ?? num(a['gen_ai.client.operation.time_to_first_chunk']) ?? (msToFirstChunk !== undefined ? msToFirstChunk / 1000 : undefined);

    this.recorder.record({
      operation,
      provider: normalizeProviderName(aiSdkEmbed ? str(a['ai.model.provider']) : provider),
      requestModel: aiSdkEmbed ? str(a['ai.model.id']) : requestModel,
      responseModel: str(a[ATTR_GEN_AI_RESPONSE_MODEL]),
      durationSeconds: duration,
      inputTokens: num(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]) ?? num(a[ATTR_GEN_AI_USAGE_PROMPT_TOKENS]) ?? num(a[ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT]) ?? (aiSdkEmbed ? num(a['ai.usage.tokens']) : undefined),
      outputTokens: num(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]) ?? num(a[ATTR_GEN_AI_USAGE_COMPLETION_TOKENS]) ?? num(a[ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION]),
      cacheReadTokens: num(a[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]) ?? num(a[ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_CACHE_READ]) ?? num(a['ai.usage.inputTokenDetails.cacheReadTokens']) ?? num(a['ai.usage.cachedInputTokens']),
      cacheWriteTokens: num(a[ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS]) ?? num(a[ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS_ANTHROPIC]) ?? num(a[ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_CACHE_WRITE]) ?? num(a['ai.usage.inputTokenDetails.cacheWriteTokens']),
      reasoningTokens: num(a[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]) ?? num(a[ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION_REASONING]) ?? num(a['ai.usage.outputTokenDetails.reasoningTokens']) ?? num(a['ai.usage.reasoningTokens']),
      timeToFirstChunkSeconds: ttft,
      error,
    });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}
