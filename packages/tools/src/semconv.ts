/** Defined in @agentmeter/semconv. */
export { GEN_AI_TOOL_TYPE_VALUES } from '@agentmeter/semconv';
export type { GenAiToolType } from '@agentmeter/semconv';
