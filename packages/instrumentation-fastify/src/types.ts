import { SUPPORTED_RANGES } from './version';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of {@link FastifyInstrumentation} (the standard OpenTelemetry instrumentation options). */
export type FastifyInstrumentationConfig = InstrumentationConfig;

/** The `fastify` versions this instrumentation supports (semver range). */
export const SUPPORTED_FASTIFY_VERSIONS: string = SUPPORTED_RANGES['fastify']!;
