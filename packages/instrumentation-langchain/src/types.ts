import type { MeterProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link LangChainInstrumentation}. */
export interface LangChainInstrumentationConfig extends InstrumentationConfig {
  /** Record into this meter provider (default: the global one; `setMeterProvider` also pins one). */
  meterProvider?: MeterProvider;
  /**
   * `gen_ai.agent.name` of an agent run without a name (`createAgent({ name })` and a
   * graph's name win). Default `langchain`.
   */
  defaultAgentName?: string;
}
