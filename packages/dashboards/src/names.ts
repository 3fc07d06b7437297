import { CATALOGUE, isCatalogueName, sanitizeLabelName, type MetricDefinition } from '@agentmeter/semconv';

/** The catalogue entry of an OpenTelemetry metric name; throws on a name the catalogue lacks. */
export function definition(otelName: string): MetricDefinition {
  if (!isCatalogueName(otelName)) throw new Error(`@agentmeter/dashboards: ${otelName} is not in the semconv CATALOGUE`);
  return CATALOGUE[otelName];
}

/** The Prometheus name of a catalogue metric (histograms: without `_bucket`/`_sum`/`_count`). */
export function prom(otelName: string): string {
  return definition(otelName).prometheus;
}

/** `<histogram>_bucket`, `_sum` and `_count` of a catalogue histogram. */
export function bucket(otelName: string): string {
  return histogram(otelName) + '_bucket';
}
export function sum(otelName: string): string {
  return histogram(otelName) + '_sum';
}
export function count(otelName: string): string {
  return histogram(otelName) + '_count';
}
function histogram(otelName: string): string {
  const d = definition(otelName);
  if (d.kind !== 'histogram') throw new Error(`@agentmeter/dashboards: ${otelName} is a ${d.kind}, not a histogram`);
  return d.prometheus;
}

/**
 * The Prometheus label of an OpenTelemetry attribute (`gen_ai.provider.name` ->
 * `gen_ai_provider_name`): the serializer's own function, so queries and exposition agree.
 */
export const label: (attribute: string) => string = sanitizeLabelName;

/**
 * Every series name a query over agentmeter's metrics may use: each catalogue name, the
 * `_bucket`/`_sum`/`_count` series of its histograms, and Prometheus's `up` and
 * agentmeter's `target_info`.
 */
export function knownSeriesNames(): ReadonlySet<string> {
  const out = new Set<string>(['up', 'target_info']);
  for (const d of Object.values(CATALOGUE)) {
    if (d.kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(d.prometheus + s);
    else out.add(d.prometheus);
  }
  return out;
}

/** Every label a query may use: the catalogue's attributes as labels, plus `le`, `job`, `instance`. */
export function knownLabelNames(): ReadonlySet<string> {
  const out = new Set<string>(['le', 'job', 'instance', '__name__']);
  for (const d of Object.values(CATALOGUE)) for (const a of d.attributes) out.add(label(a));
  return out;
}

const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan',
]);

/** Removes quoted strings (label values, Go templates never appear in queries). */
function stripStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

/**
 * The series names a PromQL expression selects (a small lexer, enough for the
 * expressions agentmeter generates: no string literals outside label matchers).
 */
export function metricNamesIn(expr: string): string[] {
  let s = stripStrings(expr);
  s = s.replace(/\{[^}]*\}/g, ' '); // label matchers
  s = s.replace(/\[[^\]]*\]/g, ' '); // range / subquery windows
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping label lists
  const out = new Set<string>();
  const re = /(?<![\w.:])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (m[2]) continue; // a function call
    if (KEYWORDS.has(m[1].toLowerCase())) continue;
    if (/^\d/.test(m[1])) continue;
    out.add(m[1]);
  }
  return [...out];
}

/** The label names an expression matches on or groups by. */
export function labelNamesIn(expr: string): string[] {
  const s = stripStrings(expr);
  const out = new Set<string>();
  for (const m of s.matchAll(/\{([^}]*)\}/g)) for (const mm of m[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g)) out.add(mm[1]);
  for (const m of s.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g))
    for (const l of m[1].split(',').map((x) => x.trim()).filter(Boolean)) out.add(l);
  return [...out];
}
