import { SUPPORTED_RANGES } from './version';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link KoaInstrumentation} (the standard OpenTelemetry instrumentation options). */
export type KoaInstrumentationConfig = InstrumentationConfig;

/** The `koa` versions this instrumentation supports (semver range). */
export const SUPPORTED_KOA_VERSIONS: string = SUPPORTED_RANGES['koa']!;
/** The `@koa/router` versions whose matched route (`ctx._matchedRoute`) it records. */
export const SUPPORTED_KOA_ROUTER_VERSIONS: string = SUPPORTED_RANGES['@koa/router']!;
