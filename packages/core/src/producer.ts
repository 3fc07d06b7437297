import type { HrTime } from '@opentelemetry/api';
// Types only: loading @opentelemetry/sdk-metrics costs ~50 ms of start-up, and only the
// optional OTLP path needs it. The enum values below are sdk-metrics 2.x's own.
import type { CollectionResult, InstrumentType, MetricData, MetricProducer, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { InstrumentKind, Registry } from './registry';
import type { HistogramSeries, ScalarSeries } from './series';

const TYPE = {
  counter: 'COUNTER',
  updowncounter: 'UP_DOWN_COUNTER',
  histogram: 'HISTOGRAM',
  gauge: 'GAUGE',
  observablecounter: 'OBSERVABLE_COUNTER',
  observableupdowncounter: 'OBSERVABLE_UP_DOWN_COUNTER',
  observablegauge: 'OBSERVABLE_GAUGE',
} as unknown as Record<InstrumentKind, InstrumentType>;
/** AggregationTemporality.CUMULATIVE */
const CUMULATIVE = 1 as AggregationTemporality.CUMULATIVE;
const DP_HISTOGRAM = 0 as DataPointType.HISTOGRAM;
const DP_GAUGE = 2 as DataPointType.GAUGE;
const DP_SUM = 3 as DataPointType.SUM;

function hr(ms: number): HrTime {
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
}

/**
 * Exposes a Registry to OpenTelemetry SDK readers (OTLP, the stock Prometheus exporter,
 * in-memory test readers) through the SDK's MetricProducer interface: cumulative sums,
 * gauges and explicit-bucket histograms, one ScopeMetrics per instrumentation scope.
 */
export class RegistryMetricProducer implements MetricProducer {
  constructor(private readonly registry: Registry) {}

  async collect(): Promise<CollectionResult> {
    await this.registry.collect();
    const start = hr(this.registry.startTimeMs);
    const end = hr(Date.now());
    const scopes = new Map<string, ScopeMetrics>();
    for (const rec of this.registry.instruments()) {
      if (rec.store.size === 0) continue;
      const skey = `${rec.scope.name}@${rec.scope.version ?? ''}`;
      let sm = scopes.get(skey);
      if (!sm) {
        sm = { scope: { name: rec.scope.name, version: rec.scope.version, schemaUrl: rec.scope.schemaUrl }, metrics: [] };
        scopes.set(skey, sm);
      }
      const descriptor = { name: rec.name, description: rec.description, unit: rec.unit, type: TYPE[rec.kind], valueType: rec.valueType };
      const all = [...rec.store.series.values()];
      if (rec.store.overflow) all.push(rec.store.overflow);
      let md: MetricData;
      if (rec.kind === 'histogram') {
        const boundaries = Array.from(rec.boundaries ?? []);
        md = {
          descriptor,
          aggregationTemporality: CUMULATIVE,
          dataPointType: DP_HISTOGRAM,
          dataPoints: (all as HistogramSeries[]).map((s) => ({
            attributes: s.attributes,
            startTime: start,
            endTime: end,
            value: {
              buckets: { boundaries, counts: Array.from(s.counts) },
              sum: s.sum,
              count: s.count,
              min: s.count ? s.min : undefined,
              max: s.count ? s.max : undefined,
            },
          })),
        };
      } else if (rec.promKind === 'gauge' && (rec.kind === 'gauge' || rec.kind === 'observablegauge')) {
        md = {
          descriptor,
          aggregationTemporality: CUMULATIVE,
          dataPointType: DP_GAUGE,
          dataPoints: (all as ScalarSeries[]).map((s) => ({ attributes: s.attributes, startTime: start, endTime: end, value: s.value })),
        };
      } else {
        md = {
          descriptor,
          aggregationTemporality: CUMULATIVE,
          dataPointType: DP_SUM,
          isMonotonic: rec.monotonic,
          dataPoints: (all as ScalarSeries[]).map((s) => ({ attributes: s.attributes, startTime: start, endTime: end, value: s.value })),
        };
      }
      sm.metrics.push(md);
    }
    return {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first collect only; this module imports OpenTelemetry types only
      resourceMetrics: { resource: require('@opentelemetry/resources').resourceFromAttributes({}), scopeMetrics: [...scopes.values()] },
      errors: [],
    };
  }
}
