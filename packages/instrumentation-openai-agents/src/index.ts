/**
 * @agentmeter/instrumentation-openai-agents: zero-code agent, tool and handoff metrics for
 * the OpenAI Agents SDK (`@openai/agents`) through its tracing-processor API.
 */
export { OpenAIAgentsInstrumentation } from './instrumentation';
export type { OpenAIAgentsInstrumentationConfig } from './types';
