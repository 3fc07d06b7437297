import { context, createContextKey, trace, type Context } from '@opentelemetry/api';
import { notifyRecordedGenAiCallStart } from './framework-coverage';

/**
 * "This GenAI call is already recorded by agentmeter" marker.
 *
 * An instrumentation that records a call itself (agentmeter's openai / anthropic
 * instrumentations) runs the client method through {@link runRecordedGenAiCall}. Spans that
 * start while it runs (synchronously, or asynchronously in the OpenTelemetry context it sets)
 * and the inference span around it are then skipped by `GenAiSpanMetricsProcessor`, so each
 * call is counted once whichever path sees it.
 *
 * The state lives on `globalThis` under `Symbol.for` keys so that several copies of this
 * package (CJS and ESM, or two versions) agree.
 */
export const GEN_AI_RECORDED_CONTEXT_KEY: symbol = createContextKey('agentmeter.gen_ai.recorded');

interface CoverageState {
  /** Depth of synchronous runRecordedGenAiCall frames currently executing. */
  depth: number;
  /** Inference spans that enclosed a recorded call. */
  readonly spans: WeakSet<object>;
}

const STATE_KEY = Symbol.for('agentmeter.llm.coverage');

function state(): CoverageState {
  const g = globalThis as unknown as Record<symbol, CoverageState | undefined>;
  let s = g[STATE_KEY];
  if (!s) {
    s = { depth: 0, spans: new WeakSet() };
    g[STATE_KEY] = s;
  }
  return s;
}

const INFERENCE_OPERATIONS = new Set(['chat', 'text_completion', 'embeddings', 'generate_content', 'text_to_speech', 'speech_to_text']);

/** True when a live span object looks like a GenAI inference span (structural: SDK spans expose `attributes`). */
export function isInferenceSpanLike(span: unknown): boolean {
  try {
    const attrs = (span as { attributes?: Record<string, unknown> } | undefined)?.attributes;
    if (!attrs || typeof attrs !== 'object') return false;
    const op = attrs['gen_ai.operation.name'];
    if (typeof op === 'string') return INFERENCE_OPERATIONS.has(op);
    return typeof attrs['gen_ai.request.model'] === 'string';
  } catch {
    return false;
  }
}

/**
 * Runs `fn` (a client call that agentmeter records itself) with the "already recorded"
 * marker set: synchronously (a global depth counter, for spans the client starts before its
 * first await) and in the OpenTelemetry context (for spans started later, when a context
 * manager is registered). The active span is remembered too when it is an inference span
 * (a tracing wrapper that patched the same method outside agentmeter's).
 */
export function runRecordedGenAiCall<T>(fn: () => T): T {
  notifyRecordedGenAiCallStart();
  const s = state();
  let ctx: Context;
  try {
    ctx = context.active();
    const active = trace.getSpan(ctx);
    if (active && isInferenceSpanLike(active)) s.spans.add(active);
    ctx = ctx.setValue(GEN_AI_RECORDED_CONTEXT_KEY, true);
  } catch {
    return fn();
  }
  s.depth++;
  try {
    return context.with(ctx, fn);
  } finally {
    s.depth--;
  }
}

/**
 * True when a span starting now, in `parentContext`, belongs to a call agentmeter already
 * records (used by the span processor's `onStart`).
 */
export function isRecordedGenAiCall(parentContext?: Context): boolean {
  if (state().depth > 0) return true;
  try {
    return parentContext?.getValue(GEN_AI_RECORDED_CONTEXT_KEY) === true;
  } catch {
    return false;
  }
}

/** True when `span` enclosed a call agentmeter recorded (see runRecordedGenAiCall). */
export function spanEnclosedRecordedCall(span: object): boolean {
  return state().spans.has(span);
}
