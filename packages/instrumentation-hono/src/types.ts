import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link HonoInstrumentation} (the standard OpenTelemetry instrumentation options). */
export type HonoInstrumentationConfig = InstrumentationConfig;

/** The `hono` versions this instrumentation supports (semver range). */
export const SUPPORTED_HONO_VERSIONS = '>=4.0.0 <5';
