/**
 * @agentmeter/tools: tool executions (`gen_ai.execute_tool.duration`) and agent runs
 * (`gen_ai.invoke_agent.duration`, `gen_ai.invoke_agent.inference_calls`,
 * `gen_ai.invoke_agent.tool_calls`).
 */
export { ToolMetrics, recordToolCall, trackTool, trackAgentRun, recordAgentRun, currentAgentRun, defaultToolMetrics } from './tools';
export type { ToolCallAttributes, ToolCallRecord, AgentRunAttributes, AgentRunRecord, AgentRun, ToolMetricsOptions } from './tools';
export { errorTypeOf } from './errors';
export { GEN_AI_TOOL_TYPE_VALUES } from './semconv';
export type { GenAiToolType } from './semconv';
