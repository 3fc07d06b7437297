import type { Meter, MeterProvider, ObservableResult } from '@opentelemetry/api';
import { CatalogueInstruments, createCatalogueObservable, report } from '@agentmeter/api';
import {
  ATTR_CACHE_NAME,
  ATTR_CACHE_OPERATION,
  ATTR_CACHE_RESULT,
  CACHE_OPERATION_VALUES,
  CACHE_RESULT_VALUES,
  CATALOGUE,
  METRIC_CACHE_HIT_RATIO,
  METRIC_CACHE_OPERATIONS,
  METRIC_CACHE_SIZE,
} from '@agentmeter/semconv';
import { estimateMapBytes } from './size';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

/** cache.operation values. */
export type CacheOperation = 'get' | 'set' | 'delete';
/** cache.result values (on get). */
export type CacheResult = 'hit' | 'miss';
/** Returns the cache's size in bytes (sync or async); called at each collection. */
export type CacheSizeFn<C = unknown> = (cache: C) => number | Promise<number>;

/** Options of instrumentCache. */
export interface InstrumentCacheOptions<C = unknown> {
  /** cache.name: a low-cardinality name for this cache, e.g. `tool_selection`. */
  readonly name: string;
  /**
   * Size of the cache in bytes, called at each collection (may be async, e.g. Redis
   * `MEMORY USAGE` / `INFO memory`). Without it, a Map's size is estimated from its keys
   * and values (see estimateMapBytes); other caches report no cache.size.
   */
  readonly sizeOf?: CacheSizeFn<C>;
}

/** Options of a CacheMetrics instance. */
export interface CacheMetricsOptions {
  /** Record into this MeterProvider instead of the global one. */
  readonly meterProvider?: MeterProvider;
  /** Most distinct cache names tracked for hit ratio and size (default 1000). */
  readonly maxCaches?: number;
}

/** Lifetime counts of one cache name. */
export interface CacheStats {
  readonly gets: number;
  readonly hits: number;
  readonly misses: number;
  readonly sets: number;
  readonly deletes: number;
  /** hits / gets, or undefined before the first get. */
  readonly hitRatio: number | undefined;
}

interface State {
  gets: number;
  hits: number;
  sets: number;
  deletes: number;
  sizers: Set<() => number | Promise<number>>;
}

const OPS: ReadonlySet<string> = new Set(Object.values(CACHE_OPERATION_VALUES));
const RESULTS: ReadonlySet<string> = new Set(Object.values(CACHE_RESULT_VALUES));
const INSTRUMENTED = Symbol.for('agentmeter.cache.instrumented');
const DELETE_METHODS = ['delete', 'del'] as const;

const DEFS = { ops: CATALOGUE[METRIC_CACHE_OPERATIONS] };

interface Patch {
  readonly name: string;
  readonly restore: () => void;
}

/**
 * Cache recorders bound to one MeterProvider (the global one unless pinned): the
 * cache.operations counter and the cache.hit_ratio and cache.size observable gauges. The
 * module-level functions use a default instance on the global provider.
 */
export class CacheMetrics {
  private readonly inst: CatalogueInstruments<typeof DEFS>;
  private readonly states = new Map<string, State>();
  private readonly maxCaches: number;
  private boundMeter: Meter | undefined;

  constructor(options: CacheMetricsOptions = {}) {
    const mc = options.maxCaches;
    if (mc !== undefined && !(Number.isInteger(mc) && mc > 0)) throw new RangeError(`CacheMetrics option maxCaches: expected a positive integer, got ${String(mc)}`);
    this.maxCaches = mc ?? 1000;
    this.inst = new CatalogueInstruments(PACKAGE_NAME, PACKAGE_VERSION, DEFS, options.meterProvider);
  }

  /** Register the observable gauges on the current meter (again if the provider changed). */
  private bind(): void {
    const meter = this.inst.getMeter();
    if (meter === this.boundMeter) return;
    this.boundMeter = meter;
    createCatalogueObservable(meter, CATALOGUE[METRIC_CACHE_HIT_RATIO]).addCallback((r) => this.observeRatio(r));
    createCatalogueObservable(meter, CATALOGUE[METRIC_CACHE_SIZE]).addCallback((r) => this.collectSizes(r));
  }

  private observeRatio(r: ObservableResult): void {
    for (const [name, s] of this.states) if (s.gets > 0) r.observe(s.hits / s.gets, { [ATTR_CACHE_NAME]: name });
  }

