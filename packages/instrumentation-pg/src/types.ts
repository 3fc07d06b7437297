import type { MeterProvider } from '@opentelemetry/api';

/** Configuration of {@link PgInstrumentation}. */
export interface PgInstrumentationConfig {
  /** false: constructed off; call `enable()` (default true). */
  enabled?: boolean;
  /**
   * The MeterProvider to record into. Default: the global one when enabled, or whatever
   * `setMeterProvider()` sets.
   */
  meterProvider?: MeterProvider;
}
