/**
 * Model Context Protocol names (OpenTelemetry MCP semantic conventions): the four
 * `mcp.*` duration histograms, their attributes and bucket advice.
 */
import { def } from './definition';

export const ATTR_MCP_METHOD_NAME = 'mcp.method.name';
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
export const ATTR_NETWORK_TRANSPORT = 'network.transport';

/** `network.transport` values the MCP instrumentation writes: `pipe` for stdio, `tcp` for HTTP. */
export const NETWORK_TRANSPORT_VALUES = { PIPE: 'pipe', TCP: 'tcp' } as const;

/** `error.type` of a tools/call whose CallToolResult has `isError: true`. */
export const MCP_ERROR_TYPE_TOOL_ERROR = 'tool_error';

/** MCP convention: operation and session durations, 0.01 .. 300 s. */
export const BUCKETS_MCP_DURATION: readonly number[] = Object.freeze([
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
]);

export const METRIC_MCP_CLIENT_OPERATION_DURATION = 'mcp.client.operation.duration';
export const METRIC_MCP_SERVER_OPERATION_DURATION = 'mcp.server.operation.duration';
export const METRIC_MCP_CLIENT_SESSION_DURATION = 'mcp.client.session.duration';
export const METRIC_MCP_SERVER_SESSION_DURATION = 'mcp.server.session.duration';

const ERROR_TYPE = 'error.type';
const GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
const OPERATION_ATTRS = [ATTR_MCP_METHOD_NAME, GEN_AI_TOOL_NAME, ATTR_GEN_AI_PROMPT_NAME, ERROR_TYPE, ATTR_NETWORK_TRANSPORT, ATTR_MCP_PROTOCOL_VERSION];
const SESSION_ATTRS = [ATTR_MCP_PROTOCOL_VERSION, ATTR_NETWORK_TRANSPORT, ERROR_TYPE];

const mcpDef = <N extends string>(name: N, attributes: readonly string[], description: string) => def(name, 'histogram', 's', attributes, 'otel', description, BUCKETS_MCP_DURATION);

/** The MCP entries of `CATALOGUE`. */
export const MCP_METRIC_DEFINITIONS = Object.freeze([
  mcpDef(METRIC_MCP_CLIENT_OPERATION_DURATION, OPERATION_ATTRS, 'Duration of an MCP request as observed by the client (sent until the response arrived).'),
  mcpDef(METRIC_MCP_SERVER_OPERATION_DURATION, OPERATION_ATTRS, 'Duration of an MCP request as observed by the server (received until the response was sent).'),
  mcpDef(METRIC_MCP_CLIENT_SESSION_DURATION, SESSION_ATTRS, 'Duration of an MCP session as observed by the client.'),
  mcpDef(METRIC_MCP_SERVER_SESSION_DURATION, SESSION_ATTRS, 'Duration of an MCP session as observed by the server.'),
]);
