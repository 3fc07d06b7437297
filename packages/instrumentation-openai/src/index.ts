/**
 * @agentmeter/instrumentation-openai: zero-code GenAI metrics for the `openai` client.
 */
export { OpenAIInstrumentation } from './instrumentation';
export type { OpenAIInstrumentationConfig } from './types';
