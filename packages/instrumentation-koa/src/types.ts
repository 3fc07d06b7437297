import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link KoaInstrumentation} (the standard OpenTelemetry instrumentation options). */
export type KoaInstrumentationConfig = InstrumentationConfig;

/** The `koa` versions this instrumentation supports (semver range). */
export const SUPPORTED_KOA_VERSIONS = '>=2.13.0 <4';
/** The `@koa/router` versions whose matched route (`ctx._matchedRoute`) it records. */
export const SUPPORTED_KOA_ROUTER_VERSIONS = '>=12.0.0 <16';
