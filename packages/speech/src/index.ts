/**
 * @agentmeter/speech: text-to-speech and speech-to-text calls recorded as GenAI operations
 * (`text_to_speech`, `speech_to_text`) on `gen_ai.client.operation.duration`, plus
 * `gen_ai.client.text_to_speech.characters` and `gen_ai.client.speech_to_text.audio.duration`.
 */
import type { MeterProvider } from '@opentelemetry/api';
import { CatalogueInstruments, report, validMeasure } from '@agentmeter/api';
import { LlmRecorder, getDefaultLlmRecorder } from '@agentmeter/llm';
import { nowSeconds } from '@agentmeter/llm/internal';
import {
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  CATALOGUE,
  GEN_AI_OPERATION_NAME_VALUES,
  METRIC_GEN_AI_CLIENT_SPEECH_TO_TEXT_AUDIO_DURATION,
  METRIC_GEN_AI_CLIENT_TEXT_TO_SPEECH_CHARACTERS,
} from '@agentmeter/semconv';
import { PACKAGE_VERSION } from './version';

/** Instrumentation scope of the speech recorders. */
export const SPEECH_SCOPE_NAME = '@agentmeter/speech';

/** The two speech operations (gen_ai.operation.name values). */
export type SpeechOperation = typeof GEN_AI_OPERATION_NAME_VALUES.TEXT_TO_SPEECH | typeof GEN_AI_OPERATION_NAME_VALUES.SPEECH_TO_TEXT;

/** What identifies a speech call (metric attributes). */
export interface SpeechCallAttributes {
  /** gen_ai.provider.name, e.g. `openai`, `elevenlabs`, `deepgram`. */
  readonly provider: string;
  /** gen_ai.request.model, e.g. `tts-1`, `whisper-1`. */
  readonly requestModel?: string;
  /** Alias of `requestModel`. */
  readonly model?: string;
  /** gen_ai.response.model when known. */
  readonly responseModel?: string;
}

/** One completed (or failed) speech call. */
export interface SpeechCall extends SpeechCallAttributes {
  readonly operation: SpeechOperation;
  /** Wall-clock duration of the call, seconds. */
  readonly durationSeconds?: number;
  /** text_to_speech: characters synthesised. */
  readonly characters?: number;
  /** speech_to_text: seconds of audio transcribed. */
  readonly audioSeconds?: number;
  /** Token-billed speech models (e.g. gpt-4o-transcribe, gpt-4o-mini-tts). */
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Streams: seconds to the first audio / text chunk. */
  readonly timeToFirstChunkSeconds?: number;
  /** Thrown error or `error.type` string; undefined on success. */
  readonly error?: unknown;
}

/** Options of a {@link SpeechRecorder}. */
export interface SpeechRecorderOptions {
  /** Record into this meter provider (default: the global one). */
  readonly meterProvider?: MeterProvider;
  /** Record the GenAI operation through this LLM recorder (default: one on the same provider). */
  readonly llmRecorder?: LlmRecorder;
}

const DEFS = {
  characters: CATALOGUE[METRIC_GEN_AI_CLIENT_TEXT_TO_SPEECH_CHARACTERS],
  audio: CATALOGUE[METRIC_GEN_AI_CLIENT_SPEECH_TO_TEXT_AUDIO_DURATION],
};

/**
 * Records speech calls: the GenAI operation (duration, tokens, error.type, one usage event
 * carrying characters / audioSeconds for cost) and the characters / audio-seconds counters
 * (successful calls only).
 */
export class SpeechRecorder {
  private readonly instruments: CatalogueInstruments<typeof DEFS>;
  private readonly llm: LlmRecorder;

  constructor(options: SpeechRecorderOptions = {}) {
    this.instruments = new CatalogueInstruments(SPEECH_SCOPE_NAME, PACKAGE_VERSION, DEFS, options.meterProvider);
    this.llm = options.llmRecorder ?? (options.meterProvider ? new LlmRecorder({ meterProvider: options.meterProvider }) : getDefaultLlmRecorder());
  }

  /** Records one speech call. Invalid numbers are dropped with a diagnostic. Never throws. */
  record(call: SpeechCall): void {
    try {
      if (call === null || typeof call !== 'object') {
        report('AGENTMETER_INVALID_CALL', 'speech.call', 'recordSpeechCall expects an object');
        return;
      }
      const op = call.operation;
      if (op !== GEN_AI_OPERATION_NAME_VALUES.TEXT_TO_SPEECH && op !== GEN_AI_OPERATION_NAME_VALUES.SPEECH_TO_TEXT) {
        report('AGENTMETER_INVALID_CALL', 'speech.operation', `speech operation must be text_to_speech or speech_to_text, got ${String(op).slice(0, 40)}`);
        return;
      }
      const failed = call.error !== undefined && call.error !== null && call.error !== false;
      const characters = op === 'text_to_speech' && !failed && call.characters !== undefined && validMeasure(call.characters, 'text_to_speech characters') ? call.characters : undefined;
      const audioSeconds = op === 'speech_to_text' && !failed && call.audioSeconds !== undefined && validMeasure(call.audioSeconds, 'speech_to_text audio seconds') ? call.audioSeconds : undefined;
      this.llm.record({
        operation: op,
        provider: call.provider,
        requestModel: call.requestModel ?? call.model,
        responseModel: call.responseModel,
        durationSeconds: call.durationSeconds,
        inputTokens: call.inputTokens,
        outputTokens: call.outputTokens,
        timeToFirstChunkSeconds: call.timeToFirstChunkSeconds,
        characters,
        audioSeconds,
        error: call.error,
      });
      if (characters === undefined && audioSeconds === undefined) return;
      const provider = typeof call.provider === 'string' && call.provider ? call.provider.slice(0, 256) : '_OTHER';
      const model = call.requestModel ?? call.model;
      const attrs: Record<string, string> = { [ATTR_GEN_AI_PROVIDER_NAME]: provider };
      if (typeof model === 'string' && model) attrs[ATTR_GEN_AI_REQUEST_MODEL] = model.slice(0, 256);
      if (characters !== undefined) this.instruments.get('characters').add(characters, attrs);
      if (audioSeconds !== undefined) this.instruments.get('audio').add(audioSeconds, attrs);
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'speech.record', `recording a speech call failed: ${String(e)}`);
    }
  }
}

