import { AsyncLocalStorage } from 'node:async_hooks';
import * as dc from 'node:diagnostics_channel';
import { TransformStream, type Transformer, type TransformStreamDefaultController } from 'node:stream/web';
import type { MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, onGenAiUsage, report, versionInRange } from '@agentmeter/api';
import { LlmRecorder, classifyError, getDefaultLlmRecorder, normalizeProviderName, type LlmCall } from '@agentmeter/llm';
import { nowSeconds, onRecordedGenAiCallStart, registerFrameworkCoverageProbe } from '@agentmeter/llm/internal';
import { ToolMetrics, defaultToolMetrics } from '@agentmeter/tools';
import { SpeechRecorder, countCharacters, getDefaultSpeechRecorder } from '@agentmeter/speech';
import { GEN_AI_OPERATION_NAME_VALUES, GEN_AI_TOOL_TYPE_VALUES } from '@agentmeter/semconv';
import type { AiSdkInstrumentationConfig } from './types';
import type { AiEvent, CallState, ChannelMessage, Kind, ModelUsage } from './internal-types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { MODULE_NAME, SPAN_SUPPORTED_VERSIONS, SUPPORTED_VERSIONS, TRACING_CHANNEL } from './module';

/** Owner of the channel subscription: one per process, whatever the number of copies of this package. */
const OWNER_KEY = Symbol.for('agentmeter.instrumentation-ai.owner');

const KIND_BY_TYPE: Readonly<Record<string, Kind>> = {
  languageModelCall: 'model',
  embed: 'embed',
  embedMany: 'embed',
  generateText: 'agent',
  streamText: 'agent',
  executeTool: 'tool',
  generateSpeech: 'speech',
  transcribe: 'transcribe',
};

/** Stream parts that carry model output (the first one is the time to first chunk). */
const OUTPUT_PARTS = new Set(['text-delta', 'reasoning-delta', 'tool-input-start', 'tool-input-delta', 'tool-call', 'file', 'source']);

const MAX_CHUNK_INTERVALS = 10_000;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Token usage of an AI SDK model result, normalised (input includes cached, output includes reasoning). */
export function usageOf(u: unknown): Pick<LlmCall, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'reasoningTokens'> {
  try {
    return usageOfUnsafe(u);
  } catch {
    return {};
  }
}

