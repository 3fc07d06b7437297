import { SUPPORTED_RANGES } from './version';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link WsInstrumentation}. */
export interface WsInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record `websocket.client.active_connections` and `websocket.client.messages` for
   * client-side sockets (`new WebSocket(url)`) in this process. Default `true`.
   * Server-side sockets are always recorded under `websocket.server.*`.
   */
  clientMetrics?: boolean;
}

/** The `ws` versions this instrumentation patches (semver ranges). */
export const SUPPORTED_WS_VERSIONS: readonly string[] = Object.freeze([SUPPORTED_RANGES.ws!]);