let defaultRecorder: SpeechRecorder | undefined;

/** The speech recorder on the global meter provider used by the module-level functions. */
export function getDefaultSpeechRecorder(): SpeechRecorder {
  return (defaultRecorder ??= new SpeechRecorder());
}

/** Records one speech call (see {@link SpeechRecorder.record}). Never throws. */
export function recordSpeechCall(call: SpeechCall): void {
  getDefaultSpeechRecorder().record(call);
}

/** Options of {@link trackTextToSpeech}. */
export interface TextToSpeechOptions extends SpeechCallAttributes {
  /** The text being synthesised: only its length is used (text never becomes an attribute). */
  readonly text?: string;
  /** Characters synthesised, when `text` is not given. */
  readonly characters?: number;
  /** Record with this recorder. */
  readonly recorder?: SpeechRecorder;
}

/** Options of {@link trackSpeechToText}. */
export interface SpeechToTextOptions<R = unknown> extends SpeechCallAttributes {
  /** Seconds of audio sent, when known up front. */
  readonly audioSeconds?: number;
  /** Reads audio seconds / tokens from the result (default: OpenAI `duration` / `usage`). */
  readonly adapter?: (result: R) => SpeechUsage | undefined;
  /** Record with this recorder. */
  readonly recorder?: SpeechRecorder;
}

/** What a speech-to-text result says about itself. */
export interface SpeechUsage {
  readonly audioSeconds?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/**
 * Default transcription adapter: OpenAI `verbose_json` (`duration`), `usage: { type: 'duration', seconds }`,
 * `usage: { type: 'tokens', input_tokens, output_tokens }`, or agentmeter's `{ audioSeconds }`.
 */
export function transcriptionUsage(result: unknown): SpeechUsage | undefined {
  if (!isObj(result)) return undefined;
  const out: { -readonly [K in keyof SpeechUsage]?: number } = {};
  if (typeof result.audioSeconds === 'number') out.audioSeconds = result.audioSeconds;
  else if (typeof result.duration === 'number') out.audioSeconds = result.duration;
  const u = result.usage;
  if (isObj(u)) {
    if (u.type === 'duration' && typeof u.seconds === 'number') out.audioSeconds ??= u.seconds;
    if (typeof u.input_tokens === 'number') out.inputTokens = u.input_tokens;
    if (typeof u.output_tokens === 'number') out.outputTokens = u.output_tokens;
  }
  return out;
}

/** Counts the characters of `text` as providers bill them (Unicode code points). */
export function countCharacters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Runs one text-to-speech call and records it: duration, characters (from `text` or
 * `characters`, on success), error.type. Resolves to `fn`'s result unchanged.
 */
export async function trackTextToSpeech<T>(options: TextToSpeechOptions, fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
  const { text, characters, recorder, ...attrs } = options;
  const rec = recorder ?? getDefaultSpeechRecorder();
  const chars = typeof text === 'string' ? countCharacters(text) : characters;
  const start = nowSeconds();
  try {
    const result = await fn();
    rec.record({ ...attrs, operation: 'text_to_speech', durationSeconds: nowSeconds() - start, characters: chars });
    return result;
  } catch (error) {
    rec.record({ ...attrs, operation: 'text_to_speech', durationSeconds: nowSeconds() - start, error });
    throw error;
  }
}

/**
 * Runs one speech-to-text call and records it: duration, audio seconds (given, or read from
 * the result by `adapter`), tokens when the result reports them, error.type.
 */
export async function trackSpeechToText<T>(options: SpeechToTextOptions<Awaited<T>>, fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
  const { audioSeconds, adapter, recorder, ...attrs } = options;
  const rec = recorder ?? getDefaultSpeechRecorder();
  const start = nowSeconds();
  let result: Awaited<T>;
  try {
    result = await fn();
  } catch (error) {
    rec.record({ ...attrs, operation: 'speech_to_text', durationSeconds: nowSeconds() - start, error });
    throw error;
  }
  let usage: SpeechUsage | undefined;
  try {
    usage = (adapter ?? transcriptionUsage)(result);
  } catch (e) {
    report('AGENTMETER_ADAPTER_FAILED', 'speech.adapter', `speech adapter threw: ${String(e)}`);
  }
  rec.record({
    ...attrs,
    operation: 'speech_to_text',
    durationSeconds: nowSeconds() - start,
    audioSeconds: audioSeconds ?? usage?.audioSeconds,
    inputTokens: usage?.inputTokens,
    outputTokens: usage?.outputTokens,
  });
  return result;
}
