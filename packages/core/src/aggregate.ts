import type { Attributes } from '@opentelemetry/api';
import { report } from '@agentmeter/api';
import { escapeLabelValue, formatValue } from './names';
import { families, targetInfo } from './prometheus';
import type { InstrumentKind, InstrumentRecord, Registry } from './registry';
import type { HistogramSeries, ScalarSeries } from './series';

/**
 * Aggregation of several registries (the processes and worker threads of one app) into
 * one Prometheus exposition. A member sends a `RegistrySnapshot` (plain JSON); the
 * aggregator sums counters, up-down counters and histograms per label set, keeps gauges
 * and runtime/process metrics per member under the worker label, and keeps the last
 * counter and histogram values of members that are gone ("retired"), so a summed counter
 * never goes down when a worker exits or is restarted.
 */

/** The label holding a member's stable worker index (see docs/metrics.md). */
export const WORKER_LABEL = 'agentmeter_worker';

/** One metric family of a member: `[labels, value]` rows, or `[labels, sum, count, counts]` for histograms. */
export interface FamilySnapshot {
  /** OpenTelemetry name. */
  readonly name: string;
  readonly kind: InstrumentKind;
  /** Prometheus family name. */
  readonly prom: string;
  /** `# HELP` and `# TYPE` lines. */
  readonly header: string;
  /** Histogram bucket boundaries. */
  readonly buckets?: number[];
  /** Kept per member (gauges, runtime/process metrics) rather than summed across members. */
  readonly perWorker: boolean;
  readonly series: Array<[string, number] | [string, number, number, number[]]>;
}

