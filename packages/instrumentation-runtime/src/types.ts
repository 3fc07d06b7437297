import type { MeterProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link RuntimeInstrumentation}. */
export interface RuntimeInstrumentationConfig extends InstrumentationConfig, RuntimeMetricsConfig {}

/** Configuration of {@link RuntimeMetrics} (the same, without @opentelemetry/instrumentation's). */
export interface RuntimeMetricsConfig {
  /** false: constructed stopped; call `enable()` (default true). */
  enabled?: boolean;
  /**
   * The MeterProvider to record into. Default: the global one when the instrumentation
   * is constructed, or whatever `setMeterProvider()` sets later.
   */
  meterProvider?: MeterProvider;
  /**
   * Sampling interval of the event-loop delay histogram, in milliseconds (default 20). Each
   * tick wakes the process when it is otherwise idle; a block shorter than the interval
   * may go unseen.
   */
  eventLoopDelayResolutionMs?: number;
  /** Record `v8js.gc.duration` from a PerformanceObserver on 'gc' entries (default true). */
  gc?: boolean;
}