  private async collectSizes(r: ObservableResult): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const [name, s] of this.states) {
      if (s.sizers.size === 0) continue;
      jobs.push(
        (async () => {
          let total = 0;
          for (const fn of s.sizers) {
            let v: unknown;
            try {
              v = await fn();
            } catch (e) {
              report('AGENTMETER_CALLBACK_FAILED', `cache.size:${name}`, `cache.size of "${name}": sizeOf failed: ${(e as Error)?.message ?? String(e)}`);
              return;
            }
            if (typeof v !== 'number' || !(v >= 0) || v === Infinity) {
              report('AGENTMETER_INVALID_VALUE', `cache.size:${name}`, `cache.size of "${name}": sizeOf returned ${String(v)} (expected bytes >= 0); not reported`);
              return;
            }
            total += v;
          }
          r.observe(total, { [ATTR_CACHE_NAME]: name });
        })(),
      );
    }
    await Promise.all(jobs);
  }

  private state(name: string): State | undefined {
    let s = this.states.get(name);
    if (!s) {
      if (this.states.size >= this.maxCaches) {
        report('AGENTMETER_CARDINALITY', 'cache.name', `more than ${this.maxCaches} cache names; further caches get cache.operations only`);
        return undefined;
      }
      s = { gets: 0, hits: 0, sets: 0, deletes: 0, sizers: new Set() };
      this.states.set(name, s);
    }
    return s;
  }

  /**
   * Record one cache operation: `result` (hit / miss) is expected on get and ignored
   * otherwise. Invalid input is dropped with one diagnostic. Never throws.
   */
  recordOperation(name: string, operation: CacheOperation, result?: CacheResult): void {
    try {
      if (typeof name !== 'string' || name.length === 0) {
        report('AGENTMETER_INVALID_ATTRIBUTE', 'cache.name', `cache: dropped an operation with an invalid cache name (${typeof name})`);
        return;
      }
      if (!OPS.has(operation)) {
        report('AGENTMETER_INVALID_ATTRIBUTE', 'cache.operation', `cache: dropped an operation "${String(operation)}" (expected get, set or delete)`);
        return;
      }
      const isGet = operation === 'get';
      if (isGet && !RESULTS.has(result as string)) {
        report('AGENTMETER_INVALID_ATTRIBUTE', 'cache.result', `cache: dropped a get with result "${String(result)}" (expected hit or miss)`);
        return;
      }
      this.bind();
      const s = this.state(name);
      if (s) {
        if (isGet) {
          s.gets++;
          if (result === 'hit') s.hits++;
        } else if (operation === 'set') s.sets++;
        else s.deletes++;
      }
      this.inst.get('ops').add(1, isGet ? { [ATTR_CACHE_NAME]: name, [ATTR_CACHE_OPERATION]: operation, [ATTR_CACHE_RESULT]: result as string } : { [ATTR_CACHE_NAME]: name, [ATTR_CACHE_OPERATION]: operation });
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'cache', `cache: recording failed: ${(e as Error)?.message}`);
    }
  }

  /**
   * Report cache.size for `name` from `sizeOf` at each collection (sizes of several
   * callbacks under one name add up). Returns a function that unregisters it.
   */
  observeSize(name: string, sizeOf: () => number | Promise<number>): () => void {
    if (typeof name !== 'string' || !name || typeof sizeOf !== 'function') throw new TypeError('observeSize(name, sizeOf): name must be a non-empty string and sizeOf a function');
    this.bind();
    const s = this.state(name);
    if (!s) return () => {};
    s.sizers.add(sizeOf);
    return () => {
      s.sizers.delete(sizeOf);
    };
  }

  /** Lifetime counts of a cache name, or undefined if it never recorded. */
  stats(name: string): CacheStats | undefined {
    const s = this.states.get(name);
    if (!s) return undefined;
    return { gets: s.gets, hits: s.hits, misses: s.gets - s.hits, sets: s.sets, deletes: s.deletes, hitRatio: s.gets > 0 ? s.hits / s.gets : undefined };
  }

  /**
   * Instrument a cache in place and return it: its `get`, `set` and `delete` / `del`
   * methods (sync, like a Map or an LRU, or async, like an ioredis client) are wrapped so
   * that each completed call records cache.operations (a get whose value is neither
   * undefined nor null is a hit). The wrapped methods return exactly what the originals
   * return (the same promise) and throw exactly what they throw; failed calls are not
   * counted. Throws a TypeError at once if `cache` has no get method or `name` is not a
   * non-empty string.
   */
  instrument<C extends object>(cache: C, options: InstrumentCacheOptions<C>): C {
    if (cache === null || (typeof cache !== 'object' && typeof cache !== 'function')) throw new TypeError('instrumentCache: cache must be an object');
    if (!options || typeof options.name !== 'string' || options.name.length === 0) throw new TypeError('instrumentCache: options.name must be a non-empty string (cache.name)');
    if (options.sizeOf !== undefined && typeof options.sizeOf !== 'function') throw new TypeError('instrumentCache: options.sizeOf must be a function returning bytes');
    const c = cache as Record<string | symbol, unknown>;
    if (typeof c.get !== 'function') throw new TypeError('instrumentCache: the cache has no get method');
    const existing = c[INSTRUMENTED] as Patch | undefined;
    if (existing) {
      report('AGENTMETER_ALREADY_INSTRUMENTED', `cache:${existing.name}`, `instrumentCache: cache "${existing.name}" is already instrumented; not wrapping it again`);
      return cache;
    }
    const name = options.name;
    this.bind();
    this.state(name);
    const restores: Array<() => void> = [];
    const self = this;
    const wrap = (method: string, op: CacheOperation) => {
      const orig = c[method] as (...a: unknown[]) => unknown;
      const own = Object.prototype.hasOwnProperty.call(c, method);
      const onValue = op === 'get' ? (v: unknown) => self.recordOperation(name, 'get', v === undefined || v === null ? 'miss' : 'hit') : () => self.recordOperation(name, op);
      const wrapped = function (this: unknown, ...args: unknown[]): unknown {
        const r = orig.apply(this, args);
        try {
          if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
            (r as PromiseLike<unknown>).then(onValue, noop);
          } else {
            onValue(r);
          }
        } catch {
          // never let measuring change the call
        }
        return r;
      };
      Object.defineProperty(c, method, { value: wrapped, configurable: true, writable: true, enumerable: false });
      restores.push(() => {
        if (own) Object.defineProperty(c, method, { value: orig, configurable: true, writable: true, enumerable: false });
        else delete c[method];
      });
    };
    try {
      wrap('get', 'get');
      if (typeof c.set === 'function') wrap('set', 'set');
      for (const m of DELETE_METHODS) if (typeof c[m] === 'function') wrap(m, 'delete');
    } catch (e) {
      for (const r of restores) r();
      throw new TypeError(`instrumentCache: cannot wrap the methods of cache "${name}" (frozen or non-configurable?): ${(e as Error).message}`);
    }
    let unobserve: (() => void) | undefined;
    if (options.sizeOf) {
      const fn = options.sizeOf;
      unobserve = this.observeSize(name, () => fn(cache));
    } else if (cache instanceof Map) {
      unobserve = this.observeSize(name, () => estimateMapBytes(cache as Map<unknown, unknown>));
    }
    const patch: Patch = {
      name,
      restore: () => {
        for (const r of restores) r();
        unobserve?.();
        delete c[INSTRUMENTED];
      },
    };
    Object.defineProperty(c, INSTRUMENTED, { value: patch, configurable: true, enumerable: false, writable: false });
    return cache;
  }

  /** Undo instrument(): restore the original methods and stop reporting its size. Returns false if it was not instrumented. */
  uninstrument(cache: object): boolean {
    const patch = (cache as Record<symbol, unknown> | null)?.[INSTRUMENTED] as Patch | undefined;
    if (!patch) return false;
    patch.restore();
    return true;
  }
}

