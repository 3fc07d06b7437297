import type { Attributes, Histogram, MeterProvider } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@agentmeter/semconv';
import { checkSupportedVersion, report } from '@agentmeter/api';
import { SUPPORTED_RANGES } from './version';

const ATTR_DB_NAMESPACE = 'db.namespace';
const MAX_SCAN = 4096;
const IDENT = String.raw`(?:"[^"]{1,63}"|[A-Za-z_][A-Za-z0-9_$]{0,62})`;
const COLLECTION_RE = new RegExp(String.raw`^\s*(?:UPDATE\s+(?:ONLY\s+)?|DELETE\s+FROM\s+(?:ONLY\s+)?|INSERT\s+INTO\s+|SELECT\b[\s\S]*?\bFROM\s+(?:ONLY\s+)?)(${IDENT}(?:\.${IDENT})?)`, 'i');
const LEADING_COMMENTS_RE = /^\s*(?:\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*/;
const OPERATION_RE = /^\s*([A-Za-z]+)/;

function head(text: string): string {
  // string literals and comments never reach a label
  return (text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text)
    .replace(LEADING_COMMENTS_RE, '')
    .replace(/'(?:[^']|'')*'?/g, "''")
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/**
 * `db.collection.name` of a statement: the table of a single-table SELECT ... FROM,
 * INSERT INTO, UPDATE or DELETE FROM (schema-qualified as written, quotes removed);
 * undefined when the statement does not name one plainly. Only the table identifier
 * leaves the query text: never values.
 */
export function collectionName(text: string): string | undefined {
  const m = COLLECTION_RE.exec(head(text));
  return m ? m[1].replace(/"/g, '') : undefined;
}

/** `db.operation.name`: the statement's first keyword, upper-cased (SELECT, INSERT, ...). */
export function operationName(text: string): string | undefined {
  const m = OPERATION_RE.exec(head(text));
  return m ? m[1].toUpperCase() : undefined;
}

interface PgClientLike {
  database?: string;
  connectionParameters?: { host?: string; port?: number };
}

/**
 * Postgres metrics through @opentelemetry/instrumentation-pg (pool metrics:
 * db.client.connection.count / .max / .pending_requests), its meter pointed at agentmeter.
 * db.client.operation.duration is recorded by agentmeter's own wrapper around the patched
 * `Client.prototype.query`, so that it carries `db.collection.name` too (instrumentation-pg
 * 0.76 puts the table only on spans). One record per query, whichever API form it used
 * (promise, callback, submittable).
 */
function satisfiesPg(version: string, range: string): boolean {
  try {
    return (require('semver/functions/satisfies') as (v: string, r: string) => boolean)(version, range);
  } catch {
    return true;
  }
}

export function enablePgInstrumentation(provider: MeterProvider): { disable(): void } {
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg');

  class AgentmeterPgInstrumentation extends PgInstrumentation {
    constructor(config: object) {
      super(config);
    }

    // instrumentation-pg's own duration record (without the table) is replaced by ours.
    recordOperationDuration(): void {}

    // Every pg version is seen, so that one outside agentmeter's supported range (package.json
    // "agentmeter.instruments") is left alone with a warning instead of silently.
    init(): unknown {
      type Def = { name: string; supportedVersions: string[]; patch?: (e: unknown, v?: string) => unknown; files?: Def[] };
      const defs = super.init() as Def[];
      const range = SUPPORTED_RANGES.pg!;
      const guard = (d: Def, warn: boolean): void => {
        const patch = d.patch;
        d.supportedVersions = ['*'];
        if (patch) d.patch = (e, v) => ((warn ? checkSupportedVersion('pg', v, range) : v === undefined || satisfiesPg(v, range)) ? patch.call(d, e, v) : e);
        for (const f of d.files ?? []) guard(f, false);
      };
      for (const d of defs) if (d.name === 'pg') guard(d, true);
      return defs;
    }

    _getClientQueryPatch(): (original: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown {
      const otelPatch = super._getClientQueryPatch() as (original: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown;
      const self = this as unknown as { _operationDuration: Histogram };
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
            const cb = args[last] as (...a: unknown[]) => unknown;
            args[last] = function (this: unknown, err: unknown, ...rest: unknown[]) {
              finish(err);
              return cb.call(this, err, ...rest);
            };
            return inner.apply(this, args);
          }
          if (first && typeof first === 'object' && typeof first.callback === 'function') {
            const cb = first.callback as (...a: unknown[]) => unknown;
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

  const inst = new AgentmeterPgInstrumentation({ enabled: false, requireParentSpan: false });
  inst.setMeterProvider(provider);
  inst.enable();
  return { disable: () => inst.disable() };
}

/** The `pg` row of the instrumentation table: the standard constructor / setMeterProvider / enable / disable shape. */
export class PgMetricsInstrumentation {
  private provider: MeterProvider | undefined;
  private handle: { disable(): void } | undefined;

  constructor(_config?: { enabled?: boolean }) {}

  setMeterProvider(provider: MeterProvider): void {
    this.provider = provider;
  }

  enable(): void {
    if (!this.handle && this.provider) this.handle = enablePgInstrumentation(this.provider);
  }

  disable(): void {
    this.handle?.disable();
    this.handle = undefined;
  }
}
