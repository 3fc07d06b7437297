// The one parser of the Prometheus text exposition format (what /metrics serves) used by the
// tests, examples and benchmarks: samples as { name, labels, value }, and the few look-ups
// the tests need. Every function taking `src` accepts the exposition text or parse(text).
//
//   const s = parse(text);
//   value(s, 'http_server_request_duration_seconds_count', { http_route: '/users/:id' })
//   sum(s, 'gen_ai_client_inference_duration_seconds_count')
//   count(s, 'churn_requests_total', { otel_metric_overflow: 'true' })
//
// Label matching: every label given must be present with that value (other labels are
// ignored), or, with { exact: true }, the sample's label set must be exactly the one given.

/** The sample lines (neither comments nor blank lines) of an exposition. */
export const sampleLines = (text) => text.split('\n').filter((l) => l && !l.startsWith('#'));

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;
const unescape = (v) => v.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));

/**
 * One sample line: { name, pairs: [[label, value], ...] in order (repeated names kept),
 * value }; undefined when the line is not a well-formed sample.
 */
export function parseLine(line) {
  const m = NAME.exec(line);
  if (!m) return undefined;
  const name = m[0];
  let i = name.length;
  const pairs = [];
  if (line[i] === '{') {
    i++;
    LABEL.lastIndex = i;
    let l;
    while ((l = LABEL.exec(line))) {
      pairs.push([l[1], unescape(l[2])]);
      i = LABEL.lastIndex;
    }
    while (line[i] === ' ') i++;
    if (line[i] !== '}') return undefined;
    i++;
  }
  if (line[i] !== ' ') return undefined;
  const [v, ts, extra] = line.slice(i + 1).trim().split(/\s+/);
  if (v === undefined || extra !== undefined || (ts !== undefined && !/^-?\d+$/.test(ts))) return undefined;
  const value = v === '+Inf' || v === 'Inf' ? Infinity : v === '-Inf' ? -Infinity : v === 'NaN' ? NaN : Number(v);
  if (Number.isNaN(value) && v !== 'NaN') return undefined;
  return { name, pairs, value };
}

/** Every sample of an exposition: [{ name, labels: { label: value }, value }] in order. Malformed lines throw. */
export function parse(text) {
  const out = [];
  for (const line of sampleLines(text)) {
    const s = parseLine(line);
    if (!s) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    out.push({ name: s.name, labels: Object.fromEntries(s.pairs), value: s.value });
  }
  return out;
}

const toSamples = (src) => (typeof src === 'string' ? parse(src) : src);
const matches = (s, labels, exact) => {
  const want = Object.entries(labels);
  if (exact && want.length !== Object.keys(s.labels).length) return false;
  return want.every(([k, v]) => s.labels[k] === String(v));
};

/** The samples of metric `name` (exact name, e.g. `x_bucket`, `x_count`) whose labels match. */
export function samples(src, name, labels = {}, { exact = false } = {}) {
  return toSamples(src).filter((s) => s.name === name && matches(s, labels, exact));
}

/** Value of the first matching sample; undefined when none matches. */
export function value(src, name, labels = {}, opts) {
  return samples(src, name, labels, opts)[0]?.value;
}

/** Sum of the values of every matching sample (0 when none matches). */
export function sum(src, name, labels = {}, opts) {
  return samples(src, name, labels, opts).reduce((a, s) => a + s.value, 0);
}

/** Number of matching samples (series). */
export function count(src, name, labels = {}, opts) {
  return samples(src, name, labels, opts).length;
}

/** Label names of one sample line, in order, repeated names kept ([] for a malformed line). */
export function labelNames(line) {
  return parseLine(line)?.pairs.map(([k]) => k) ?? [];
}

/** `# TYPE` of every family: Map name -> counter | gauge | histogram | summary | ... */
export function types(text) {
  const out = new Map();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1], m[2]);
  return out;
}

/** Lines of counter families and histogram _sum / _count lines whose value is NaN or +-Inf. */
export function poisonedLines(text) {
  const t = types(text);
  const bad = [];
  for (const l of sampleLines(text)) {
    const name = l.slice(0, l.search(/[{ ]/));
    const v = l.slice(l.lastIndexOf(' ') + 1);
    const isCounter = t.get(name) === 'counter';
    const isHistSum = name.endsWith('_sum') && t.get(name.slice(0, -4)) === 'histogram';
    const isHistCount = name.endsWith('_count') && t.get(name.slice(0, -6)) === 'histogram';
    if ((isCounter || isHistSum || isHistCount) && !Number.isFinite(Number(v))) bad.push(l);
  }
  return bad;
}
