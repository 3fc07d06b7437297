/**
 * The shape of a catalogue row and the rule that names it for Prometheus (kept apart from
 * index.ts so that mcp.ts can build rows without a circular import).
 */
import { prometheusName, type PromKind } from './prometheus';

export type InstrumentKind = 'counter' | 'updowncounter' | 'histogram' | 'gauge';
export type Stability = 'otel' | 'agentmeter';

/**
 * One catalogue metric. `N` and `K` are the literal name and instrument kind of a
 * `CATALOGUE` entry (so `createCatalogueInstrument` knows the instrument type); the
 * defaults describe any metric.
 */
export interface MetricDefinition<N extends string = string, K extends InstrumentKind = InstrumentKind> {
  /** OpenTelemetry instrument name. */
  readonly name: N;
  readonly kind: K;
  /** UCUM unit as OpenTelemetry writes it (`s`, `By`, `1`, `{token}`). */
  readonly unit: string;
  readonly description: string;
  /** Name as Prometheus sees it (without `_bucket`/`_sum`/`_count`), derived by `prometheusNameOf`. */
  readonly prometheus: string;
  readonly attributes: readonly string[];
  readonly buckets?: readonly number[];
  readonly stability: Stability;
  /**
   * GenAI client metrics only: the AGENTMETER_GENAI_METRICS set the metric belongs to.
   * `current` metrics are emitted under `current` and `both`, `legacy` ones under `legacy`
   * and `both`; `all` (gen_ai.client.operation.duration) in every mode. Unset: always emitted.
   */
  readonly genAiMetrics?: 'current' | 'legacy' | 'all';
}

/** The Prometheus metric type of an instrument kind: up-down counters are exposed as gauges. */
export function prometheusKind(kind: InstrumentKind): PromKind {
  return kind === 'counter' ? 'counter' : kind === 'histogram' ? 'histogram' : 'gauge';
}

/**
 * The Prometheus family name the serializer (@agentmeter/core) gives an instrument of
 * this name, unit and kind (synchronous or observable): only counters are monotonic.
 */
export function prometheusNameOf(name: string, unit: string, kind: InstrumentKind): string {
  return prometheusName(name, unit, prometheusKind(kind), kind === 'counter');
}

/** A frozen catalogue row; the Prometheus name is derived, never written by hand. */
export function def<N extends string, K extends InstrumentKind>(
  name: N,
  kind: K,
  unit: string,
  attributes: readonly string[],
  stability: Stability,
  description: string,
  buckets?: readonly number[],
): MetricDefinition<N, K> {
  return Object.freeze({ name, kind, unit, prometheus: prometheusNameOf(name, unit, kind), attributes: Object.freeze([...attributes]), stability, description, buckets });
}

