import { GEN_AI_METRICS_VALUES, type GenAiMetricsMode } from '@agentmeter/semconv';
import { report } from './diagnostics';

// The process-wide GenAI metric names setting (current | legacy | both), here rather than
// in @agentmeter/llm so that start() sets it without loading the recorders.

const MODE_KEY = Symbol.for('agentmeter.genAiMetrics');
type ModeHolder = { [MODE_KEY]?: GenAiMetricsMode };
const MODES: readonly string[] = Object.values(GEN_AI_METRICS_VALUES);

/** True when `v` is one of `current`, `legacy`, `both`. */
export function isGenAiMetricsMode(v: unknown): v is GenAiMetricsMode {
  return typeof v === 'string' && MODES.includes(v);
}

let envMode: GenAiMetricsMode | undefined;
function modeFromEnv(): GenAiMetricsMode {
  if (envMode !== undefined) return envMode;
  const v = typeof process === 'object' ? process.env?.AGENTMETER_GENAI_METRICS : undefined;
  if (v === undefined || v === '') envMode = GEN_AI_METRICS_VALUES.CURRENT;
  else if (isGenAiMetricsMode(v.trim().toLowerCase())) envMode = v.trim().toLowerCase() as GenAiMetricsMode;
  else {
    report('AGENTMETER_INVALID_CONFIG', 'AGENTMETER_GENAI_METRICS', `AGENTMETER_GENAI_METRICS: expected current, legacy or both, got ${JSON.stringify(v.slice(0, 40))}; using current`);
    envMode = GEN_AI_METRICS_VALUES.CURRENT;
  }
  return envMode;
}

/**
 * Sets which GenAI metric names every recorder without its own `genAiMetrics` option emits,
 * process-wide: `current` (semantic-conventions-genai v0.1.0, the default), `legacy` (the
 * v1.41 names), `both`. `start()` calls it from the `genAiMetrics` option /
 * AGENTMETER_GENAI_METRICS. An invalid value is ignored with one diagnostic.
 */
export function setGenAiMetrics(mode: GenAiMetricsMode): void {
  if (!isGenAiMetricsMode(mode)) {
    report('AGENTMETER_INVALID_CONFIG', 'genAiMetrics', `genAiMetrics: expected current, legacy or both, got ${JSON.stringify(String(mode).slice(0, 40))}; ignored`);
    return;
  }
  (globalThis as ModeHolder)[MODE_KEY] = mode;
}

/** The process-wide GenAI metric names setting (see {@link setGenAiMetrics}). */
export function getGenAiMetrics(): GenAiMetricsMode {
  return (globalThis as ModeHolder)[MODE_KEY] ?? modeFromEnv();
}
