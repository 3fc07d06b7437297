import type { Attributes } from '@opentelemetry/api';
import { ATTR_OTEL_METRIC_OVERFLOW } from '@agentmeter/semconv';
import { canonicalise, type Canonical, type HistogramSeries, type ScalarSeries, type Series } from './series';
import { report } from '@agentmeter/api';

/** Longest string attribute value kept in the lookup cache (longer ones take the slow path). */
const MAX_CACHED_VALUE_LENGTH = 256;

interface TrieNode {
  readonly key: string;
  readonly vals: Map<unknown, Branch>;
  readonly alt: TrieNode | undefined;
}
interface Branch {
  s: Series | undefined;
  next: TrieNode | undefined;
}

/**
 * The series of one instrument, bounded by a hard cardinality limit that never resets:
 * at most `limit` series including the one `otel.metric.overflow="true"` series that
 * takes every attribute set beyond it.
 *
 * Lookups go through a trie keyed by attribute key then value, in the order the caller's
 * object lists them, so the hot path is two Map.get per attribute with no sorting,
 * hashing or allocation. A miss canonicalises the attributes (sorted, sanitised, label
 * string built once) and fills the trie; the trie is bounded to 4 x limit branches.
 */
export class SeriesStore<S extends Series> {
  readonly series = new Map<string, S>();
  overflow: S | undefined;
  private root: Branch = { s: undefined, next: undefined };
  private branches = 0;

  constructor(
    readonly metricName: string,
    readonly limit: number,
    private readonly make: (c: Canonical) => S,
  ) {}

  get size(): number {
    return this.series.size + (this.overflow ? 1 : 0);
  }

  lookup(attrs: Attributes | undefined): S {
    let b = this.root;
    if (attrs != null) {
      for (const k in attrs) {
        let n = b.next;
        while (n !== undefined && n.key !== k) n = n.alt;
        if (n === undefined) return this.slow(attrs);
        const nb = n.vals.get(attrs[k]);
        if (nb === undefined) return this.slow(attrs);
        b = nb;
      }
    }
    const s = b.s;
    return s !== undefined ? (s as S) : this.slow(attrs);
  }

  /** Drop every series (observable instruments re-observe each collection). */
  clear(): void {
    this.series.clear();
    this.overflow = undefined;
    this.root = { s: undefined, next: undefined };
    this.branches = 0;
  }

  private slow(attrs: Attributes | undefined): S {
    const c = canonicalise(attrs ?? {});
    let s = this.series.get(c.key);
    if (s === undefined) {
      s = this.series.size >= this.limit - 1 ? this.overflowSeries() : this.make(c);
      if (s !== this.overflow) this.series.set(c.key, s);
    }
    if (attrs != null) this.insert(attrs, s);
    else this.root.s = s;
    return s;
  }

  private overflowSeries(): S {
    if (this.overflow === undefined) {
      report(
        'AGENTMETER_CARDINALITY_LIMIT',
        this.metricName,
        `metric "${this.metricName}" reached its cardinality limit of ${this.limit} series; ` +
          `further attribute sets are aggregated into the ${ATTR_OTEL_METRIC_OVERFLOW}="true" series`,
      );
      this.overflow = this.make(canonicalise({ [ATTR_OTEL_METRIC_OVERFLOW]: true }));
    }
    return this.overflow;
  }

  private insert(attrs: Attributes, s: S): void {
    if (this.branches >= this.limit * 4) return;
    let b = this.root;
    for (const k in attrs) {
      const v = attrs[k];
      if ((typeof v === 'object' && v !== null) || (typeof v === 'string' && v.length > MAX_CACHED_VALUE_LENGTH)) return;
      let n = b.next;
      while (n !== undefined && n.key !== k) n = n.alt;
      if (n === undefined) {
        n = { key: k, vals: new Map(), alt: b.next };
        b.next = n;
      }
      let nb = n.vals.get(v);
      if (nb === undefined) {
        nb = { s: undefined, next: undefined };
        n.vals.set(v, nb);
        this.branches++;
      }
      b = nb;
    }
    b.s = s;
  }
}

export function makeScalar(c: Canonical): ScalarSeries {
  return { value: 0, labels: c.labels, attributes: c.attributes };
}

export function histogramFactory(bucketCount: number): (c: Canonical) => HistogramSeries {
  return (c) => ({
    counts: new Float64Array(bucketCount + 1),
    sum: 0,
    count: 0,
    min: Infinity,
    max: -Infinity,
    labels: c.labels,
    attributes: c.attributes,
  });
}
