import type { MeterProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link AnthropicInstrumentation}. */
export interface AnthropicInstrumentationConfig extends InstrumentationConfig {
  /** Record into this meter provider (default: the global one; `setMeterProvider` also pins one). */
  meterProvider?: MeterProvider;
  /** gen_ai.provider.name for every call (default `anthropic`). */
  providerName?: string;
}
