import type {
  Attributes,
  BatchObservableCallback,
  BatchObservableResult,
  Counter,
  Gauge,
  Histogram,
  Meter,
  MeterOptions,
  MeterProvider,
  MetricOptions,
  Observable,
  ObservableCallback,
  ObservableCounter,
  ObservableGauge,
  ObservableResult,
  ObservableUpDownCounter,
  UpDownCounter,
  ValueType,
} from '@opentelemetry/api';
import { CATALOGUE, CATALOGUE_BUCKETS, isCatalogueName } from '@agentmeter/semconv';
import { otelApi, report } from '@agentmeter/api';
import { escapeHelp, prometheusName, type PromKind } from './names';
import type { HistogramSeries, ScalarSeries } from './series';
import { histogramFactory, makeScalar, SeriesStore } from './storage';

export type InstrumentKind =
  | 'counter'
  | 'updowncounter'
  | 'histogram'
  | 'gauge'
  | 'observablecounter'
  | 'observableupdowncounter'
  | 'observablegauge';

/** OpenTelemetry's default explicit bucket boundaries. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
]);
export const DEFAULT_CARDINALITY_LIMIT = 2000;
const NAME_RE = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;

export interface RegistryOptions {
  /** Series per metric, including the overflow series (default 2000). */
  cardinalityLimit?: number;
  /** Per-metric limits by OpenTelemetry instrument name. */
  cardinalityLimits?: Readonly<Record<string, number>>;
  /** Histogram bucket boundaries by instrument name; merged over the catalogue's. */
  buckets?: Readonly<Record<string, readonly number[]>>;
  /** Longest time an observable callback may take during a collection (default 1000 ms). */
  callbackTimeoutMillis?: number;
}

export interface InstrumentScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
}

/** One registered instrument: its descriptor, Prometheus names and series. */
export interface InstrumentRecord {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly unit: string;
  readonly description: string;
  readonly valueType: ValueType;
  readonly scope: InstrumentScope;
  readonly monotonic: boolean;
  readonly promKind: PromKind;
  /** Prometheus family name, e.g. `http_server_request_duration_seconds`. */
  readonly promName: string;
  /** `# HELP` and `# TYPE` lines, precomputed. */
  readonly header: string;
  readonly boundaries?: Float64Array;
  readonly store: SeriesStore<ScalarSeries> | SeriesStore<HistogramSeries>;
  readonly api: object;
  readonly observable: boolean;
}

/** Validate every configuration value once, throwing an error that names the setting. */
/** A registry option out of range; `setting` names it (e.g. `cardinalityLimits["x"]`). */
export class RegistryOptionError extends RangeError {
  constructor(
    readonly setting: string,
    /** What is wrong, without the `agentmeter: ` prefix of the message. */
    readonly detail: string,
  ) {
    super(`agentmeter: ${detail}`);
    this.name = 'RangeError';
  }
}

export function validateRegistryOptions(o: RegistryOptions, prefix = ''): void {
  const lim = (v: unknown, name: string) => {
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 2 || v > 10_000_000)
      throw new RegistryOptionError(prefix + name, `${prefix}${name} must be an integer between 2 and 10000000, got ${JSON.stringify(v)}`);
  };
  lim(o.cardinalityLimit, 'cardinalityLimit');
  for (const [k, v] of Object.entries(o.cardinalityLimits ?? {})) lim(v, `cardinalityLimits["${k}"]`);
  for (const [k, b] of Object.entries(o.buckets ?? {})) {
    const ok = Array.isArray(b) && b.every((x, i) => typeof x === 'number' && Number.isFinite(x) && (i === 0 || x > b[i - 1]));
    if (!ok) throw new RegistryOptionError(`${prefix}buckets["${k}"]`, `${prefix}buckets["${k}"] must be a strictly increasing array of finite numbers`);
  }
  if (o.callbackTimeoutMillis !== undefined && !(Number.isFinite(o.callbackTimeoutMillis) && o.callbackTimeoutMillis > 0))
    throw new RegistryOptionError(`${prefix}callbackTimeoutMillis`, `${prefix}callbackTimeoutMillis must be a positive number`);
}

function invalidValue(inst: string, value: unknown, why: string): void {
  report('AGENTMETER_INVALID_VALUE', inst + '\u0000' + why, `dropped ${why} value ${String(value)} recorded on "${inst}"`);
}