/** What a member reports: every non-empty family of its registry. */
export interface RegistrySnapshot {
  readonly families: FamilySnapshot[];
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Metrics whose values describe one process or thread (not summed across members). */
const RUNTIME_PREFIXES = ['process.', 'nodejs.', 'v8js.'];

/** True for families kept per member: gauges and runtime/process metrics. */
export function isPerWorker(rec: Pick<InstrumentRecord, 'name' | 'kind'>): boolean {
  return rec.kind === 'gauge' || rec.kind === 'observablegauge' || RUNTIME_PREFIXES.some((p) => rec.name.startsWith(p));
}

/** True for kinds whose values only grow (kept after a member is gone). */
export function isMonotonicKind(kind: InstrumentKind): boolean {
  return kind === 'counter' || kind === 'observablecounter' || kind === 'histogram';
}

/** Collect observables, then copy every family of the registry into a plain JSON-able snapshot. */
export async function snapshotRegistry(registry: Registry): Promise<RegistrySnapshot> {
  await registry.collect();
  return snapshotStores(registry);
}

/** The registry's current values as a snapshot, synchronously (observables keep their last collected values). */
export function snapshotStores(registry: Registry): RegistrySnapshot {
  const out: FamilySnapshot[] = [];
  for (const rec of families(registry, true)) {
    const series: FamilySnapshot['series'] = [];
    const all = rec.store.overflow ? [...rec.store.series.values(), rec.store.overflow] : rec.store.series.values();
    if (rec.boundaries) {
      for (const s of all as Iterable<HistogramSeries>) series.push([s.labels, s.sum, s.count, Array.from(s.counts)]);
    } else {
      for (const s of all as Iterable<ScalarSeries>) series.push([s.labels, s.value]);
    }
    out.push({
      name: rec.name,
      kind: rec.kind,
      prom: rec.promName,
      header: rec.header,
      buckets: rec.boundaries ? Array.from(rec.boundaries) : undefined,
      perWorker: isPerWorker(rec),
      series,
    });
  }
  return { families: out };
}

interface Hist {
  counts: number[];
  sum: number;
  count: number;
}

/** One merged family: its descriptor and series by label string (worker label included where kept per member). */
export interface MergedFamily {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly prom: string;
  readonly header: string;
  readonly buckets?: number[];
  readonly perWorker: boolean;
  readonly series: Map<string, number | Hist>;
}

/** A member's contribution to one aggregation. */
export interface MemberSnapshot {
  /** Its worker index (the worker label's value). */
  readonly worker: string;
  readonly snapshot: RegistrySnapshot;
}

function withWorker(labels: string, worker: string): string {
  const w = WORKER_LABEL + '="' + escapeLabelValue(worker) + '"';
  return labels === '' ? w : w + ',' + labels;
}

function sameShape(a: MergedFamily, f: FamilySnapshot): boolean {
  if (a.kind !== f.kind || a.perWorker !== f.perWorker) return false;
  const ab = a.buckets;
  const fb = f.buckets;
  if (!ab || !fb) return ab === fb;
  return ab.length === fb.length && ab.every((x, i) => x === fb[i]);
}

/**
 * Add one member's snapshot into `into`. `overwrite` (gauges) replaces a value, else
 * values are summed. Families whose kind or buckets disagree with the first member's are
 * skipped with one diagnostic.
 */
function addSnapshot(into: Map<string, MergedFamily>, snap: RegistrySnapshot, worker: string, only?: (f: FamilySnapshot) => boolean): void {
  for (const f of snap.families) {
    // a snapshot comes from another process: skip what is not shaped like one
    if (!f || typeof f.name !== 'string' || typeof f.prom !== 'string' || typeof f.header !== 'string' || !Array.isArray(f.series)) continue;
    if (only && !only(f)) continue;
    const id = f.name.toLowerCase();
    let acc = into.get(id);
    if (!acc) {
      acc = { name: f.name, kind: f.kind, prom: f.prom, header: f.header, buckets: f.buckets, perWorker: f.perWorker, series: new Map() };
      into.set(id, acc);
    } else if (!sameShape(acc, f)) {
      report('AGENTMETER_AGGREGATION_CONFLICT', id, `metric "${f.name}" has a different type or buckets in worker ${worker}; that worker's values are left out of the aggregate`);
      continue;
    }
    const sum = !(f.kind === 'gauge' || f.kind === 'observablegauge');
    const series = acc.series;
    for (const row of f.series) {
      if (!Array.isArray(row) || typeof row[0] !== 'string') continue;
      const key = f.perWorker ? withWorker(row[0], worker) : row[0];
      if (row.length === 2) {
        if (typeof row[1] !== 'number') continue;
        const prev = series.get(key) as number | undefined;
        series.set(key, sum && prev !== undefined ? prev + row[1] : row[1]);
      } else {
        const [, s, c, counts] = row;
        if (!Array.isArray(counts) || typeof s !== 'number' || typeof c !== 'number') continue;
        const prev = series.get(key) as Hist | undefined;
        if (prev === undefined || prev.counts.length !== counts.length) {
          series.set(key, { counts: counts.slice(), sum: s, count: c });
        } else {
          for (let i = 0; i < counts.length; i++) prev.counts[i] += counts[i];
          prev.sum += s;
          prev.count += c;
        }
      }
    }
  }
}

/** The retired state as JSON (to hand it to the next aggregator). */
export interface RetiredState {
  readonly families: FamilySnapshot[];
}

/**
 * Merges member snapshots. Keeps the last counter and histogram values of members that
 * are gone (`retire`), so sums never decrease; gauges and up-down counters of a gone
 * member are dropped (an up-down counter such as active requests falls back by its share).
 */
export class SnapshotAggregator {
  private readonly retired = new Map<string, MergedFamily>();

  /** Keep a gone member's last counter and histogram values in every future aggregate. */
  retire(member: MemberSnapshot): void {
    addSnapshot(this.retired, member.snapshot, member.worker, (f) => isMonotonicKind(f.kind));
  }

  /** Series held for gone members. */
  get retiredSeries(): number {
    let n = 0;
    for (const f of this.retired.values()) n += f.series.size;
    return n;
  }

  /** The retired values as a snapshot (worker labels already applied), for a successor aggregator. */
  exportRetired(): RetiredState {
    const out: FamilySnapshot[] = [];
    for (const f of this.retired.values()) {
      const series: FamilySnapshot['series'] = [];
      for (const [k, v] of f.series) series.push(typeof v === 'number' ? [k, v] : [k, v.sum, v.count, v.counts]);
      out.push({ name: f.name, kind: f.kind, prom: f.prom, header: f.header, buckets: f.buckets, perWorker: false, series });
    }
    return { families: out };
  }

