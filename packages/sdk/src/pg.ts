import type { MeterProvider } from '@opentelemetry/api';

/**
 * Postgres metrics through @opentelemetry/instrumentation-pg (db.client.operation.duration,
 * db.client.connection.count / .max / .pending_requests), its meter pointed at agentmeter.
 */
export function enablePgInstrumentation(provider: MeterProvider): { disable(): void } {
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg');
  const inst = new PgInstrumentation({ enabled: false, requireParentSpan: false });
  inst.setMeterProvider(provider);
  inst.enable();
  return { disable: () => inst.disable() };
}
