import type { MeterProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link AiSdkInstrumentation}. */
export interface AiSdkInstrumentationConfig extends InstrumentationConfig {
  /** Record into this meter provider (default: the global one; `setMeterProvider` also pins one). */
  meterProvider?: MeterProvider;
  /**
   * `gen_ai.agent.name` of a generateText / streamText call with tools (an agent loop) that
   * has no `telemetry.functionId` (the function id wins). Default `ai-sdk`.
   */
  defaultAgentName?: string;
  /** Record `gen_ai.invoke_agent.*` for generateText / streamText calls with tools (default true). */
  agentMetrics?: boolean;
  /** Record `gen_ai.execute_tool.duration` for tool executions (default true). */
  toolMetrics?: boolean;
}
