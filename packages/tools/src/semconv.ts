/**
 * Constants @agentmeter/tools needs that @agentmeter/semconv does not define (yet).
 */

/** Well-known values of `gen_ai.tool.type` (OpenTelemetry GenAI semantic conventions). */
export const GEN_AI_TOOL_TYPE_VALUES = {
  /** A tool executed on the client (the app) side, e.g. a function call. */
  FUNCTION: 'function',
  /** A tool executed on the agent side to call external APIs. */
  EXTENSION: 'extension',
  /** A tool the agent uses to query a data store (retrieval). */
  DATASTORE: 'datastore',
} as const;
export type GenAiToolType = (typeof GEN_AI_TOOL_TYPE_VALUES)[keyof typeof GEN_AI_TOOL_TYPE_VALUES];