  /** Take over a predecessor's retired values (from `exportRetired`). */
  importRetired(state: RetiredState): void {
    if (!state || !Array.isArray(state.families)) return;
    for (const f of state.families) {
      // worker labels are already in the keys: add as summed families, then mark per-worker again
      const tmp = new Map<string, MergedFamily>();
      addSnapshot(tmp, { families: [f] }, '', () => true);
      const id = f.name.toLowerCase();
      const t = tmp.get(id);
      if (!t) continue;
      let acc = this.retired.get(id);
      if (!acc) {
        acc = { ...t, perWorker: RUNTIME_PREFIXES.some((p) => f.name.startsWith(p)) };
        this.retired.set(id, acc);
        continue;
      }
      for (const [k, v] of t.series) {
        const prev = acc.series.get(k);
        if (prev === undefined) acc.series.set(k, v);
        else if (typeof prev === 'number' && typeof v === 'number') acc.series.set(k, prev + v);
        else if (typeof prev !== 'number' && typeof v !== 'number' && prev.counts.length === v.counts.length) {
          for (let i = 0; i < v.counts.length; i++) prev.counts[i] += v.counts[i];
          prev.sum += v.sum;
          prev.count += v.count;
        }
      }
    }
  }

  private retiredCopy(): Map<string, MergedFamily> {
    const out = new Map<string, MergedFamily>();
    for (const [k, f] of this.retired) {
      const series = new Map<string, number | Hist>();
      for (const [lk, v] of f.series) series.set(lk, typeof v === 'number' ? v : { counts: v.counts.slice(), sum: v.sum, count: v.count });
      out.set(k, { ...f, series });
    }
    return out;
  }

  /** Retired values plus every live member's snapshot, merged. */
  merge(members: Iterable<MemberSnapshot>): Map<string, MergedFamily> {
    const out = this.retiredCopy();
    // a retired per-worker family's keys already hold the worker label
    for (const m of members) addSnapshot(out, m.snapshot, m.worker);
    return out;
  }

  /** As `merge`, yielding to the event loop after each member (a big tree never blocks the loop for the whole merge). */
  async mergeAsync(members: Iterable<MemberSnapshot>): Promise<Map<string, MergedFamily>> {
    const out = this.retiredCopy();
    for (const m of members) {
      await yieldToLoop();
      addSnapshot(out, m.snapshot, m.worker);
    }
    return out;
  }
}

const leCache = new Map<string, string[]>();
function leSuffixes(b: number[]): string[] {
  const key = b.join(',');
  let s = leCache.get(key);
  if (!s) {
    s = b.map((x) => 'le="' + formatValue(x) + '"} ');
    s.push('le="+Inf"} ');
    if (leCache.size > 256) leCache.clear();
    leCache.set(key, s);
  }
  return s;
}

/**
 * The Prometheus text of merged families, in chunks of about `chunkSize` series (default
 * 1000: an aggregate is large, and smaller chunks keep the serving process responsive)
 * with a yield to the event loop between chunks.
 */
export async function* serializeMerged(
  merged: Map<string, MergedFamily>,
  options: { resource?: Attributes; chunkSize?: number } = {},
): AsyncGenerator<string, void, undefined> {
  const budget = (options.chunkSize ?? 1000) * 4;
  let parts: string[] = [];
  const info = targetInfo(options.resource);
  if (info) parts.push(info);
  let n = 0;
  for (const f of merged.values()) {
    if (f.series.size === 0) continue;
    parts.push(f.header);
    const name = f.prom;
    const le = f.buckets ? leSuffixes(f.buckets) : undefined;
    for (const [labels, v] of f.series) {
      if (typeof v === 'number') {
        parts.push(labels === '' ? name + ' ' + formatValue(v) + '\n' : name + '{' + labels + '} ' + formatValue(v) + '\n');
        n++;
      } else if (le) {
        const open = labels === '' ? '{' : '{' + labels + ',';
        const bucket = name + '_bucket' + open;
        let cum = 0;
        let out = '';
        for (let i = 0; i < v.counts.length && i < le.length; i++) {
          cum += v.counts[i];
          out += bucket + le[i] + cum + '\n';
        }
        const lab = labels === '' ? ' ' : '{' + labels + '} ';
        parts.push(out + name + '_sum' + lab + formatValue(v.sum) + '\n' + name + '_count' + lab + v.count + '\n');
        n += le.length;
      }
      if (n >= budget) {
        n = 0;
        yield parts.join('');
        parts = [];
        await yieldToLoop();
      }
    }
  }
  if (parts.length) yield parts.join('');
}
