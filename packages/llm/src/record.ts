import type { Attributes, Histogram, MeterProvider } from '@opentelemetry/api';
import { CatalogueInstruments, publishGenAiUsage, report, validMeasure, type GenAiUsageEvent } from '@agentmeter/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  CATALOGUE,
  GEN_AI_OPERATION_NAME_VALUES,
  GEN_AI_TOKEN_TYPE_VALUES,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  type MetricDefinition,
} from '@agentmeter/semconv';
import { classifyError } from './errors';

/** Instrumentation scope name of the LLM recorders. */
export const LLM_SCOPE_NAME = '@agentmeter/llm';
/** Version reported in the instrumentation scope. */
export const LLM_SCOPE_VERSION = '0.1.0';

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
}

type Key = 'duration' | 'tokens' | 'ttft' | 'tpoc';
const DEFS: Record<Key, MetricDefinition> = {
  duration: CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_DURATION],
  tokens: CATALOGUE[METRIC_GEN_AI_CLIENT_TOKEN_USAGE],
  ttft: CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK],
  tpoc: CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK],
};

interface AttributeSet {
  readonly base: Attributes;
  readonly input: Attributes;
  readonly output: Attributes;
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
  private readonly instruments: CatalogueInstruments<Key>;
  /** Attribute objects per (operation, provider, models, error): built once, reused (bounded). */
  private readonly attrCache = new Map<string, AttributeSet>();

  constructor(options: LlmRecorderOptions = {}) {
    this.instruments = new CatalogueInstruments<Key>(LLM_SCOPE_NAME, LLM_SCOPE_VERSION, DEFS, options.meterProvider);
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
      if (errorType !== undefined) base[ATTR_ERROR_TYPE] = errorType;
      set = {
        base,
        input: { ...base, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.INPUT },
        output: { ...base, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.OUTPUT },
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

    const { base: attrs, input: inputAttrs, output: outputAttrs } = this.attributeSet(operation, provider, requestModel, responseModel, errorType);

    const duration = optionalMeasure(call.durationSeconds, 'gen_ai.client.operation.duration');
    const inputTokens = optionalMeasure(call.inputTokens, 'gen_ai input tokens');
    const outputTokens = optionalMeasure(call.outputTokens, 'gen_ai output tokens');
    const cacheReadTokens = optionalMeasure(call.cacheReadTokens, 'gen_ai cache read tokens');
    const cacheWriteTokens = optionalMeasure(call.cacheWriteTokens, 'gen_ai cache write tokens');
    const ttft = optionalMeasure(call.timeToFirstChunkSeconds, 'gen_ai time to first chunk');
    const characters = optionalMeasure(call.characters, 'text_to_speech characters');
    const audioSeconds = optionalMeasure(call.audioSeconds, 'speech_to_text audio seconds');

    if (duration !== undefined) this.instruments.get<Histogram>('duration').record(duration, attrs);
    if (inputTokens !== undefined || outputTokens !== undefined) {
      const tokens = this.instruments.get<Histogram>('tokens');
      if (inputTokens !== undefined) tokens.record(inputTokens, inputAttrs);
      if (outputTokens !== undefined) tokens.record(outputTokens, outputAttrs);
    }
    if (ttft !== undefined) this.instruments.get<Histogram>('ttft').record(ttft, attrs);
    const tpoc = call.timePerOutputChunkSeconds;
    if (tpoc !== undefined && tpoc !== null) {
      const h = this.instruments.get<Histogram>('tpoc');
      if (typeof tpoc === 'number' || !Array.isArray(tpoc)) {
        if (validMeasure(tpoc, 'gen_ai time per output chunk')) h.record(tpoc, attrs);
      } else {
        for (const v of tpoc) if (validMeasure(v, 'gen_ai time per output chunk')) h.record(v, attrs);
      }
    }

    const event: { -readonly [K in keyof GenAiUsageEvent]: GenAiUsageEvent[K] } = { operation, provider, requestModel: requestModel ?? '' };
    if (responseModel !== undefined) event.responseModel = responseModel;
    if (inputTokens !== undefined) event.inputTokens = inputTokens;
    if (outputTokens !== undefined) event.outputTokens = outputTokens;
    if (cacheReadTokens !== undefined) event.cacheReadTokens = cacheReadTokens;
    if (cacheWriteTokens !== undefined) event.cacheWriteTokens = cacheWriteTokens;
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
