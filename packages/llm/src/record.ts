import type { Attributes, MeterProvider } from '@opentelemetry/api';
import { CatalogueInstruments, getGenAiMetrics, isGenAiMetricsMode, publishGenAiUsage, report, validMeasure, type GenAiUsageEvent } from '@agentmeter/api';

export { getGenAiMetrics, isGenAiMetricsMode, setGenAiMetrics } from '@agentmeter/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_MODALITY,
  ATTR_GEN_AI_TOKEN_TYPE,
  CATALOGUE,
  GEN_AI_INFERENCE_OPERATIONS,
  GEN_AI_METRICS_VALUES,
  GEN_AI_OPERATION_NAME_VALUES,
  GEN_AI_TOKEN_MODALITY_VALUES,
  GEN_AI_TOKEN_TYPE_VALUES,
  METRIC_GEN_AI_CLIENT_EMBEDDINGS_DURATION,
  METRIC_GEN_AI_CLIENT_EMBEDDINGS_OPERATION_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_DURATION,
  METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK,
  METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  type GenAiMetricsMode,
} from '@agentmeter/semconv';
import { classifyError } from './errors';
import { PACKAGE_VERSION } from './version';

/** Instrumentation scope name of the LLM recorders. */
export const LLM_SCOPE_NAME = '@agentmeter/llm';
/** Version reported in the instrumentation scope. */
export const LLM_SCOPE_VERSION = PACKAGE_VERSION;

/** What identifies a GenAI call: the metric attributes (all low-cardinality). */
export interface LlmCallAttributes {
  /** gen_ai.provider.name, e.g. `openai`, `anthropic` (GEN_AI_PROVIDER_NAME_VALUES). */
  readonly provider: string;
  /** gen_ai.request.model: the model asked for. */
  readonly requestModel?: string;
  /** Alias of `requestModel` (the seeds' spelling: `{ provider, model, operation }`). */
  readonly model?: string;
  /** gen_ai.response.model, when the response names it (often a dated id). */
  readonly responseModel?: string;
  /** gen_ai.operation.name; default `chat`. */
  readonly operation?: string;
}

/** Token usage of one call, normalised across providers. */
export interface LlmUsage {
  /** All input tokens, INCLUDING cache-read and cache-write tokens. */
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Input tokens served from the prompt cache (a subset of inputTokens). */
  readonly cacheReadTokens?: number;
  /** Input tokens written to the prompt cache (a subset of inputTokens). */
  readonly cacheWriteTokens?: number;
  /** Output tokens spent on reasoning (a subset of outputTokens). */
  readonly reasoningTokens?: number;
  /** gen_ai.response.model when the response carries it. */
  readonly responseModel?: string;
}

/** One completed (or failed) GenAI call, as given to {@link recordLlmCall}. */
export interface LlmCall extends LlmCallAttributes, LlmUsage {
  /** Wall-clock duration of the whole call (including reading a stream), seconds. */
  readonly durationSeconds?: number;
  /** The thrown error, or an `error.type` string; undefined on success. */
  readonly error?: unknown;
  /** Streams: seconds from the request to the first chunk. */
  readonly timeToFirstChunkSeconds?: number;
  /** Streams: seconds between consecutive output chunks after the first (one value or each interval). */
  readonly timePerOutputChunkSeconds?: number | readonly number[];
  /** Characters synthesised (text_to_speech): forwarded in the usage event. */
  readonly characters?: number;
  /** Seconds of audio transcribed (speech_to_text): forwarded in the usage event. */
  readonly audioSeconds?: number;
}

/** Options of an {@link LlmRecorder}. */
export interface LlmRecorderOptions {
  /** Record into this meter provider instead of the global one (followed if it changes). */
  readonly meterProvider?: MeterProvider;
  /**
   * Which GenAI metric names this recorder emits (`current`, `legacy`, `both`); default:
   * the process-wide setting ({@link setGenAiMetrics}, AGENTMETER_GENAI_METRICS).
   */
  readonly genAiMetrics?: GenAiMetricsMode;
}

// ------------------------------------------------------------------ current | legacy | both

