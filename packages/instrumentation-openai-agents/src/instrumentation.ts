import type { MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { checkSupportedVersion, onGenAiUsage, report, versionInRange } from '@agentmeter/api';
import { LlmRecorder, classifyError, getDefaultLlmRecorder, normalizeProviderName } from '@agentmeter/llm';
import { nowSeconds } from '@agentmeter/llm/internal';
import { ToolMetrics, defaultToolMetrics } from '@agentmeter/tools';
import { GEN_AI_OPERATION_NAME_VALUES, GEN_AI_TOOL_TYPE_VALUES } from '@agentmeter/semconv';
import type { OpenAIAgentsInstrumentationConfig } from './types';
import type { AgentsSpanLike, SpanState, TraceProviderLike } from './internal-types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { MODULE_NAME, SUPPORTED_VERSIONS } from './module';

/** Trace providers agentmeter's processor is registered on (one global provider per process). */
const PROVIDERS_KEY = Symbol.for('agentmeter.instrumentation-openai-agents.providers');
/** Open spans followed at most (spans that never end are dropped, oldest first). */
const MAX_SPANS = 20_000;
const MODEL_SPANS = new Set(['response', 'generation']);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Seconds between two ISO timestamps of a span, when both parse. */
function isoSeconds(start: unknown, end: unknown): number | undefined {
  if (typeof start !== 'string' || typeof end !== 'string') return undefined;
  const a = Date.parse(start);
  const b = Date.parse(end);
  return Number.isFinite(a) && Number.isFinite(b) && b >= a ? (b - a) / 1000 : undefined;
}

/** An Error-like value for a span error (error.type from its data or message). */
function spanError(error: AgentsSpanLike['error']): unknown {
  try {
    return spanErrorUnsafe(error);
  } catch {
    return error ? new Error('agent span error') : undefined;
  }
}

function spanErrorUnsafe(error: AgentsSpanLike['error']): unknown {
  if (!error) return undefined;
  const data = isRecord(error.data) ? error.data : {};
  const e = new Error(str(error.message) ?? 'agent span error') as Error & { status?: unknown; name: string };
  const name = str(data.name) ?? str((data.error as Record<string, unknown> | undefined)?.name);
  if (name) e.name = name;
  if (typeof data.status === 'number') e.status = data.status;
  return e;
}

/**
 * Zero-code metrics for the OpenAI Agents SDK (`@openai/agents`, 0.x): registers a tracing
 * processor on the SDK's global trace provider (kept when the SDK or the app replaces the
 * processor list) and records
 *
 * - each agent invocation (agent span): `gen_ai.invoke_agent.duration`, `.inference_calls`
 *   (model calls of that agent), `.tool_calls` (function tools and handoffs);
 * - each function tool call: `gen_ai.execute_tool.duration` (with `error.type` on failure);
 * - each handoff: `gen_ai.execute_tool.duration` with `gen_ai.tool.name` `transfer_to_<agent>`;
 * - model calls made through a client agentmeter does not instrument (from the response /
 *   generation spans); calls through the instrumented `openai` client (the SDK's default)
 *   are recorded by that instrumentation, once.
 *
 * The SDK creates no spans when its tracing is disabled (`OPENAI_AGENTS_DISABLE_TRACING`,
 * `NODE_ENV=test`): nothing is recorded then.
 */
export class OpenAIAgentsInstrumentation extends InstrumentationBase<OpenAIAgentsInstrumentationConfig> {
  declare private _llmRecorder: LlmRecorder | undefined;
  declare private _toolMetrics: ToolMetrics | undefined;
  declare private _spans: Map<string, SpanState> | undefined;
  declare private _processor: Record<string, unknown> | undefined;
  declare private _currentSpanGetters: Set<() => unknown> | undefined;
  declare private _offUsage: (() => void) | undefined;
  declare private _recording: boolean | undefined;

  constructor(config: OpenAIAgentsInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    if (config.meterProvider) this.setMeterProvider(config.meterProvider);
  }

  /** Pins the meter provider the metrics are recorded into. */
  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(meterProvider);
    this._llmRecorder = new LlmRecorder({ meterProvider });
    this._toolMetrics = new ToolMetrics({ meterProvider });
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(MODULE_NAME, ['*'], (moduleExports: unknown, version?: string) => {
        this.register(moduleExports, version);
        return moduleExports;
      }),
    ];
  }

  override enable(): void {
    super.enable();
    if (!this._offUsage) {
      // The instrumented openai client records a model call the SDK makes inside a
      // response span: that span is then not recorded again.
      this._offUsage = onGenAiUsage(() => {
        if (this._recording) return;
        for (const get of this._currentSpanGetters ?? []) {
          try {
            const span = get() as AgentsSpanLike | null;
            const id = span?.spanId;
            const s = id ? this._spans?.get(id) : undefined;
            if (s && MODEL_SPANS.has(s.type)) {
              s.covered = true;
              return;
            }
          } catch {
            // a copy of the SDK without a current span
          }
        }
      });
    }
  }

  override disable(): void {
    super.disable();
    const off = this._offUsage;
    this._offUsage = undefined;
    if (off) off();
  }

  /**
   * Registers the tracing processor through an already-loaded `@openai/agents-core` (or
   * `@openai/agents`) module, for apps that load the SDK before the instrumentation.
   */
  manuallyInstrument(moduleExports: unknown): void {
    this.register(moduleExports, undefined);
  }

  private llm(): LlmRecorder {
    return this._llmRecorder ?? getDefaultLlmRecorder();
  }
  private tools(): ToolMetrics {
    return this._toolMetrics ?? defaultToolMetrics();
  }
  private spans(): Map<string, SpanState> {
    return (this._spans ??= new Map());
  }

  private register(moduleExports: unknown, version: string | undefined): void {
    try {
      if (version !== undefined && !versionInRange(version, SUPPORTED_VERSIONS)) {
        checkSupportedVersion(MODULE_NAME, version, SUPPORTED_VERSIONS, 'it is not instrumented');
        return;
      }
      const exp = moduleExports as { getGlobalTraceProvider?: () => TraceProviderLike; getCurrentSpan?: () => unknown } | undefined;
      if (typeof exp?.getCurrentSpan === 'function') (this._currentSpanGetters ??= new Set()).add(exp.getCurrentSpan);
      const provider = typeof exp?.getGlobalTraceProvider === 'function' ? exp.getGlobalTraceProvider() : undefined;
      if (!provider || typeof provider.registerProcessor !== 'function') {
        report('AGENTMETER_INSTRUMENTATION_UNSUPPORTED', 'openai-agents.provider', `${MODULE_NAME}: getGlobalTraceProvider() not found; agent runs are not measured`);
        return;
      }
      const g = globalThis as unknown as Record<symbol, WeakSet<object> | undefined>;
      const done = (g[PROVIDERS_KEY] ??= new WeakSet());
      if (done.has(provider)) return;
      done.add(provider);
      const processor = this.processor();
      provider.registerProcessor(processor);
      // `@openai/agents` (and apps) replace the processor list with setTraceProcessors():
      // agentmeter's processor stays in it.
      const setProcessors = provider.setProcessors;
      if (typeof setProcessors === 'function') {
        provider.setProcessors = function agentmeterSetProcessors(this: unknown, processors: unknown[]): void {
          const list = Array.isArray(processors) ? processors : [];
          return setProcessors.call(this, list.includes(processor) ? list : [...list, processor]);
        };
      }
    } catch (e) {
      report('AGENTMETER_INSTRUMENTATION_FAILED', 'openai-agents.register', `${MODULE_NAME}: registering the tracing processor failed: ${String(e)}`);
    }
  }

  private processor(): Record<string, unknown> {
    if (this._processor) return this._processor;
    const inst = this;
    const safely = (fn: () => void) => {
      try {
        if (inst.isEnabled()) fn();
      } catch (e) {
        report('AGENTMETER_RECORD_FAILED', 'openai-agents.span', `openai-agents: measuring a span failed: ${String(e)}`);
      }
    };
    this._processor = {
      start: () => undefined,
      onTraceStart: async () => undefined,
      onTraceEnd: async () => undefined,
      onSpanStart: async (span: AgentsSpanLike) => safely(() => inst.spanStart(span)),
      onSpanEnd: async (span: AgentsSpanLike) => safely(() => inst.spanEnd(span)),
      shutdown: async () => undefined,
      forceFlush: async () => undefined,
    };
    return this._processor;
  }

  private spanStart(span: AgentsSpanLike): void {
    const id = span?.spanId;
    const type = span?.spanData?.type;
    if (!id || !type) return;
    const spans = this.spans();
    if (spans.size >= MAX_SPANS) {
      const oldest = spans.keys().next().value;
      if (oldest !== undefined) spans.delete(oldest);
    }
    spans.set(id, {
      type,
      parentId: str(span.parentId ?? undefined),
      start: nowSeconds(),
      agentName: type === 'agent' ? str(span.spanData?.name) : undefined,
      inferenceCalls: 0,
      toolCalls: 0,
      covered: false,
    });
  }

  /** The agent span a span belongs to (its nearest agent ancestor). */
  private agentOf(parentId: string | undefined): SpanState | undefined {
    const spans = this.spans();
    for (let id = parentId, i = 0; id && i < 64; i++) {
      const s = spans.get(id);
      if (!s) return undefined;
      if (s.type === 'agent') return s;
      id = s.parentId;
    }
    return undefined;
  }

  private spanEnd(span: AgentsSpanLike): void {
    const id = span?.spanId;
    if (!id) return;
    const spans = this.spans();
    const s = spans.get(id);
    if (!s) return;
    const duration = isoSeconds(span.startedAt, span.endedAt) ?? nowSeconds() - s.start;
    const error = spanError(span.error);
    const data = span.spanData ?? {};
    switch (s.type) {
      case 'agent':
        spans.delete(id);
        this.tools().recordAgentRun({
          agentName: s.agentName ?? 'agent',
          durationSeconds: duration,
          inferenceCalls: s.inferenceCalls,
          toolCalls: s.toolCalls,
          errorType: error === undefined ? undefined : classifyError(error),
        });
        return;
      case 'function':
      case 'handoff': {
        spans.delete(id);
        const agent = this.agentOf(s.parentId);
        if (agent) agent.toolCalls++;
        const toolName = s.type === 'handoff' ? `transfer_to_${toToolName(str(data.to_agent) ?? 'agent')}` : (str(data.name) ?? 'unknown');
        this.tools().recordToolCall({
          toolName,
          toolType: GEN_AI_TOOL_TYPE_VALUES.FUNCTION,
          agentName: agent?.agentName ?? str(data.from_agent),
          durationSeconds: duration,
          errorType: error === undefined ? undefined : classifyError(error),
        });
        return;
      }
      case 'response':
      case 'generation': {
        const agent = this.agentOf(s.parentId);
        if (agent) agent.inferenceCalls++;
        // keep the state until after this span is reported as ended, then drop it
        spans.delete(id);
        if (s.covered) return;
        this.recordModel(s.type, data, duration, error);
        return;
      }
      default:
        // task, turn, guardrail, custom, ...: kept as parents while open
        spans.delete(id);
    }
  }

  /** A model call no instrumented client recorded (a custom model provider). */
  private recordModel(type: string, data: NonNullable<AgentsSpanLike['spanData']>, duration: number, error: unknown): void {
    const response = isRecord(data._response) ? data._response : undefined;
    const usage = (isRecord(data.usage) ? data.usage : isRecord(response?.usage) ? response?.usage : {}) as Record<string, unknown>;
    const inDetails = isRecord(usage.input_tokens_details) ? usage.input_tokens_details : {};
    const outDetails = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : {};
    const model = str(data.model) ?? str(response?.model);
    if (type === 'response' && !model && !usage.input_tokens) return; // nothing to record
    this._recording = true;
    try {
      this.llm().record({
        operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
        provider: normalizeProviderName('openai'),
        requestModel: model,
        responseModel: str(response?.model),
        inputTokens: num(usage.input_tokens),
        outputTokens: num(usage.output_tokens),
        cacheReadTokens: num(inDetails.cached_tokens),
        reasoningTokens: num(outDetails.reasoning_tokens),
        durationSeconds: duration,
        error,
      });
    } finally {
      this._recording = false;
    }
  }
}

/** The SDK's default handoff tool name part for an agent name (`Billing agent` -> `billing_agent`). */
function toToolName(name: string): string {
  return name.replace(/\s+/g, '_').replace(/[^a-zA-Z0-9_]/g, '').toLowerCase().slice(0, 64) || 'agent';
}
