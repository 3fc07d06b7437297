import { metrics, type Attributes, type Counter, type Gauge, type Histogram, type Meter, type MeterProvider, type UpDownCounter } from '@opentelemetry/api';
import type { MetricDefinition } from '@agentmeter/semconv';
import { report } from './diagnostics';

export type SyncInstrument = Counter | UpDownCounter | Histogram | Gauge;

/** Create the instrument a catalogue entry describes (kind, unit, description, buckets as advice). */
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
 * Instruments for a set of catalogue entries, created on first use from the meter
 * provider in force then, and created again if the global meter provider changes (the
 * OpenTelemetry metrics API has no proxy meter: instruments created before an SDK starts
 * would stay no-ops forever). Pass `meterProvider` to pin one.
 */
export class CatalogueInstruments<K extends string> {
  private provider: MeterProvider | undefined;
  private cache: Partial<Record<K, SyncInstrument>> = {};
  private meter: Meter | undefined;

  constructor(
    private readonly scope: string,
    private readonly version: string,
    private readonly defs: Readonly<Record<K, MetricDefinition>>,
    private readonly pinned?: MeterProvider,
  ) {}

  /** The instrument for `key`, typed by the caller. */
  get<T extends SyncInstrument>(key: K): T {
    const p = this.pinned ?? metrics.getMeterProvider();
    if (p !== this.provider) {
      this.provider = p;
      this.meter = p.getMeter(this.scope, this.version);
      this.cache = {};
    }
    let inst = this.cache[key];
    if (inst === undefined) {
      inst = createCatalogueInstrument(this.meter as Meter, this.defs[key]);
      this.cache[key] = inst;
    }
    return inst as T;
  }

  /** The meter these instruments come from (for app-specific instruments in the same scope). */
  getMeter(): Meter {
    const p = this.pinned ?? metrics.getMeterProvider();
    if (p !== this.provider) {
      this.provider = p;
      this.meter = p.getMeter(this.scope, this.version);
      this.cache = {};
    }
    return this.meter as Meter;
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
