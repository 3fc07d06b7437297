/**
 * @agentmeter/instrumentation-ws: WebSocket metrics for the `ws` package
 * (websocket.server.* for server-side sockets, websocket.client.* for client sockets).
 */
export { WsInstrumentation } from './instrumentation';
export { SUPPORTED_WS_VERSIONS } from './types';
export type { WsInstrumentationConfig } from './types';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version';
