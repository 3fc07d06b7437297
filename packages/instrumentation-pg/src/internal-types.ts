import type { Histogram } from '@opentelemetry/api';

/** What the query wrapper reads of a pg Client (the query's receiver). */
export interface PgClientLike {
  database?: string;
  connectionParameters?: { host?: string; port?: number };
}

/** A function wrapped around `Client.prototype.query`. */
export type QueryFn = (...a: unknown[]) => unknown;
/** instrumentation-pg's `_getClientQueryPatch()` result: original query → patched query. */
export type QueryPatch = (original: QueryFn) => QueryFn;

/**
 * One of the module definitions instrumentation-pg's `init()` returns
 * (InstrumentationNodeModuleDefinition / InstrumentationNodeModuleFile, as far as they are used).
 */
export interface ModuleDefinitionLike {
  name: string;
  supportedVersions: string[];
  patch?: (exports: unknown, version?: string) => unknown;
  files?: ModuleDefinitionLike[];
}

/**
 * The internals of @opentelemetry/instrumentation-pg (pinned in package.json) the subclass
 * in otel-pg.ts relies on; test/internals.test.mjs checks each of them.
 */
export interface OtelPgInternals {
  /** Created by its `_updateMetricInstruments()`: the `db.client.operation.duration` histogram. */
  _operationDuration: Histogram;
  /** Its module definitions: `pg` (with files) and `pg-pool`. */
  init(): unknown;
  /** Records its own duration (without the table): replaced by a no-op. */
  recordOperationDuration(...a: unknown[]): void;
  /** Its wrapper of `Client.prototype.query`, wrapped once more. */
  _getClientQueryPatch(): QueryPatch;
}
