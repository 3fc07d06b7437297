#!/usr/bin/env node
// Generates docs/metrics.md from @agentmeter/semconv's CATALOGUE (the one source of truth).
//   node scripts/gen-metrics-doc.mjs          write docs/metrics.md
//   node scripts/gen-metrics-doc.mjs --check  exit 1 if docs/metrics.md is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { CATALOGUE } from '@agentmeter/semconv';
import { prometheusName } from '@agentmeter/core';

const file = new URL('../docs/metrics.md', import.meta.url);
const promKind = (k) => (k === 'counter' ? 'counter' : k === 'histogram' ? 'histogram' : 'gauge');
const rows = Object.values(CATALOGUE).map((d) => {
  const derived = prometheusName(d.name, d.unit, promKind(d.kind), d.kind === 'counter');
  if (derived !== d.prometheus) throw new Error(`${d.name}: catalogue says ${d.prometheus}, the serializer derives ${derived}`);
  const buckets = d.buckets ? d.buckets.join(', ') : '';
  const set = d.genAiMetrics === 'current' ? ' (`current`, `both`)' : d.genAiMetrics === 'legacy' ? ' (`legacy`, `both`)' : d.genAiMetrics === 'all' ? ' (every GenAI mode)' : '';
  return `| \`${d.name}\`${set} | ${d.kind} | \`${d.unit}\` | \`${d.prometheus}\`${d.kind === 'histogram' ? '`_bucket/_sum/_count`' : ''} | ${d.attributes.map((a) => `\`${a}\``).join(', ')} | ${buckets} | ${d.stability === 'otel' ? 'OpenTelemetry' : 'agentmeter'} | ${d.description} |`;
});
const text = `# Metric catalogue (as implemented)

Generated from \`@agentmeter/semconv\` (\`CATALOGUE\`) by \`node scripts/gen-metrics-doc.mjs\`;
a test fails when this page and the constants disagree, and when a Prometheus name here is
not what the serializer derives from the OpenTelemetry name and unit.

## GenAI metric names
The GenAI client metrics follow the OpenTelemetry GenAI semantic conventions as published in
semantic-conventions-genai v0.1.0 (\`AGENTMETER_GENAI_METRICS=current\`, the default):
inference calls (chat, text_completion, generate_content) record
\`gen_ai.client.inference.*\`, embeddings \`gen_ai.client.embeddings.*\`, and every other
operation (text_to_speech, speech_to_text, ...) \`gen_ai.client.operation.duration\`. Token
usage is counted by counters with \`gen_ai.token.modality\`: input tokens include cache-read
and cache-write tokens, output tokens include reasoning tokens; the per-call token histograms
carry no modality. \`legacy\` emits the v1.41 names instead (\`gen_ai.client.operation.duration\`
for every operation, the \`gen_ai.client.token.usage\` histogram with \`gen_ai.token.type\`,
\`gen_ai.client.operation.time_to_first_chunk\` / \`.time_per_output_chunk\`), \`both\` emits both
sets. The set a metric belongs to is in brackets after its name; see
[migration.md](migration.md) for the queries.

## Prometheus names
OpenTelemetry names become Prometheus names by the OpenTelemetry Collector's rules:
dots become \`_\`; the unit becomes a suffix (\`s\` → \`_seconds\`, \`By\` → \`_bytes\`, \`1\` →
\`_ratio\` on gauges; \`{token}\`-style annotations add nothing); monotonic counters end in
\`_total\`; attribute keys become labels the same way. Up-down counters are exposed as
gauges. Resource attributes (service.name, ...) are on one \`target_info\` series. No
\`otel_scope_name\` label is added (it costs bytes on every line and no query needs it).

## Histogram buckets
Each catalogue histogram gets the bucket boundaries below whatever the instrument's own
advice says; \`start({ buckets: { name: [...] } })\` overrides one.

## Metrics
| OpenTelemetry name | instrument | unit | Prometheus | attributes | buckets | convention | description |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

## promtool
\`promtool check metrics\` runs on a real exposition in the test suite. One lint finding
cannot be removed without breaking the catalogue (and the OpenTelemetry Collector, which
produces the same name): \`db_client_connection_count non-histogram and non-summary metrics
should not have "_count" suffix\`. The OpenTelemetry database convention names the metric
\`db.client.connection.count\`; renaming it would break every dashboard written for it.

## Cardinality
Every metric holds at most \`cardinalityLimit\` series (default 2000, \`AGENTMETER_CARDINALITY_LIMIT\`,
per metric with \`start({ cardinalityLimits })\`), counting one \`otel_metric_overflow="true"\`
series that aggregates every attribute set beyond the limit. Unlike the OpenTelemetry SDK's
limit, it never resets, so memory stays bounded under cumulative export.

## Application metrics
What is specific to one application (sessions, conversation exchanges by intent, quality
scores, assets processed) is defined by the application with \`handle.meter\` (or
\`metrics.getMeter()\`), in the same naming style; see the examples' READMEs.

## Several processes behind one /metrics: the \`agentmeter_worker\` label
When one endpoint serves a process tree (node:cluster, PM2 cluster mode, \`fork()\`ed
children, worker threads; see [multiprocess.md](multiprocess.md)), counters, up-down
counters and histograms are summed per label set, without a worker label. Gauges and the
runtime/process metrics (\`process.*\`, \`nodejs.*\`, \`v8js.*\`) stay per process, with
one extra label, \`agentmeter_worker\` (attribute \`agentmeter.worker\` in this sense; it is
never set by recorders). Its value is a stable worker index, not the pid: PM2's instance
number (\`NODE_APP_INSTANCE\`) under PM2; otherwise the lowest index free when the process
joins (\`0\` for the first process, usually the cluster primary or the first worker), so a
restarted worker takes the index of the one it replaces and restarts do not grow
cardinality. Worker threads get \`t0\`, \`t1\`, ... the same way. Until a second process
or thread joins, the exposition is the single-process one: no \`agentmeter_worker\` label.
Two metrics belong to the aggregation itself (from the first joined process on):
\`agentmeter_aggregation_members\` (processes and threads aggregated) and
\`agentmeter_aggregation_timeouts_total\` (members that did not answer a scrape in time).
`;
if (process.argv.includes('--check')) {
  const cur = readFileSync(file, 'utf8');
  if (cur !== text) {
    console.error('docs/metrics.md is out of date: run node scripts/gen-metrics-doc.mjs');
    process.exit(1);
  }
  console.log('docs/metrics.md is up to date');
} else {
  writeFileSync(file, text);
  console.log('wrote docs/metrics.md');
}
