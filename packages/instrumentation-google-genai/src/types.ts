import type { MeterProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link GoogleGenAIInstrumentation}. */
export interface GoogleGenAIInstrumentationConfig extends InstrumentationConfig {
  /** Record into this meter provider (default: the global one; `setMeterProvider` also pins one). */
  meterProvider?: MeterProvider;
  /** gen_ai.provider.name for every call. Default: `gcp.vertex_ai` for clients in Vertex AI mode, else `gcp.gemini`. */
  providerName?: string;
}
