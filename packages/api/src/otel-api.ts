/**
 * `@opentelemetry/api`, loaded on first use. The API is ~50 CommonJS files (about 20 ms
 * of a process's start-up on Node 24); agentmeter's start() and preloads record into
 * their own MeterProvider and need the API only when something asks for the global one,
 * logs through `diag`, or falls back to a no-op instrument (issue 18). Types come from
 * `import type`, which loads nothing.
 */
import type * as OtelApi from '@opentelemetry/api';

let api: typeof OtelApi | undefined;

/** The `@opentelemetry/api` module (required on the first call). */
export function otelApi(): typeof OtelApi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: the point of this module
  return (api ??= require('@opentelemetry/api') as typeof OtelApi);
}
