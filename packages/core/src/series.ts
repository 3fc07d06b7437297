import type { Attributes } from '@opentelemetry/api';
import { escapeLabelValue, sanitizeLabelName } from './names';

/** One time series of a counter, up-down counter or gauge. */
export interface ScalarSeries {
  value: number;
  /** Prometheus label pairs without braces, e.g. `a="x",b="y"` ('' when none). */
  readonly labels: string;
  readonly attributes: Attributes;
}

/** One time series of a histogram; `counts[i]` counts values in (b[i-1], b[i]], the last is +Inf. */
export interface HistogramSeries {
  readonly counts: Float64Array;
  sum: number;
  count: number;
  min: number;
  max: number;
  readonly labels: string;
  readonly attributes: Attributes;
}

export type Series = ScalarSeries | HistogramSeries;

export const MAX_LABEL_VALUE_LENGTH = 1024;

/**
 * Normalise an attribute value: primitives as they are, arrays as JSON, anything else
 * dropped (undefined). Strings longer than MAX_LABEL_VALUE_LENGTH are truncated.
 */
export function normaliseValue(v: unknown): string | number | boolean | undefined {
  switch (typeof v) {
    case 'string':
      return v.length > MAX_LABEL_VALUE_LENGTH ? truncate(v) : v;
    case 'number':
    case 'boolean':
      return v;
    case 'object':
      if (Array.isArray(v)) {
        let s: string;
        try {
          s = JSON.stringify(v);
        } catch {
          return undefined;
        }
        return s.length > MAX_LABEL_VALUE_LENGTH ? truncate(s) : s;
      }
      return undefined;
    default:
      return undefined;
  }
}

function truncate(s: string): string {
  let end = MAX_LABEL_VALUE_LENGTH;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // never split a surrogate pair
  return s.slice(0, end);
}

export interface Canonical {
  /**
   * Identity of the series: its Prometheus label string. Attribute sets that would be
   * written identically (1 and "1", or keys merged by sanitising) are one series, so the
   * exposition never holds two samples with the same labels.
   */
  readonly key: string;
  readonly attributes: Attributes;
  readonly labels: string;
}

/**
 * The canonical form of an attribute set: its identity key, a private copy of the
 * attributes, and the Prometheus label string. Keys that sanitise to the same label name
 * (`odd.key`, `odd_key`) are merged deterministically: values joined with `;` in the
 * lexicographic order of the original keys (the OpenTelemetry compatibility rule).
 * `le` and `quantile` are written by the exposition itself (histogram buckets, summaries)
 * and linted on other metrics: an attribute that sanitises to one is exposed as `key_le`
 * / `key_quantile` instead (merged like any other collision).
 */
export function canonicalise(attrs: Attributes): Canonical {
  const keys = Object.keys(attrs).sort();
  const out: Attributes = {};
  const labelMap = new Map<string, string>();
  for (const k of keys) {
    if (k === '') continue;
    const v = normaliseValue(attrs[k]);
    if (v === undefined) continue;
    out[k] = v;
    let name = sanitizeLabelName(k);
    if (name === 'le' || name === 'quantile') name = 'key_' + name;
    const prev = labelMap.get(name);
    labelMap.set(name, prev === undefined ? String(v) : prev + ';' + String(v));
  }
  const names = [...labelMap.keys()].sort();
  const pairs: string[] = [];
  for (const n of names) pairs.push(n + '="' + escapeLabelValue(labelMap.get(n) as string) + '"');
  // join() gives one flat string: kept per series, a rope of pieces would cost ~2x the memory
  const labels = pairs.join(',');
  return { key: labels, attributes: out, labels };
}