const DEFS = {
  duration: CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_DURATION],
  tokens: CATALOGUE[METRIC_GEN_AI_CLIENT_TOKEN_USAGE],
  ttft: CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK],
  tpoc: CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK],
  inferenceDuration: CATALOGUE[METRIC_GEN_AI_CLIENT_INFERENCE_DURATION],
  inferenceTtft: CATALOGUE[METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK],
  inferenceTpoc: CATALOGUE[METRIC_GEN_AI_CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK],
  usageInput: CATALOGUE[METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS],
  usageOutput: CATALOGUE[METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS],
  usageCacheRead: CATALOGUE[METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS],
  usageCacheWrite: CATALOGUE[METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS],
  usageReasoning: CATALOGUE[METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS],
  opInput: CATALOGUE[METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS],
  opOutput: CATALOGUE[METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS],
  embeddingsDuration: CATALOGUE[METRIC_GEN_AI_CLIENT_EMBEDDINGS_DURATION],
  embeddingsInput: CATALOGUE[METRIC_GEN_AI_CLIENT_EMBEDDINGS_OPERATION_INPUT_TOKENS],
};

const INFERENCE = new Set(GEN_AI_INFERENCE_OPERATIONS);

interface AttributeSet {
  /** operation, provider, models, error.type: duration metrics (and the legacy set). */
  readonly base: Attributes;
  /** legacy gen_ai.client.token.usage: base + gen_ai.token.type. */
  readonly input: Attributes;
  readonly output: Attributes;
  /** current token histograms: operation, provider, models (no error.type). */
  readonly tokens: Attributes;
  /** current usage counters: tokens + gen_ai.token.modality. */
  readonly usage: Attributes;
}
/** Attribute sets cached per recorder; beyond this (label churn) they are built per call. */
const MAX_CACHED_ATTRIBUTE_SETS = 4096;

/** Longest value accepted for a model / provider / operation attribute (longer is truncated). */
const MAX_ATTR = 256;

function attrString(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') {
    report('AGENTMETER_INVALID_ATTRIBUTE', what + '\u0000' + typeof v, `ignored non-string ${what} (${typeof v})`);
    return undefined;
  }
  return v.length > MAX_ATTR ? v.slice(0, MAX_ATTR) : v;
}

const ONE: number[] = [0];
/** Valid chunk intervals of `timePerOutputChunkSeconds` (one value or each interval); undefined when none. */
function chunkIntervals(tpoc: number | readonly number[] | undefined | null): readonly number[] | undefined {
  if (tpoc === undefined || tpoc === null) return undefined;
  if (typeof tpoc === 'number' || !Array.isArray(tpoc)) {
    if (!validMeasure(tpoc, 'gen_ai time per output chunk')) return undefined;
    ONE[0] = tpoc;
    return ONE;
  }
  const out = (tpoc as readonly unknown[]).filter((v): v is number => validMeasure(v, 'gen_ai time per output chunk'));
  return out.length > 0 ? out : undefined;
}

function optionalMeasure(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  return validMeasure(v, what) ? v : undefined;
}

/**
 * Records GenAI client calls into the catalogue's `gen_ai.client.*` instruments and
 * publishes one usage event per call. The module-level functions ({@link recordLlmCall},
 * `trackLlmCall`, `wrapLlmStream`) use a default recorder on the global meter provider;
 * create one with `meterProvider` to pin another.
 */
export class LlmRecorder {
  private readonly instruments: CatalogueInstruments<typeof DEFS>;
  /** Attribute objects per (operation, provider, models, error): built once, reused (bounded). */
  private readonly attrCache = new Map<string, AttributeSet>();
  private readonly mode: GenAiMetricsMode | undefined;

  constructor(options: LlmRecorderOptions = {}) {
    this.instruments = new CatalogueInstruments(LLM_SCOPE_NAME, LLM_SCOPE_VERSION, DEFS, options.meterProvider);
    if (options.genAiMetrics !== undefined) {
      if (isGenAiMetricsMode(options.genAiMetrics)) this.mode = options.genAiMetrics;
      else report('AGENTMETER_INVALID_CONFIG', 'LlmRecorder.genAiMetrics', `LlmRecorder genAiMetrics: expected current, legacy or both, got ${JSON.stringify(String(options.genAiMetrics).slice(0, 40))}; using the process-wide setting`);
    }
  }

