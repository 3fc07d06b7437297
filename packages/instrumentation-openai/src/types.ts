import type { MeterProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link OpenAIInstrumentation}. */
export interface OpenAIInstrumentationConfig extends InstrumentationConfig {
  /** Record into this meter provider (default: the global one; `setMeterProvider` also pins one). */
  meterProvider?: MeterProvider;
  /**
   * gen_ai.provider.name for every call. Default: `azure.ai.openai` for `AzureOpenAI`
   * clients, a well-known provider recognised from the client's `baseURL` host (groq,
   * deepseek, mistral_ai, x_ai, perplexity, ...), else `openai`.
   */
  providerName?: string;
}
