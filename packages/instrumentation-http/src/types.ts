import type { MeterProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Which HTTP events {@link HttpDiagnosticsMetrics} records (each default true). */
export interface HttpMetricsOptions {
  /** node:http / node:https servers: `http.server.request.duration`, `http.server.active_requests`. */
  server?: boolean;
  /** node:http / node:https clients: `http.client.request.duration`. */
  client?: boolean;
  /** fetch (undici): `http.client.request.duration`. */
  undici?: boolean;
}

/** Configuration of {@link HttpInstrumentation}. */
export interface HttpInstrumentationConfig extends InstrumentationConfig, HttpMetricsOptions {
  /**
   * The MeterProvider to record into. Default: the global one when the instrumentation
   * is constructed, or whatever `setMeterProvider()` sets later.
   */
  meterProvider?: MeterProvider;
}