function recordFailed(inst: string, err: unknown): void {
  report('AGENTMETER_RECORD_FAILED', inst, `recording on "${inst}" failed and was skipped: ${(err as Error)?.message ?? String(err)}`);
}

class CounterImpl implements Counter {
  constructor(private readonly st: SeriesStore<ScalarSeries>) {}
  add(value: number, attributes?: Attributes): void {
    if (typeof value !== 'number' || !(value >= 0 && value < Infinity)) {
      invalidValue(this.st.metricName, value, typeof value !== 'number' ? 'non-number' : value < 0 ? 'negative' : 'non-finite');
      return;
    }
    try {
      this.st.lookup(attributes).value += value;
    } catch (e) {
      recordFailed(this.st.metricName, e);
    }
  }
}

class UpDownCounterImpl implements UpDownCounter {
  constructor(private readonly st: SeriesStore<ScalarSeries>) {}
  add(value: number, attributes?: Attributes): void {
    if (typeof value !== 'number' || !(value > -Infinity && value < Infinity)) {
      invalidValue(this.st.metricName, value, typeof value !== 'number' ? 'non-number' : 'non-finite');
      return;
    }
    try {
      this.st.lookup(attributes).value += value;
    } catch (e) {
      recordFailed(this.st.metricName, e);
    }
  }
}

class GaugeImpl implements Gauge {
  constructor(private readonly st: SeriesStore<ScalarSeries>) {}
  record(value: number, attributes?: Attributes): void {
    if (typeof value !== 'number' || !(value > -Infinity && value < Infinity)) {
      invalidValue(this.st.metricName, value, typeof value !== 'number' ? 'non-number' : 'non-finite');
      return;
    }
    try {
      this.st.lookup(attributes).value = value;
    } catch (e) {
      recordFailed(this.st.metricName, e);
    }
  }
}

class HistogramImpl implements Histogram {
  private readonly n: number;
  constructor(
    private readonly st: SeriesStore<HistogramSeries>,
    private readonly b: Float64Array,
  ) {
    this.n = b.length;
  }
  record(value: number, attributes?: Attributes): void {
    if (typeof value !== 'number' || !(value >= 0 && value < Infinity)) {
      invalidValue(this.st.metricName, value, typeof value !== 'number' ? 'non-number' : value < 0 ? 'negative' : 'non-finite');
      return;
    }
    try {
      const s = this.st.lookup(attributes);
      const b = this.b;
      const n = this.n;
      let i = 0;
      if (n > 24) {
        let hi = n;
        while (i < hi) {
          const mid = (i + hi) >>> 1;
          if (value > b[mid]) i = mid + 1;
          else hi = mid;
        }
      } else {
        while (i < n && value > b[i]) i++;
      }
      s.counts[i]++;
      s.sum += value;
      s.count++;
      if (value < s.min) s.min = value;
      if (value > s.max) s.max = value;
    } catch (e) {
      recordFailed(this.st.metricName, e);
    }
  }
}

/** An observable instrument: callbacks run at each collection and write into its store. */
class ObservableImpl implements ObservableCounter, ObservableUpDownCounter, ObservableGauge {
  readonly callbacks = new Set<ObservableCallback>();
  constructor(
    readonly record: InstrumentRecord | undefined,
    private readonly registry: Registry,
  ) {}
  addCallback(cb: ObservableCallback): void {
    if (typeof cb === 'function') this.callbacks.add(cb);
  }
  removeCallback(cb: ObservableCallback): void {
    this.callbacks.delete(cb);
  }
  /** @internal */
  observe(value: number, attributes: Attributes | undefined): void {
    const rec = this.record;
    if (!rec) return;
    if (typeof value !== 'number' || !(value > -Infinity && value < Infinity) || (rec.monotonic && value < 0)) {
      invalidValue(rec.name, value, typeof value !== 'number' ? 'non-number' : value < 0 ? 'negative' : 'non-finite');
      return;
    }
    try {
      (rec.store as SeriesStore<ScalarSeries>).lookup(attributes).value = value;
    } catch (e) {
      recordFailed(rec.name, e);
    }
  }
  get registryRef(): Registry {
    return this.registry;
  }
}

