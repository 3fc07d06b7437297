import { SUPPORTED_RANGES } from './version';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link HonoInstrumentation} (the standard OpenTelemetry instrumentation options). */
export type HonoInstrumentationConfig = InstrumentationConfig;

/** The `hono` versions this instrumentation supports (semver range). */
export const SUPPORTED_HONO_VERSIONS: string = SUPPORTED_RANGES['hono']!;
