/**
 * The one place agentmeter depends on internals of @opentelemetry/instrumentation-pg
 * (pinned exactly in package.json; see OtelPgInternals in internal-types.ts):
 * - `init()` returns InstrumentationNodeModuleDefinitions, the `pg` one with `patch`,
 *   `supportedVersions` and `files`: their version check is replaced by agentmeter's;
 * - `recordOperationDuration()` records its own duration: replaced by a no-op;
 * - `_getClientQueryPatch()` wraps `Client.prototype.query`: wrapped once more, to record
 *   the duration with `db.collection.name`;
 * - `_operationDuration` (created by `_updateMetricInstruments()`) is the histogram
 *   recorded into.
 * test/internals.test.mjs fails, saying what changed, when any of these does: check it
 * before changing the pinned version.
 */
import type { Attributes, MeterProvider } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@agentmeter/semconv';
import { checkSupportedVersion, report } from '@agentmeter/api';
import { collectionName, operationName } from './statement';
import { SUPPORTED_RANGES } from './version';
import type { ModuleDefinitionLike, OtelPgInternals, PgClientLike, QueryFn, QueryPatch } from './internal-types';

const ATTR_DB_NAMESPACE = 'db.namespace';

function satisfiesPg(version: string, range: string): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- read only when a pg file is patched
    return (require('semver/functions/satisfies') as (v: string, r: string) => boolean)(version, range);
  } catch {
    return true;
  }
}

type OtelPgClass = new (config: object) => OtelPgInternals & {
  setMeterProvider(provider: MeterProvider): void;
  enable(): void;
  disable(): void;
};

let AgentmeterPgInstrumentation: OtelPgClass | undefined;

/**
 * The subclass of @opentelemetry/instrumentation-pg's PgInstrumentation, defined on first
 * use so that the package (and @opentelemetry/instrumentation) is loaded only when pg is.
 */
function subclass(): OtelPgClass {
  if (AgentmeterPgInstrumentation) return AgentmeterPgInstrumentation;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first enable(), not with this package
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as { PgInstrumentation: OtelPgClass };

  class Subclass extends PgInstrumentation {
    constructor(config: object) {
      super(config);
    }

    // instrumentation-pg's own duration record (without the table) is replaced by ours.
    override recordOperationDuration(): void {}

    // Every pg version is seen, so that one outside agentmeter's supported range (package.json
    // "agentmeter.instruments") is left alone with a warning instead of silently.
    override init(): unknown {
      const defs = super.init() as ModuleDefinitionLike[];
      const range = SUPPORTED_RANGES.pg!;
      const guard = (d: ModuleDefinitionLike, warn: boolean): void => {
        const patch = d.patch;
        d.supportedVersions = ['*'];
        if (patch) d.patch = (e, v) => ((warn ? checkSupportedVersion('pg', v, range) : v === undefined || satisfiesPg(v, range)) ? patch.call(d, e, v) : e);
        for (const f of d.files ?? []) guard(f, false);
      };
      for (const d of defs) if (d.name === 'pg') guard(d, true);
      return defs;
    }

    override _getClientQueryPatch(): QueryPatch {
      const otelPatch = super._getClientQueryPatch();
      // read when a query finishes: setMeterProvider() may have replaced the histogram since
      const self: OtelPgInternals = this;
      return (original) => {
        const inner = otelPatch(original);
        return function agentmeterQuery(this: PgClientLike, ...args: unknown[]): unknown {
          const start = performance.now();
          // eslint-disable-next-line @typescript-eslint/no-this-alias -- the query's receiver, read later in finish()
          const client = this;
          const first = args[0] as { text?: unknown; callback?: unknown } | string | undefined;
          const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : undefined;
          let done = false;
          const finish = (err?: unknown) => {
            if (done) return;
            done = true;
            try {
              const attrs: Attributes = { [ATTR_DB_SYSTEM_NAME]: 'postgresql' };
              if (client?.database) attrs[ATTR_DB_NAMESPACE] = client.database;
              const host = client?.connectionParameters?.host;
              const port = client?.connectionParameters?.port;
              if (host) attrs[ATTR_SERVER_ADDRESS] = host;
              if (Number.isInteger(port)) attrs[ATTR_SERVER_PORT] = port as number;
              if (text !== undefined) {
                const op = operationName(text);
                if (op) attrs[ATTR_DB_OPERATION_NAME] = op;
                const coll = collectionName(text);
                if (coll) attrs[ATTR_DB_COLLECTION_NAME] = coll;
              }
              if (err) {
                const e = err as { code?: unknown; name?: unknown };
                attrs[ATTR_ERROR_TYPE] = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : '_OTHER';
              }
              self._operationDuration.record((performance.now() - start) / 1000, attrs);
            } catch (e) {
              report('AGENTMETER_PG_FAILED', 'record', `recording a Postgres query failed: ${(e as Error).message}`);
            }
          };
          const last = args.length - 1;
          if (last >= 0 && typeof args[last] === 'function') {
            const cb = args[last] as QueryFn;
            args[last] = function (this: unknown, err: unknown, ...rest: unknown[]) {
              finish(err);
              return cb.call(this, err, ...rest);
            };
            return inner.apply(this, args);
          }
          if (first && typeof first === 'object' && typeof first.callback === 'function') {
            const cb = first.callback as QueryFn;
            first.callback = function (this: unknown, err: unknown, ...rest: unknown[]) {
              finish(err);
              return cb.call(this, err, ...rest);
            };
            return inner.apply(this, args);
          }
          let result: unknown;
          try {
            result = inner.apply(this, args);
          } catch (e) {
            finish(e);
            throw e;
          }
          const r = result as { then?: unknown; once?: unknown } | undefined;
          if (r && typeof r.then === 'function') {
            (r as Promise<unknown>).then(
              () => finish(),
              (e) => finish(e),
            );
          } else if (r && typeof r.once === 'function') {
            const em = r as { once(ev: string, fn: (e?: unknown) => void): void };
            em.once('end', () => finish());
            em.once('error', (e) => finish(e));
          }
          return result;
        };
      };
    }
  }
  AgentmeterPgInstrumentation = Subclass;
  return Subclass;
}

/**
 * Postgres metrics through @opentelemetry/instrumentation-pg (pool metrics:
 * db.client.connection.count / .max / .pending_requests), its meter pointed at agentmeter.
 * db.client.operation.duration is recorded by agentmeter's own wrapper around the patched
 * `Client.prototype.query`, so that it carries `db.collection.name` too (instrumentation-pg
 * puts the table only on spans). One record per query, whichever API form it used
 * (promise, callback, submittable).
 */
export function enablePgInstrumentation(provider: MeterProvider): PgHandle {
  const Ctor = subclass();
  const inst = new Ctor({ enabled: false, requireParentSpan: false });
  inst.setMeterProvider(provider);
  inst.enable();
  return { setMeterProvider: (p) => inst.setMeterProvider(p), disable: () => inst.disable() };
}

/** A running instrumentation-pg subclass. */
export interface PgHandle {
  /** Record into this provider from now on. */
  setMeterProvider(provider: MeterProvider): void;
  disable(): void;
}
