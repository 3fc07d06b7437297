/**
 * "A framework instrumentation records the GenAI call in progress here" probes.
 *
 * An instrumentation that records a framework's model calls itself (the Vercel AI SDK's
 * `ai:telemetry` tracing channel) registers a probe that answers, synchronously in the
 * caller's async context, whether the code now running belongs to such a call. Spans that
 * start then (the framework's own OpenTelemetry spans, e.g. `@ai-sdk/otel`) are skipped by
 * `GenAiSpanMetricsProcessor`, so each call is recorded once.
 *
 * Probes live on `globalThis` under a `Symbol.for` key so that several copies of this
 * package (CJS and ESM, or two versions) share them.
 */
type Probe = () => boolean;

const PROBES_KEY = Symbol.for('agentmeter.llm.framework-probes');

function probes(): Set<Probe> {
  const g = globalThis as unknown as Record<symbol, Set<Probe> | undefined>;
  let s = g[PROBES_KEY];
  if (!s) {
    s = new Set();
    g[PROBES_KEY] = s;
  }
  return s;
}

/** Registers a probe; returns a function that removes it. */
export function registerFrameworkCoverageProbe(probe: Probe): () => void {
  probes().add(probe);
  return () => {
    probes().delete(probe);
  };
}

/** True when a registered probe says a framework instrumentation records the current call. */
export function isFrameworkRecordedCall(): boolean {
  const s = (globalThis as unknown as Record<symbol, Set<Probe> | undefined>)[PROBES_KEY];
  if (!s || s.size === 0) return false;
  for (const p of s) {
    try {
      if (p()) return true;
    } catch {
      // a probe must never break span processing
    }
  }
  return false;
}

type StartListener = () => void;
const STARTS_KEY = Symbol.for('agentmeter.llm.recorded-call-start');

function startListeners(): Set<StartListener> {
  const g = globalThis as unknown as Record<symbol, Set<StartListener> | undefined>;
  let s = g[STARTS_KEY];
  if (!s) {
    s = new Set();
    g[STARTS_KEY] = s;
  }
  return s;
}

/**
 * Registers a listener called synchronously, in the caller's async context, when a GenAI
 * call that agentmeter records itself (an instrumented client method run through
 * `runRecordedGenAiCall`) starts. A framework instrumentation uses it to leave a model call
 * to the client instrumentation, also when the client records it later (a stream). Returns
 * a function that removes the listener.
 */
export function onRecordedGenAiCallStart(listener: StartListener): () => void {
  startListeners().add(listener);
  return () => {
    startListeners().delete(listener);
  };
}

/** Tells the listeners that a recorded call starts (never throws). */
export function notifyRecordedGenAiCallStart(): void {
  const s = (globalThis as unknown as Record<symbol, Set<StartListener> | undefined>)[STARTS_KEY];
  if (!s || s.size === 0) return;
  for (const l of s) {
    try {
      l();
    } catch {
      // a listener must never break the call
    }
  }
}
