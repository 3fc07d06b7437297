/**
 * OpenTelemetry-to-Prometheus name translation, the rules the OpenTelemetry Collector's
 * prometheus exporter applies by default: invalid characters become `_`, the unit becomes
 * a suffix, monotonic counters end in `_total`, annotations in braces add nothing.
 *
 * The one implementation: @agentmeter/core's serializer, the `prometheus` names of
 * `CATALOGUE` and @agentmeter/dashboards' queries all use these functions.
 */

const UNIT_NAMES: Record<string, string> = {
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds',
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes', TiBy: 'tibibytes',
  KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams', Cel: 'celsius', Hz: 'hertz', '%': 'percent',
};
const PER_UNIT_NAMES: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

export type PromKind = 'counter' | 'gauge' | 'histogram';

/** The Prometheus unit suffix of an OpenTelemetry unit, or '' (e.g. `s` -> `seconds`, `{token}` -> ''). */
export function unitSuffix(unit: string | undefined, kind: PromKind): string {
  if (!unit) return '';
  const u = unit.replace(/\{[^}]*\}/g, '').trim();
  if (u === '') return '';
  if (u === '1') return kind === 'gauge' ? 'ratio' : '';
  const slash = u.indexOf('/');
  if (slash >= 0) {
    const main = u.slice(0, slash);
    const per = u.slice(slash + 1);
    const a = main ? (UNIT_NAMES[main] ?? clean(main)) : '';
    const b = per ? (PER_UNIT_NAMES[per] ?? clean(per)) : '';
    if (!b) return a;
    return a ? `${a}_per_${b}` : `per_${b}`;
  }
  return UNIT_NAMES[u] ?? clean(u);
}

function clean(s: string): string {
  return s.replace(/[^a-zA-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** Replace characters invalid in a Prometheus metric name and collapse repeated `_`. */
export function sanitizeMetricName(name: string): string {
  let s = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/__+/g, '_');
  if (/^[0-9]/.test(s)) s = '_' + s;
  return s;
}

/** Full Prometheus family name: `http.server.request.duration` (s, histogram) -> `http_server_request_duration_seconds`. */
export function prometheusName(name: string, unit: string | undefined, kind: PromKind, monotonic: boolean): string {
  let base = sanitizeMetricName(name);
  const suffix = unitSuffix(unit, kind);
  if (monotonic && base.endsWith('_total')) base = base.slice(0, -6);
  if (suffix && !base.endsWith('_' + suffix) && base !== suffix) base += '_' + suffix;
  if (monotonic) base += '_total';
  return base;
}

/** Attribute key to label name: `gen_ai.provider.name` -> `gen_ai_provider_name`. */
export function sanitizeLabelName(key: string): string {
  let s = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(s)) s = 'key_' + s;
  else if (s.startsWith('__')) s = 'key' + s;
  return s;
}