class MeterImpl implements Meter {
  constructor(
    private readonly reg: Registry,
    private readonly scope: InstrumentScope,
  ) {}
  createCounter(name: string, options?: MetricOptions): Counter {
    return this.reg.instrument(name, 'counter', options, this.scope) as Counter;
  }
  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounter {
    return this.reg.instrument(name, 'updowncounter', options, this.scope) as UpDownCounter;
  }
  createHistogram(name: string, options?: MetricOptions): Histogram {
    return this.reg.instrument(name, 'histogram', options, this.scope) as Histogram;
  }
  createGauge(name: string, options?: MetricOptions): Gauge {
    return this.reg.instrument(name, 'gauge', options, this.scope) as Gauge;
  }
  createObservableCounter(name: string, options?: MetricOptions): ObservableCounter {
    return this.reg.instrument(name, 'observablecounter', options, this.scope) as ObservableCounter;
  }
  createObservableUpDownCounter(name: string, options?: MetricOptions): ObservableUpDownCounter {
    return this.reg.instrument(name, 'observableupdowncounter', options, this.scope) as ObservableUpDownCounter;
  }
  createObservableGauge(name: string, options?: MetricOptions): ObservableGauge {
    return this.reg.instrument(name, 'observablegauge', options, this.scope) as ObservableGauge;
  }
  addBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    this.reg.addBatch(callback, observables);
  }
  removeBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    this.reg.removeBatch(callback, observables);
  }
}

const PROM_KIND: Record<InstrumentKind, PromKind> = {
  counter: 'counter',
  observablecounter: 'counter',
  updowncounter: 'gauge',
  observableupdowncounter: 'gauge',
  gauge: 'gauge',
  observablegauge: 'gauge',
  histogram: 'histogram',
};

/** OpenTelemetry's no-op meter, for instruments that record nothing (the API loads on first need). */
let noop: Meter | undefined;
const noopMeter = (): Meter => (noop ??= otelApi().createNoopMeter());
/** `ValueType.DOUBLE` of @opentelemetry/api (a const enum value: the API need not load for it). */
const VALUE_TYPE_DOUBLE = 1 as ValueType;

/** Who writes an instrument: agentmeter itself, an OpenTelemetry instrumentation it turned on (http-otel, pg), or the app. */
function owner(scope: InstrumentScope): 'agentmeter' | 'otel' | 'app' {
  const n = scope.name;
  return n.startsWith('@agentmeter/') ? 'agentmeter' : n.startsWith('@opentelemetry/') ? 'otel' : 'app';
}

/**
 * An app instrument named like one of agentmeter's catalogue metrics that agentmeter
 * records itself (say its own `http.server.request.duration` with an `http.route` the
 * app adds): sharing the instrument would put both sets of series in one family and
 * every sum() would count twice. The second one to register is not recorded, with one
 * diagnostic naming the clash. True if the new instrument must be dropped.
 */
function catalogueClash(existing: InstrumentScope, incoming: InstrumentScope, name: string): boolean {
  const a = owner(existing);
  const b = owner(incoming);
  if (a === b || a === 'otel' || b === 'otel' || !isCatalogueName(name)) return false;
  const prom = CATALOGUE[name].prometheus;
  const message =
    b === 'app'
      ? `the app's instrument "${name}" (meter "${incoming.name}") has the name of agentmeter's own metric (meter "${existing.name}"): its recordings are dropped so that ${prom} is not counted twice. Rename it, or turn agentmeter's instrumentation of it off (AGENTMETER_INSTRUMENTATIONS); for per-route HTTP series use setHttpRoute(req, template)`
      : `agentmeter's metric "${name}" (meter "${incoming.name}") is not recorded: the app defined an instrument with that name first (meter "${existing.name}"), and sharing it would count ${prom} twice. Rename the app's instrument to get agentmeter's`;
  report('AGENTMETER_CATALOGUE_CLASH', name, message);
  return true;
}

/**
 * agentmeter's MeterProvider: an implementation of the OpenTelemetry metrics API with
 * cumulative aggregation, hard per-metric series caps, finite-value checks, and storage
 * laid out for the Prometheus serializer and for OpenTelemetry readers (MetricProducer).
 */