function usageOfUnsafe(u: unknown): Pick<LlmCall, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'reasoningTokens'> {
  if (!isRecord(u)) return {};
  const usage = u as ModelUsage;
  const input = usage.inputTokens;
  const output = usage.outputTokens;
  if (isRecord(input) || isRecord(output)) {
    // LanguageModelV3 / V4 usage: { inputTokens: { total, noCache, cacheRead, cacheWrite }, outputTokens: { total, text, reasoning } }
    const i = (isRecord(input) ? input : {}) as { total?: unknown; noCache?: unknown; cacheRead?: unknown; cacheWrite?: unknown };
    const o = (isRecord(output) ? output : {}) as { total?: unknown; text?: unknown; reasoning?: unknown };
    const cacheRead = num(i.cacheRead);
    const cacheWrite = num(i.cacheWrite);
    let inputTokens = num(i.total);
    if (inputTokens === undefined && num(i.noCache) !== undefined) inputTokens = (num(i.noCache) ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
    let outputTokens = num(o.total);
    if (outputTokens === undefined && num(o.text) !== undefined) outputTokens = (num(o.text) ?? 0) + (num(o.reasoning) ?? 0);
    return { inputTokens, outputTokens, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, reasoningTokens: num(o.reasoning) };
  }
  // flat numbers (LanguageModelV2 usage, and the AI SDK's LanguageModelUsage with its
  // inputTokenDetails / outputTokenDetails): input already includes cached tokens
  const inDetails = (isRecord(usage.inputTokenDetails) ? usage.inputTokenDetails : {}) as { cacheReadTokens?: unknown; cacheWriteTokens?: unknown };
  const outDetails = (isRecord(usage.outputTokenDetails) ? usage.outputTokenDetails : {}) as { reasoningTokens?: unknown };
  return {
    inputTokens: num(input),
    outputTokens: num(output),
    cacheReadTokens: num(inDetails.cacheReadTokens) ?? num(usage.cachedInputTokens),
    cacheWriteTokens: num(inDetails.cacheWriteTokens),
    reasoningTokens: num(outDetails.reasoningTokens) ?? num(usage.reasoningTokens),
  };
}

/** AI SDK errors: unwrap a RetryError to its last attempt's error. */
function unwrapError(error: unknown): unknown {
  try {
    if (isRecord(error) && (error as { name?: unknown }).name === 'AI_RetryError' && 'lastError' in error) return (error as { lastError?: unknown }).lastError ?? error;
  } catch {
    // hostile error objects
  }
  return error ?? new Error('AI SDK operation failed');
}

function hasTools(tools: unknown): boolean {
  if (!isRecord(tools)) return false;
  for (const _ in tools) return true;
  return false;
}

interface StreamLike {
  pipeThrough(transform: unknown, options?: unknown): unknown;
}

function isStreamLike(v: unknown): v is StreamLike {
  return isRecord(v) && typeof (v as { pipeThrough?: unknown }).pipeThrough === 'function' && typeof (v as { getReader?: unknown }).getReader === 'function';
}

/**
 * Zero-code metrics for the Vercel AI SDK 7 (`ai`): subscribes to the SDK's `ai:telemetry`
 * `node:diagnostics_channel` tracing channel, on which the SDK publishes every operation
 * when a subscriber exists (no `telemetry` option and no tracer needed).
 *
 * - every language model call (each step of generateText / streamText, incl. agent loops
 *   and retries): `gen_ai.client.*` duration, token usage (with cache read / write and
 *   reasoning details), time to first chunk and per output chunk for streams, error.type;
 * - embed / embedMany: one `embeddings` call each, with its input tokens;
 * - tool executions: `gen_ai.execute_tool.duration`;
 * - generateText / streamText with tools: `gen_ai.invoke_agent.duration`,
 *   `.inference_calls`, `.tool_calls`.
 *
 * A model call that also goes through an instrumented client (openai, anthropic) is
 * recorded once (by the client instrumentation), and OpenTelemetry spans started inside an
 * AI SDK operation (`@ai-sdk/otel`) are skipped by `GenAiSpanMetricsProcessor`.
 */
export class AiSdkInstrumentation extends InstrumentationBase<AiSdkInstrumentationConfig> {
  declare private _llmRecorder: LlmRecorder | undefined;
  declare private _toolMetrics: ToolMetrics | undefined;
  declare private _speechRecorder: SpeechRecorder | undefined;
  declare private _als: AsyncLocalStorage<CallState> | undefined;
  declare private _states: WeakMap<object, CallState> | undefined;
  declare private _unsubscribe: (() => void) | undefined;
  declare private _versionChecked: boolean | undefined;

  constructor(config: AiSdkInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    if (config.meterProvider) this.setMeterProvider(config.meterProvider);
  }

  /** Pins the meter provider the metrics are recorded into. */
  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(meterProvider);
    this._llmRecorder = new LlmRecorder({ meterProvider });
    this._toolMetrics = new ToolMetrics({ meterProvider });
    this._speechRecorder = new SpeechRecorder({ meterProvider, llmRecorder: this._llmRecorder });
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    // Nothing is patched: the module hook only checks the loaded version.
    return [
      new InstrumentationNodeModuleDefinition(MODULE_NAME, ['*'], (moduleExports: unknown, version?: string) => {
        this.checkVersion(version);
        return moduleExports;
      }),
    ];
  }

  override enable(): void {
    super.enable();
    try {
      this.subscribe();
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'ai.subscribe', `ai: subscribing to the ${TRACING_CHANNEL} channel failed: ${String(e)}`);
    }
  }

  override disable(): void {
    super.disable();
    const u = this._unsubscribe;
    this._unsubscribe = undefined;
    if (u) u();
  }

  private llm(): LlmRecorder {
    return this._llmRecorder ?? getDefaultLlmRecorder();
  }

  private tools(): ToolMetrics {
    return this._toolMetrics ?? defaultToolMetrics();
  }

  private speech(): SpeechRecorder {
    return this._speechRecorder ?? getDefaultSpeechRecorder();
  }

  private checkVersion(version: unknown): void {
    if (this._versionChecked) return;
    this._versionChecked = true;
    if (typeof version === 'string' && versionInRange(version, SPAN_SUPPORTED_VERSIONS)) {
      report(
        'AGENTMETER_SETUP_NEEDED',
        `ai@${version}`,
        `ai ${version} publishes no ${TRACING_CHANNEL} channel (AI SDK 7 does): measure it from its OpenTelemetry spans with GenAiSpanMetricsProcessor and experimental_telemetry: { isEnabled: true } (docs/frameworks.md)`,
      );
      return;
    }
    checkSupportedVersion(MODULE_NAME, version, SUPPORTED_VERSIONS, 'its calls may not be measured correctly');
  }

  private subscribe(): void {
    if (this._unsubscribe) return;
    const g = globalThis as unknown as Record<symbol, unknown>;
    if (g[OWNER_KEY] !== undefined && g[OWNER_KEY] !== this) {
      report('AGENTMETER_INSTRUMENTATION_DUPLICATE', 'ai.owner', `ai: another AiSdkInstrumentation already measures the ${TRACING_CHANNEL} channel; this one stays idle`);
      return;
    }
    if (typeof dc.tracingChannel !== 'function') return;
    g[OWNER_KEY] = this;
    const als = (this._als ??= new AsyncLocalStorage<CallState>());
    const states = (this._states ??= new WeakMap());
    const tc = dc.tracingChannel(TRACING_CHANNEL);
    const transform = (msg: unknown): CallState => {
      const state = this.begin(msg, als.getStore());
      if (isRecord(msg)) states.set(msg, state);
      return state;
    };
    const handlers = {
      start: () => undefined,
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: (msg: unknown) => this.safely(() => this.finish(states, msg, false)),
      error: (msg: unknown) => this.safely(() => this.finish(states, msg, true)),
    };
    tc.start.bindStore(als, transform);
    tc.subscribe(handlers);
    // An instrumented client (openai, anthropic) records a call made inside an AI SDK model
    // call: the AI SDK's record of the same call is then skipped.
    const cover = () => {
      const s = als.getStore();
      if (s && (s.kind === 'model' || s.kind === 'embed' || s.kind === 'speech' || s.kind === 'transcribe') && !s.done) s.covered = true;
    };
    const offUsage = onGenAiUsage(cover);
    // an instrumented client call starting inside an AI SDK model call (also a stream,
    // which the client records later, outside this async context)
    const offStart = onRecordedGenAiCallStart(cover);
    // Spans started inside an AI SDK operation (not a tool's own code) belong to calls recorded here.
    const offProbe = registerFrameworkCoverageProbe(() => {
      const s = als.getStore();
      return s !== undefined && s.kind !== 'tool' && this.isEnabled();
    });
    const offObjects = this.registerObjectIntegration();
    this._unsubscribe = () => {
      offObjects();
      try {
        tc.unsubscribe(handlers);
        tc.start.unbindStore(als);
      } catch {
        // already gone
      }
      offUsage();
      offStart();
      offProbe();
      if (g[OWNER_KEY] === this) g[OWNER_KEY] = undefined;
    };
  }

  /**
   * generateObject / streamObject (deprecated in AI SDK 7) publish nothing on the channel:
   * their model call is measured through a telemetry integration registered globally
   * (`globalThis.AI_SDK_TELEMETRY_INTEGRATIONS`, what the SDK's `registerTelemetry()` fills)
   * that implements only the object-step callbacks.
   */
  private registerObjectIntegration(): () => void {
    const starts = new Map<string, { start: number; provider: string; requestModel: string | undefined }>();
    const g = globalThis as unknown as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] };
    const finish = (callId: unknown, e: Record<string, unknown> | undefined, error: unknown) => {
      const st = typeof callId === 'string' ? starts.get(callId) : undefined;
      if (!st) return;
      starts.delete(callId as string);
      const response = isRecord(e?.response) ? (e?.response as { modelId?: unknown }) : undefined;
      const ms = num(e?.msToFirstChunk);
      this.llm().record({
        operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
        provider: st.provider,
        requestModel: st.requestModel,
        responseModel: str(response?.modelId),
        ...(error === undefined ? usageOf(e?.usage) : {}),
        durationSeconds: nowSeconds() - st.start,
        timeToFirstChunkSeconds: ms === undefined ? undefined : ms / 1000,
        error,
      });
    };
    const integration = {
      onObjectStepStart: (e: unknown) =>
        this.safely(() => {
          if (!isRecord(e) || typeof e.callId !== 'string' || !this.isEnabled()) return;
          if (starts.size > 10_000) starts.clear();
          starts.set(e.callId, { start: nowSeconds(), provider: normalizeProviderName(e.provider), requestModel: str(e.modelId) });
        }),
      onObjectStepEnd: (e: unknown) => this.safely(() => isRecord(e) && finish(e.callId, e, undefined)),
      onError: (e: unknown) => this.safely(() => isRecord(e) && finish(e.callId, undefined, unwrapError(e.error))),
    };
    try {
      (g.AI_SDK_TELEMETRY_INTEGRATIONS ??= []).push(integration);
    } catch {
      return () => undefined;
    }
    return () => {
      const list = g.AI_SDK_TELEMETRY_INTEGRATIONS;
      const i = Array.isArray(list) ? list.indexOf(integration) : -1;
      if (i >= 0) list?.splice(i, 1);
    };
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'ai.channel', `ai: measuring an AI SDK operation failed: ${String(e)}`);
    }
  }

  /** A new operation starts (inside the SDK's start.runStores; `parent` is the enclosing operation). */
  private begin(msg: unknown, parent: CallState | undefined): CallState {
    let type = '';
    let event: AiEvent | undefined;
    try {
      if (isRecord(msg)) {
        type = typeof msg.type === 'string' ? msg.type : '';
        event = isRecord(msg.event) ? (msg.event as AiEvent) : undefined;
      }
    } catch {
      // hostile message: measured as 'other'
    }
    const kind: Kind = KIND_BY_TYPE[type] ?? 'other';
    const state: CallState = {
      kind: kind === 'agent' && !hasTools(event?.tools) ? 'other' : kind,
      type,
      parent,
      start: nowSeconds(),
      covered: false,
      done: false,
      inferenceCalls: 0,
      toolCalls: 0,
      agentName: undefined,
      toolName: undefined,
      provider: '_OTHER',
      requestModel: undefined,
      characters: undefined,
    };
    try {
      if (!this._versionChecked && event?.aiVersion !== undefined) this.checkVersion(event.aiVersion);
      if (state.kind === 'model' || state.kind === 'embed' || state.kind === 'speech' || state.kind === 'transcribe') {
        state.provider = normalizeProviderName(event?.provider);
        state.requestModel = str(event?.modelId);
        if (state.kind === 'speech' && typeof event?.text === 'string') state.characters = countCharacters(event.text);
      } else if (state.kind === 'agent') {
        state.agentName = str(event?.functionId) ?? this.getConfig().defaultAgentName ?? 'ai-sdk';
      } else if (state.kind === 'tool') {
        state.toolName = str(event?.toolCall?.toolName);
      }
    } catch {
      // keep defaults
    }
    return state;
  }

  /** Nearest enclosing agent run (generateText / streamText with tools). */
  private agentOf(state: CallState): CallState | undefined {
    for (let p = state.parent; p; p = p.parent) if (p.kind === 'agent') return p;
    return undefined;
  }

  private finish(states: WeakMap<object, CallState>, msg: unknown, failed: boolean): void {
    if (!isRecord(msg) || !this.isEnabled()) return;
    const state = states.get(msg);
    if (!state || state.done) return;
    const m = msg as ChannelMessage;
    const error = failed ? unwrapError(m.error) : undefined;
    switch (state.kind) {
      case 'model':
        return this.finishModel(state, failed ? undefined : m.result, error);
      case 'embed':
        return this.finishEmbed(state, failed ? undefined : m.result, error);
      case 'speech':
      case 'transcribe':
        return this.finishSpeech(state, failed ? undefined : m.result, error);
      case 'tool':
        return this.finishTool(state, failed ? undefined : m.result, error, failed);
      case 'agent':
        return this.finishAgent(state, error, failed);
      default:
        state.done = true;
    }
  }

  private countInference(state: CallState): void {
    const agent = this.agentOf(state);
    if (agent && !agent.done) agent.inferenceCalls++;
  }

  private finishModel(state: CallState, result: unknown, error: unknown): void {
    const stream = isRecord(result) ? (result as { stream?: unknown }).stream : undefined;
    if (error === undefined && isStreamLike(stream)) {
      this.observeStream(state, stream);
      return;
    }
    state.done = true;
    this.countInference(state);
    if (state.covered) return;
    const r = isRecord(result) ? (result as { usage?: unknown; response?: { modelId?: unknown } }) : undefined;
    this.llm().record({
      operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
      provider: state.provider,
      requestModel: state.requestModel,
      responseModel: str(isRecord(r?.response) ? r?.response?.modelId : undefined),
      ...usageOf(r?.usage),
      durationSeconds: nowSeconds() - state.start,
      error,
    });
  }

  /**
   * A streamed model call: the SDK pipes the provider's stream through its own transform
   * right after this call resolves; an observing transform is put in front of it (on that
   * stream instance only) and the call is recorded when the stream ends, errors or is
   * cancelled.
   */
  private observeStream(state: CallState, stream: StreamLike): void {
    let firstChunk: number | undefined;
    let lastOutput: number | undefined;
    const intervals: number[] = [];
    let usage: unknown;
    let responseModel: string | undefined;
    let streamError: unknown;
    const end = (error?: unknown) =>
      this.safely(() => {
        if (state.done) return;
        state.done = true;
        this.countInference(state);
        if (state.covered) return;
        this.llm().record({
          operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
          provider: state.provider,
          requestModel: state.requestModel,
          responseModel,
          ...usageOf(usage),
          durationSeconds: nowSeconds() - state.start,
          timeToFirstChunkSeconds: firstChunk === undefined ? undefined : firstChunk - state.start,
          timePerOutputChunkSeconds: intervals.length > 0 ? intervals : undefined,
          error: error === undefined ? undefined : unwrapError(error),
        });
      });
    const observer = new TransformStream<unknown, unknown>({
      transform: (part: unknown, controller: TransformStreamDefaultController<unknown>) => {
        controller.enqueue(part);
        try {
          if (!isRecord(part)) return;
          const type = part.type;
          if (typeof type !== 'string') return;
          if (OUTPUT_PARTS.has(type)) {
            const t = nowSeconds();
            if (firstChunk === undefined) firstChunk = t;
            else if (lastOutput !== undefined && intervals.length < MAX_CHUNK_INTERVALS) intervals.push(t - lastOutput);
            lastOutput = t;
          } else if (type === 'finish') usage = part.usage;
          else if (type === 'response-metadata') responseModel = str(part.modelId) ?? responseModel;
          else if (type === 'error' && streamError === undefined) streamError = part.error ?? new Error('stream error');
        } catch {
          // never disturb the stream
        }
      },
      flush: () => end(streamError),
      // called when the consumer cancels or the source errors (Node >= 22 streams)
      cancel: (reason: unknown) => end(reason ?? new Error('stream cancelled')),
    } as Transformer<unknown, unknown>);
    const original = stream.pipeThrough;
    try {
      Object.defineProperty(stream, 'pipeThrough', {
        configurable: true,
        writable: true,
        value: function agentmeterPipeThrough(this: StreamLike, transform: unknown, options?: unknown) {
          // once: restore the prototype method, then insert the observer in front
          delete (stream as unknown as Record<string, unknown>).pipeThrough;
          let observed: unknown;
          try {
            observed = original.call(stream, observer);
          } catch {
            return original.call(stream, transform, options);
          }
          return (observed as StreamLike).pipeThrough(transform, options);
        },
      });
    } catch {
      // a frozen stream: record without stream details
      end();
    }
  }

  private finishEmbed(state: CallState, result: unknown, error: unknown): void {
    state.done = true;
    if (state.covered) return;
    const r = isRecord(result) ? (result as { usage?: { tokens?: unknown } }) : undefined;
    this.llm().record({
      operation: GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS,
      provider: state.provider,
      requestModel: state.requestModel,
      inputTokens: num(isRecord(r?.usage) ? r?.usage?.tokens : undefined),
      durationSeconds: nowSeconds() - state.start,
      error,
    });
  }

  /** generateSpeech (text_to_speech, characters) and transcribe (speech_to_text, audio seconds). */
  private finishSpeech(state: CallState, result: unknown, error: unknown): void {
    state.done = true;
    if (state.covered) return;
    const seconds = isRecord(result) ? num((result as { durationInSeconds?: unknown }).durationInSeconds) : undefined;
    this.speech().record({
      operation: state.kind === 'speech' ? GEN_AI_OPERATION_NAME_VALUES.TEXT_TO_SPEECH : GEN_AI_OPERATION_NAME_VALUES.SPEECH_TO_TEXT,
      provider: state.provider,
      requestModel: state.requestModel,
      durationSeconds: nowSeconds() - state.start,
      characters: state.kind === 'speech' ? state.characters : undefined,
      audioSeconds: state.kind === 'transcribe' ? seconds : undefined,
      error,
    });
  }

  private finishTool(state: CallState, result: unknown, error: unknown, failed: boolean): void {
    state.done = true;
    if (this.getConfig().toolMetrics === false) return;
    const agent = this.agentOf(state);
    if (agent && !agent.done) agent.toolCalls++;
    let errorType: string | undefined = failed ? classifyError(error) : undefined;
    let durationSeconds = nowSeconds() - state.start;
    if (isRecord(result)) {
      const r = result as { output?: { type?: unknown; error?: unknown }; toolExecutionMs?: unknown };
      if (isRecord(r.output) && r.output.type === 'tool-error') errorType = classifyError(r.output.error ?? 'tool-error');
      const ms = num(r.toolExecutionMs);
      if (ms !== undefined) durationSeconds = ms / 1000;
    }
    this.tools().recordToolCall({
      toolName: state.toolName ?? 'unknown',
      toolType: GEN_AI_TOOL_TYPE_VALUES.FUNCTION,
      agentName: agent?.agentName,
      durationSeconds,
      errorType,
    });
  }

  private finishAgent(state: CallState, error: unknown, failed: boolean): void {
    state.done = true;
    if (this.getConfig().agentMetrics === false) return;
    this.tools().recordAgentRun({
      agentName: state.agentName ?? 'ai-sdk',
      durationSeconds: nowSeconds() - state.start,
      inferenceCalls: state.inferenceCalls,
      toolCalls: state.toolCalls,
      errorType: failed ? classifyError(error) : undefined,
    });
  }
}