function noop(): void {}

let defaultInstance: CacheMetrics | undefined;
/** The CacheMetrics instance the module-level functions use (global MeterProvider). */
export function defaultCacheMetrics(): CacheMetrics {
  return (defaultInstance ??= new CacheMetrics());
}

/** Instrument a cache in place (global MeterProvider). See CacheMetrics.instrument. */
export function instrumentCache<C extends object>(cache: C, options: InstrumentCacheOptions<C>): C {
  return defaultCacheMetrics().instrument(cache, options);
}

/** Restore a cache instrumented with instrumentCache. */
export function uninstrumentCache(cache: object): boolean {
  return defaultCacheMetrics().uninstrument(cache);
}

/** Record one operation of a cache agentmeter cannot wrap. See CacheMetrics.recordOperation. */
export function recordCacheOperation(name: string, operation: CacheOperation, result?: CacheResult): void {
  defaultCacheMetrics().recordOperation(name, operation, result);
}

/** Report cache.size for a cache agentmeter cannot wrap. See CacheMetrics.observeSize. */
export function observeCacheSize(name: string, sizeOf: () => number | Promise<number>): () => void {
  return defaultCacheMetrics().observeSize(name, sizeOf);
}

/** Lifetime counts of a cache name (default instance). */
export function cacheStats(name: string): CacheStats | undefined {
  return defaultCacheMetrics().stats(name);
}