export class Registry implements MeterProvider {
  readonly startTimeMs = Date.now();
  private readonly meters = new Map<string, MeterImpl>();
  private readonly records = new Map<string, InstrumentRecord>();
  private readonly observables = new Set<ObservableImpl>();
  private readonly batches = new Map<BatchObservableCallback, Set<ObservableImpl>>();
  private readonly limit: number;
  private readonly limits: Readonly<Record<string, number>>;
  private readonly buckets: Readonly<Record<string, readonly number[]>>;
  private readonly callbackTimeout: number;
  private collecting: Promise<void> | undefined;

  constructor(options: RegistryOptions = {}) {
    validateRegistryOptions(options);
    this.limit = options.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT;
    this.limits = options.cardinalityLimits ?? {};
    this.buckets = { ...CATALOGUE_BUCKETS, ...(options.buckets ?? {}) };
    this.callbackTimeout = options.callbackTimeoutMillis ?? 1000;
  }

  getMeter(name: string, version?: string, options?: MeterOptions): Meter {
    const key = `${name}@${version ?? ''}@${options?.schemaUrl ?? ''}`;
    let m = this.meters.get(key);
    if (!m) {
      m = new MeterImpl(this, { name: String(name ?? ''), version, schemaUrl: options?.schemaUrl });
      this.meters.set(key, m);
    }
    return m;
  }

  /** Every instrument registered, in registration order. */
  instruments(): IterableIterator<InstrumentRecord> {
    return this.records.values();
  }

  /** Look up a registered instrument by OpenTelemetry name. */
  get(name: string): InstrumentRecord | undefined {
    return this.records.get(name.toLowerCase());
  }

  /** @internal */
  instrument(name: string, kind: InstrumentKind, options: MetricOptions | undefined, scope: InstrumentScope): object {
    try {
      return this.instrumentUnsafe(name, kind, options, scope);
    } catch (e) {
      report('AGENTMETER_INSTRUMENT_FAILED', String(name), `could not create instrument "${String(name)}": ${(e as Error).message}`);
      return noopFor(kind);
    }
  }

  private instrumentUnsafe(name: string, kind: InstrumentKind, options: MetricOptions | undefined, scope: InstrumentScope): object {
    if (typeof name !== 'string' || !NAME_RE.test(name)) {
      report('AGENTMETER_INVALID_NAME', String(name), `invalid instrument name ${JSON.stringify(name)}: it is not exported`);
      return noopFor(kind);
    }
    const id = name.toLowerCase();
    const unit = typeof options?.unit === 'string' ? options.unit : '';
    const existing = this.records.get(id);
    if (existing) {
      if (existing.kind === kind && existing.unit === unit) {
        if (catalogueClash(existing.scope, scope, name)) return noopFor(kind);
        return existing.api;
      }
      report(
        'AGENTMETER_DUPLICATE_INSTRUMENT',
        id + kind + unit,
        `instrument "${name}" (${kind}, unit "${unit}") conflicts with an existing ${existing.kind} with unit "${existing.unit}"; the new one is not exported`,
      );
      return noopFor(kind);
    }
    const promKind = PROM_KIND[kind];
    const monotonic = kind === 'counter' || kind === 'observablecounter';
    const promName = prometheusName(name, unit, promKind, monotonic);
    const description = typeof options?.description === 'string' ? options.description : '';
    const header = `# HELP ${promName} ${escapeHelp(description || name)}\n# TYPE ${promName} ${promKind}\n`;
    const limit = this.limits[name] ?? this.limit;
    let boundaries: Float64Array | undefined;
    let store: SeriesStore<ScalarSeries> | SeriesStore<HistogramSeries>;
    if (kind === 'histogram') {
      const advice = options?.advice?.explicitBucketBoundaries;
      const adviceOk = Array.isArray(advice) && advice.every((x, i) => Number.isFinite(x) && (i === 0 || x > advice[i - 1]));
      boundaries = Float64Array.from(this.buckets[name] ?? (adviceOk ? advice : DEFAULT_BUCKETS));
      store = new SeriesStore<HistogramSeries>(name, limit, histogramFactory(boundaries.length));
    } else {
      store = new SeriesStore<ScalarSeries>(name, limit, makeScalar);
    }
    const rec: { -readonly [K in keyof InstrumentRecord]: InstrumentRecord[K] } = {
      name,
      kind,
      unit,
      description,
      valueType: options?.valueType ?? VALUE_TYPE_DOUBLE,
      scope,
      monotonic,
      promKind,
      promName,
      header,
      boundaries,
      store,
      api: undefined as unknown as object,
      observable: kind.startsWith('observable'),
    };
    switch (kind) {
      case 'counter':
        rec.api = new CounterImpl(store as SeriesStore<ScalarSeries>);
        break;
      case 'updowncounter':
        rec.api = new UpDownCounterImpl(store as SeriesStore<ScalarSeries>);
        break;
      case 'gauge':
        rec.api = new GaugeImpl(store as SeriesStore<ScalarSeries>);
        break;
      case 'histogram':
        rec.api = new HistogramImpl(store as SeriesStore<HistogramSeries>, boundaries as Float64Array);
        break;
      default: {
        const o = new ObservableImpl(rec, this);
        this.observables.add(o);
        rec.api = o;
      }
    }
    this.records.set(id, rec);
    return rec.api;
  }

