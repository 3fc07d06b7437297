import { SUPPORTED_RANGES } from './version';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link ExpressInstrumentation} (the standard OpenTelemetry instrumentation options). */
export type ExpressInstrumentationConfig = InstrumentationConfig;

/**
 * The `express` versions this instrumentation supports (semver range): Express 4 through
 * its `express/lib/router` module, Express 5 through the `router` package it uses.
 */
export const SUPPORTED_EXPRESS_VERSIONS: string = SUPPORTED_RANGES['express']!;
/** The `router` versions (Express 5's router) this instrumentation supports. */
export const SUPPORTED_ROUTER_VERSIONS: string = SUPPORTED_RANGES['router']!;
