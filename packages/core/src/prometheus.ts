import type { Attributes } from '@opentelemetry/api';
import { report } from '@agentmeter/api';
import { escapeLabelValue, formatValue, sanitizeLabelName } from './names';
import type { InstrumentRecord, Registry } from './registry';
import type { HistogramSeries, ScalarSeries } from './series';

/** Content-Type of the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface SerializeOptions {
  /** Resource attributes written as the `target_info` series (service.name, ...). */
  resource?: Attributes;
  /** Series written between two yields to the event loop (serializeAsync only; default 4000). */
  chunkSize?: number;
}

/** `target_info` lines for a resource (the OpenTelemetry compatibility convention). */
export function targetInfo(resource: Attributes | undefined): string {
  if (!resource) return '';
  const pairs = new Map<string, string>();
  for (const k of Object.keys(resource).sort()) {
    const v = resource[k];
    if (k === '' || v === undefined || v === null) continue;
    const n = sanitizeLabelName(k);
    const s = Array.isArray(v) ? JSON.stringify(v) : String(v);
    const prev = pairs.get(n);
    pairs.set(n, prev === undefined ? s : prev + ';' + s);
  }
  if (pairs.size === 0) return '';
  let labels = '';
  for (const [n, v] of pairs) labels += (labels ? ',' : '') + n + '="' + escapeLabelValue(v) + '"';
  return `# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info{${labels}} 1\n`;
}

const leCache = new WeakMap<Float64Array, string[]>();
function leSuffixes(b: Float64Array): string[] {
  let s = leCache.get(b);
  if (!s) {
    s = Array.from(b, (x) => 'le="' + formatValue(x) + '"} ');
    s.push('le="+Inf"} ');
    leCache.set(b, s);
  }
  return s;
}

function scalarLine(name: string, s: ScalarSeries): string {
  return s.labels === '' ? name + ' ' + formatValue(s.value) + '\n' : name + '{' + s.labels + '} ' + formatValue(s.value) + '\n';
}

function histogramLines(name: string, le: string[], s: HistogramSeries): string {
  const open = s.labels === '' ? '{' : '{' + s.labels + ',';
  const bucket = name + '_bucket' + open;
  const counts = s.counts;
  let cum = 0;
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    cum += counts[i];
    out += bucket + le[i] + cum + '\n';
  }
  const lab = s.labels === '' ? ' ' : '{' + s.labels + '} ';
  return out + name + '_sum' + lab + formatValue(s.sum) + '\n' + name + '_count' + lab + s.count + '\n';
}

function writeSeries(rec: InstrumentRecord, le: string[] | undefined, s: ScalarSeries | HistogramSeries): string {
  return le ? histogramLines(rec.promName, le, s as HistogramSeries) : scalarLine(rec.promName, s as ScalarSeries);
}

/** Sample names a family writes: a histogram's _bucket, _sum and _count, else its own name. */
function sampleNames(rec: InstrumentRecord): string[] {
  const n = rec.promName;
  return rec.boundaries ? [n, n + '_bucket', n + '_sum', n + '_count'] : [n];
}

/** @internal The families an exposition writes (first of overlapping Prometheus names wins). */
export function* families(registry: Registry, withTargetInfo: boolean): Generator<InstrumentRecord> {
  // Two OpenTelemetry names can map to one Prometheus name, a gauge `x_count` can shadow
  // a histogram `x`'s samples, and an instrument can be called `target_info`: the first
  // family wins, a later overlapping one is left out (one diagnostic), so the
  // exposition always parses.
  const seen = new Set<string>();
  if (withTargetInfo) seen.add('target_info');
  for (const rec of registry.instruments()) {
    if (rec.store.size === 0) continue;
    const names = sampleNames(rec);
    if (names.some((n) => seen.has(n))) {
      report(
        'AGENTMETER_NAME_CONFLICT',
        rec.name,
        `instrument "${rec.name}" (${rec.promName}) overlaps a Prometheus family already exposed; it is left out of /metrics (rename it)`,
      );
      continue;
    }
    for (const n of names) seen.add(n);
    yield rec;
  }
}

/**
 * Serialise the registry synchronously in the Prometheus text format. Call
 * `registry.collect()` first for observable instruments to report.
 */
export function serialize(registry: Registry, options: SerializeOptions = {}): string {
  let out = targetInfo(options.resource);
  for (const rec of families(registry, out !== '')) {
    out += rec.header;
    const le = rec.boundaries ? leSuffixes(rec.boundaries) : undefined;
    for (const s of rec.store.series.values()) out += writeSeries(rec, le, s);
    if (rec.store.overflow) out += writeSeries(rec, le, rec.store.overflow);
  }
  return out;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Collect observables, then serialise in chunks of about `chunkSize` series (histogram
 * series weighted by their bucket count), yielding to the event loop between chunks.
 * Each chunk is one flat string: write them to a response as they come and the whole
 * exposition never exists as one string (a 100k-series exposition is ~80 MB).
 */
export async function* serializeChunks(registry: Registry, options: SerializeOptions = {}): AsyncGenerator<string, void, undefined> {
  await registry.collect();
  const budget = (options.chunkSize ?? 4000) * 4;
  let parts: string[] = [];
  const info = targetInfo(options.resource);
  if (info) parts.push(info);
  let n = 0;
  for (const rec of families(registry, info !== '')) {
    parts.push(rec.header);
    const le = rec.boundaries ? leSuffixes(rec.boundaries) : undefined;
    const weight = le ? le.length : 1;
    for (const s of rec.store.series.values()) {
      parts.push(writeSeries(rec, le, s));
      n += weight;
      if (n >= budget) {
        n = 0;
        // join() builds one flat string: no long-lived rope of millions of pieces for the GC to walk
        yield parts.join('');
        parts = [];
        await yieldToLoop();
      }
    }
    if (rec.store.overflow) parts.push(writeSeries(rec, le, rec.store.overflow));
  }
  if (parts.length) yield parts.join('');
}

/** The whole exposition as one string (see serializeChunks; observables are collected first). */
export async function serializeAsync(registry: Registry, options: SerializeOptions = {}): Promise<string> {
  const chunks: string[] = [];
  for await (const c of serializeChunks(registry, options)) chunks.push(c);
  return chunks.length === 1 ? chunks[0] : chunks.join('');
}