  /** @internal */
  addBatch(cb: BatchObservableCallback, observables: Observable[]): void {
    if (typeof cb !== 'function' || !Array.isArray(observables)) return;
    const set = this.batches.get(cb) ?? new Set<ObservableImpl>();
    for (const o of observables) if (o instanceof ObservableImpl && o.registryRef === this) set.add(o);
    this.batches.set(cb, set);
  }

  /** @internal */
  removeBatch(cb: BatchObservableCallback, observables: Observable[]): void {
    const set = this.batches.get(cb);
    if (!set) return;
    for (const o of observables) set.delete(o as ObservableImpl);
    if (set.size === 0) this.batches.delete(cb);
  }

  /**
   * Run every observable callback (each isolated: one that throws, rejects or hangs past
   * callbackTimeoutMillis does not stop the others). Concurrent calls share one run.
   */
  collect(): Promise<void> {
    if (this.collecting) return this.collecting;
    if (this.observables.size === 0) return Promise.resolve();
    const p = this.runCallbacks().finally(() => {
      this.collecting = undefined;
    });
    this.collecting = p;
    return p;
  }

  private async runCallbacks(): Promise<void> {
    let open = true;
    const pending: Promise<unknown>[] = [];
    const fail = (what: string, e: unknown) =>
      report('AGENTMETER_CALLBACK_FAILED', what, `observable callback for "${what}" failed: ${(e as Error)?.message ?? String(e)}`);
    for (const o of this.observables) o.record?.store.clear();
    for (const o of this.observables) {
      const name = o.record?.name ?? '?';
      const result: ObservableResult = {
        observe: (value: number, attributes?: Attributes) => {
          if (open) o.observe(value, attributes);
        },
      };
      for (const cb of o.callbacks) {
        try {
          const r = cb(result) as unknown;
          if (r && typeof (r as Promise<void>).then === 'function') pending.push(Promise.resolve(r).catch((e) => fail(name, e)));
        } catch (e) {
          fail(name, e);
        }
      }
    }
    for (const [cb, set] of this.batches) {
      const result: BatchObservableResult = {
        observe: (obs: Observable, value: number, attributes?: Attributes) => {
          if (open && set.has(obs as ObservableImpl)) (obs as ObservableImpl).observe(value, attributes);
        },
      };
      try {
        const r = cb(result) as unknown;
        if (r && typeof (r as Promise<void>).then === 'function') pending.push(Promise.resolve(r).catch((e) => fail('batch', e)));
      } catch (e) {
        fail('batch', e);
      }
    }
    if (pending.length) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          report('AGENTMETER_CALLBACK_TIMEOUT', 'collect', `an observable callback did not settle within ${this.callbackTimeout} ms; its values are skipped`);
          resolve();
        }, this.callbackTimeout);
      });
      await Promise.race([Promise.all(pending), timeout]);
      clearTimeout(timer);
    }
    open = false;
  }
}

function noopFor(kind: InstrumentKind): object {
  switch (kind) {
    case 'counter':
      return noopMeter().createCounter('noop');
    case 'updowncounter':
      return noopMeter().createUpDownCounter('noop');
    case 'histogram':
      return noopMeter().createHistogram('noop');
    case 'gauge':
      return noopMeter().createGauge('noop');
    case 'observablecounter':
      return noopMeter().createObservableCounter('noop');
    case 'observableupdowncounter':
      return noopMeter().createObservableUpDownCounter('noop');
    default:
      return noopMeter().createObservableGauge('noop');
  }
}
