/**
 * Prometheus text-format helpers. The name translation (OpenTelemetry name and unit to
 * Prometheus family and label names) lives in @agentmeter/semconv, so that the catalogue's
 * `prometheus` names and the dashboards use the very functions the serializer does.
 */

export { prometheusName, unitSuffix, sanitizeLabelName, sanitizeMetricName, type PromKind } from '@agentmeter/semconv';

/** Escape a label value for the text exposition format (backslash, quote, newline). */
export function escapeLabelValue(v: string): string {
  if (!/[\\"\n]/.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escape HELP text (backslash and newline). */
export function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Number formatting for the exposition (finite numbers only reach here; Inf guarded). */
export function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v !== v) return 'NaN';
  return '' + v;
}
