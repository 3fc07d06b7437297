/**
 * @agentmeter/instrumentation-mcp: zero-code Model Context Protocol metrics
 * (mcp.client/server.operation.duration, mcp.client/server.session.duration) for
 * `@modelcontextprotocol/sdk` clients and servers, on every transport.
 */
export { McpInstrumentation } from './instrumentation';
export type { McpInstrumentationConfig } from './types';
