import type {
  Attributes,
  Counter,
  Gauge,
  Histogram,
  Meter,
  MeterProvider,
  ObservableCounter,
  ObservableGauge,
  ObservableUpDownCounter,
  UpDownCounter,
} from '@opentelemetry/api';
import type { InstrumentKind, MetricDefinition } from '@agentmeter/semconv';
import { report } from './diagnostics';
import { otelApi } from './otel-api';

export type SyncInstrument = Counter | UpDownCounter | Histogram | Gauge;

/** The synchronous instrument of a catalogue kind (a union of kinds gives the union of instruments). */
export type SyncInstrumentOf<K extends InstrumentKind> = K extends 'counter'
  ? Counter
  : K extends 'updowncounter'
    ? UpDownCounter
    : K extends 'gauge'
      ? Gauge
      : K extends 'histogram'
        ? Histogram
        : never;

/** The kinds an observable instrument can have (there is no observable histogram). */
export type ObservableKind = Exclude<InstrumentKind, 'histogram'>;
export type ObservableInstrument = ObservableCounter | ObservableUpDownCounter | ObservableGauge;

/** The observable instrument of a catalogue kind. */
export type ObservableInstrumentOf<K extends ObservableKind> = K extends 'counter'
  ? ObservableCounter
  : K extends 'updowncounter'
    ? ObservableUpDownCounter
    : K extends 'gauge'
      ? ObservableGauge
      : never;

/**
 * Create the instrument a catalogue entry describes (kind, unit, description, buckets as
 * advice). Its type follows from the entry's kind: `CATALOGUE[METRIC_HTTP_SERVER_REQUEST_DURATION]`
 * gives a Histogram, no cast needed.
 */
export function createCatalogueInstrument<D extends MetricDefinition>(meter: Meter, def: D): SyncInstrumentOf<D['kind']>;
export function createCatalogueInstrument(meter: Meter, def: MetricDefinition): SyncInstrument {
  const opts = {
    unit: def.unit,
    description: def.description,
    advice: def.buckets ? { explicitBucketBoundaries: [...def.buckets] } : undefined,
  };
  switch (def.kind) {
    case 'counter':
      return meter.createCounter(def.name, opts);
    case 'updowncounter':
      return meter.createUpDownCounter(def.name, opts);
    case 'gauge':
      return meter.createGauge(def.name, opts);
    default:
      return meter.createHistogram(def.name, opts);
  }
}

/**
 * Create the observable instrument of a catalogue entry (a counter gives an
 * ObservableCounter, an up-down counter an ObservableUpDownCounter, a gauge an
 * ObservableGauge) with its unit and description. Histograms have no observable form.
 */
export function createCatalogueObservable<D extends MetricDefinition<string, ObservableKind>>(meter: Meter, def: D): ObservableInstrumentOf<D['kind']>;
export function createCatalogueObservable(meter: Meter, def: MetricDefinition<string, ObservableKind>): ObservableInstrument {
  const opts = { unit: def.unit, description: def.description };
  switch (def.kind) {
    case 'counter':
      return meter.createObservableCounter(def.name, opts);
    case 'updowncounter':
      return meter.createObservableUpDownCounter(def.name, opts);
    default:
      return meter.createObservableGauge(def.name, opts);
  }
}

/** Catalogue entries by a caller's own keys (`{ ops: CATALOGUE[METRIC_CACHE_OPERATIONS] }`). */
export type CatalogueDefs = { readonly [key: string]: MetricDefinition };

/**
 * Instruments for a set of catalogue entries, created on first use from the meter
 * provider in force then, and created again if the global meter provider changes (the
 * OpenTelemetry metrics API has no proxy meter: instruments created before an SDK starts
 * would stay no-ops forever). Pass `meterProvider` to pin one. `get(key)` is typed by the
 * entry's kind.
 */
export class CatalogueInstruments<D extends CatalogueDefs> {
  private provider: MeterProvider | undefined;
  private cache: { [K in keyof D]?: SyncInstrumentOf<D[K]['kind']> } = {};
  private meter: Meter | undefined;

  constructor(
    private readonly scope: string,
    private readonly version: string,
    private readonly defs: D,
    private readonly pinned?: MeterProvider,
  ) {}

  /** The instrument for `key`: a Counter, UpDownCounter, Gauge or Histogram as its entry's kind says. */
  get<K extends keyof D>(key: K): SyncInstrumentOf<D[K]['kind']> {
    const meter = this.getMeter();
    const cached = this.cache[key];
    if (cached !== undefined) return cached;
    const inst = createCatalogueInstrument(meter, this.defs[key]);
    this.cache[key] = inst;
    return inst;
  }

  /** The meter these instruments come from (for app-specific instruments in the same scope). */
  getMeter(): Meter {
    const p = this.pinned ?? otelApi().metrics.getMeterProvider();
    if (p !== this.provider || this.meter === undefined) {
      this.provider = p;
      this.meter = p.getMeter(this.scope, this.version);
      this.cache = {};
    }
    return this.meter;
  }
}

/**
 * True when `v` is a finite number >= 0; otherwise reports one diagnostic for
 * `what` (rate-limited) and returns false. Recorders call it before recording.
 */
export function validMeasure(v: unknown, what: string): v is number {
  if (typeof v === 'number' && v >= 0 && v < Infinity) return true;
  report('AGENTMETER_INVALID_VALUE', what + '\u0000' + typeof v, `dropped invalid ${what}: ${String(v)} (expected a finite number >= 0)`);
  return false;
}

/** Attributes with undefined / null values removed (cheap copy for recorders). */
export function compact(attrs: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const k in attrs) {
    const v = attrs[k];
    if (v !== undefined && v !== null) out[k] = v as Attributes[string];
  }
  return out;
}