  /** The GenAI metric names this recorder emits now. */
  get genAiMetrics(): GenAiMetricsMode {
    return this.mode ?? getGenAiMetrics();
  }

  /**
   * Records one call: duration, input/output token usage, TTFT and time per output chunk
   * (streams), `error.type` on failure; then publishes exactly one GenAiUsageEvent. Invalid
   * numbers (NaN, Infinity, negative) are dropped with one diagnostic each. Never throws.
   */
  record(call: LlmCall): void {
    try {
      this.recordUnsafe(call);
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'llm.record', `recording a GenAI call failed: ${String(e)}`);
    }
  }

  /**
   * The attribute objects of one call shape, cached: recording then allocates nothing and
   * the registry's lookup walks fast-mode objects (computed-key spreads per call cost ~1 µs).
   */
  private attributeSet(operation: string, provider: string, requestModel: string | undefined, responseModel: string | undefined, errorType: string | undefined): AttributeSet {
    const key = `${operation}\u0001${provider}\u0001${requestModel ?? '\u0000'}\u0001${responseModel ?? '\u0000'}\u0001${errorType ?? '\u0000'}`;
    let set = this.attrCache.get(key);
    if (set === undefined) {
      const base: Attributes = {
        [ATTR_GEN_AI_OPERATION_NAME]: operation,
        [ATTR_GEN_AI_PROVIDER_NAME]: provider,
      };
      if (requestModel !== undefined) base[ATTR_GEN_AI_REQUEST_MODEL] = requestModel;
      if (responseModel !== undefined) base[ATTR_GEN_AI_RESPONSE_MODEL] = responseModel;
      const tokens: Attributes = { ...base };
      if (errorType !== undefined) base[ATTR_ERROR_TYPE] = errorType;
      set = {
        base,
        input: { ...base, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.INPUT },
        output: { ...base, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.OUTPUT },
        tokens,
        usage: { ...tokens, [ATTR_GEN_AI_TOKEN_MODALITY]: GEN_AI_TOKEN_MODALITY_VALUES.TEXT },
      };
      if (this.attrCache.size < MAX_CACHED_ATTRIBUTE_SETS) this.attrCache.set(key, set);
    }
    return set;
  }

  private recordUnsafe(call: LlmCall): void {
    if (call === null || typeof call !== 'object') {
      report('AGENTMETER_INVALID_CALL', 'llm.call', 'recordLlmCall expects an object');
      return;
    }
    const provider = attrString(call.provider, 'gen_ai.provider.name') ?? '_OTHER';
    const operation = attrString(call.operation, 'gen_ai.operation.name') ?? GEN_AI_OPERATION_NAME_VALUES.CHAT;
    const requestModel = attrString(call.requestModel ?? call.model, 'gen_ai.request.model');
    const responseModel = attrString(call.responseModel, 'gen_ai.response.model');
    const errorType = call.error === undefined || call.error === null || call.error === false ? undefined : classifyError(call.error);

    const set = this.attributeSet(operation, provider, requestModel, responseModel, errorType);
    const attrs = set.base;

    const duration = optionalMeasure(call.durationSeconds, 'gen_ai.client.operation.duration');
    const inputTokens = optionalMeasure(call.inputTokens, 'gen_ai input tokens');
    const outputTokens = optionalMeasure(call.outputTokens, 'gen_ai output tokens');
    const cacheReadTokens = optionalMeasure(call.cacheReadTokens, 'gen_ai cache read tokens');
    const cacheWriteTokens = optionalMeasure(call.cacheWriteTokens, 'gen_ai cache write tokens');
    const reasoningTokens = optionalMeasure(call.reasoningTokens, 'gen_ai reasoning tokens');
    const ttft = optionalMeasure(call.timeToFirstChunkSeconds, 'gen_ai time to first chunk');
    const characters = optionalMeasure(call.characters, 'text_to_speech characters');
    const audioSeconds = optionalMeasure(call.audioSeconds, 'speech_to_text audio seconds');
    const tpocs = chunkIntervals(call.timePerOutputChunkSeconds);

    const mode = this.mode ?? getGenAiMetrics();
    if (mode !== GEN_AI_METRICS_VALUES.LEGACY) {
      // semantic-conventions-genai v0.1.0
      if (INFERENCE.has(operation)) {
        if (duration !== undefined) this.instruments.get('inferenceDuration').record(duration, attrs);
        if (ttft !== undefined) this.instruments.get('inferenceTtft').record(ttft, attrs);
        if (tpocs !== undefined) {
          const h = this.instruments.get('inferenceTpoc');
          for (const v of tpocs) h.record(v, attrs);
        }
        const { tokens, usage } = set;
        if (inputTokens !== undefined) {
          this.instruments.get('usageInput').add(inputTokens, usage);
          this.instruments.get('opInput').record(inputTokens, tokens);
        }
        if (outputTokens !== undefined) {
          this.instruments.get('usageOutput').add(outputTokens, usage);
          this.instruments.get('opOutput').record(outputTokens, tokens);
        }
        if (cacheReadTokens !== undefined) this.instruments.get('usageCacheRead').add(cacheReadTokens, usage);
        if (cacheWriteTokens !== undefined) this.instruments.get('usageCacheWrite').add(cacheWriteTokens, usage);
        if (reasoningTokens !== undefined) this.instruments.get('usageReasoning').add(reasoningTokens, usage);
      } else if (operation === GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS) {
        if (duration !== undefined) this.instruments.get('embeddingsDuration').record(duration, attrs);
        if (inputTokens !== undefined) this.instruments.get('embeddingsInput').record(inputTokens, set.tokens);
      } else if (duration !== undefined && mode !== GEN_AI_METRICS_VALUES.BOTH) {
        // speech and other operations keep gen_ai.client.operation.duration (recorded once under `both`, below)
        this.instruments.get('duration').record(duration, attrs);
      }
    }
    if (mode !== GEN_AI_METRICS_VALUES.CURRENT) {
      // the v1.41 names, exactly as before
      if (duration !== undefined) this.instruments.get('duration').record(duration, attrs);
      if (inputTokens !== undefined || outputTokens !== undefined) {
        const tokens = this.instruments.get('tokens');
        if (inputTokens !== undefined) tokens.record(inputTokens, set.input);
        if (outputTokens !== undefined) tokens.record(outputTokens, set.output);
      }
      if (ttft !== undefined) this.instruments.get('ttft').record(ttft, attrs);
      if (tpocs !== undefined) {
        const h = this.instruments.get('tpoc');
        for (const v of tpocs) h.record(v, attrs);
      }
    }

    const event: { -readonly [K in keyof GenAiUsageEvent]: GenAiUsageEvent[K] } = { operation, provider, requestModel: requestModel ?? '' };
    if (responseModel !== undefined) event.responseModel = responseModel;
    if (inputTokens !== undefined) event.inputTokens = inputTokens;
    if (outputTokens !== undefined) event.outputTokens = outputTokens;
    if (cacheReadTokens !== undefined) event.cacheReadTokens = cacheReadTokens;
    if (cacheWriteTokens !== undefined) event.cacheWriteTokens = cacheWriteTokens;
    if (reasoningTokens !== undefined) event.reasoningTokens = reasoningTokens;
    if (characters !== undefined) event.characters = characters;
    if (audioSeconds !== undefined) event.audioSeconds = audioSeconds;
    if (errorType !== undefined) event.errorType = errorType;
    publishGenAiUsage(event);
  }
}

let defaultRecorder: LlmRecorder | undefined;

/** The recorder on the global meter provider that the module-level functions use. */
export function getDefaultLlmRecorder(): LlmRecorder {
  return (defaultRecorder ??= new LlmRecorder());
}

/**
 * Records one GenAI call explicitly (see {@link LlmRecorder.record}). Never throws.
 *
 * ```ts
 * recordLlmCall({ provider: 'openai', requestModel: 'gpt-4o', durationSeconds: 1.2, inputTokens: 50, outputTokens: 20 });
 * ```
 */
export function recordLlmCall(call: LlmCall): void {
  getDefaultLlmRecorder().record(call);
}
