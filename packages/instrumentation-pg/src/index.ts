/**
 * @agentmeter/instrumentation-pg: Postgres (`pg`) metrics through
 * @opentelemetry/instrumentation-pg, with `db.collection.name` on the operation duration.
 */
export { PgInstrumentation } from './instrumentation';
export type { PgInstrumentationConfig } from './types';
