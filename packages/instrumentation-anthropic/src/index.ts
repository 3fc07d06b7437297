/**
 * @agentmeter/instrumentation-anthropic: zero-code GenAI metrics for `@anthropic-ai/sdk`.
 */
export { AnthropicInstrumentation } from './instrumentation';
export type { AnthropicInstrumentationConfig } from './types';
