/**
 * @agentmeter/instrumentation-ws: WebSocket metrics for the `ws` package
 * (websocket.server.* for server-side sockets, websocket.client.* for client sockets).
 */
export { WsInstrumentation } from './instrumentation';
export type { WsInstrumentationConfig } from './types';
