/**
 * @agentmeter/instrumentation-ai: zero-code GenAI, tool and agent metrics for the Vercel
 * AI SDK (`ai` 7) through its `ai:telemetry` diagnostics tracing channel.
 */
export { AiSdkInstrumentation } from './instrumentation';
export type { AiSdkInstrumentationConfig } from './types';
