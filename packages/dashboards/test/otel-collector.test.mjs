// otel-collector/: the Collector configs parse and wire OTLP -> batch -> prometheus
// (-> prometheusremotewrite) with the settings that keep agentmeter's names; the
// Prometheus config that scrapes the Collector passes promtool. The Collector binary
// itself is not available here, so its name translation is modelled below from its
// documented rules and checked against the catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import YAML from 'yaml';
import { CATALOGUE } from '@agentmeter/semconv';
import { PROMTOOL_BIN } from '@agentmeter/test-utils/prometheus';

const dir = new URL('../../../otel-collector/', import.meta.url).pathname;
const load = (f) => YAML.parse(readFileSync(join(dir, f), 'utf8'));

function assertWired(cfg, exporters) {
  const p = cfg.service.pipelines.metrics;
  assert.deepEqual(p.receivers, ['otlp']);
  assert.deepEqual(p.processors, ['memory_limiter', 'batch'], 'memory_limiter first, batch last');
  assert.deepEqual(p.exporters, exporters);
  for (const [kind, names] of [['receivers', p.receivers], ['processors', p.processors], ['exporters', p.exporters]])
    for (const n of names) assert.ok(cfg[kind] && n in cfg[kind], `${kind}.${n} is used but not defined`);
  for (const pipeline of Object.values(cfg.service.pipelines)) assert.ok(pipeline.receivers.length && pipeline.exporters.length);
  // OTLP/HTTP on 4318: AGENTMETER_OTLP_ENDPOINT=http://<collector>:4318/v1/metrics
  assert.match(cfg.receivers.otlp.protocols.http.endpoint, /:4318$/);
  const prom = cfg.exporters.prometheus;
  assert.equal(prom.translation_strategy, 'UnderscoreEscapingWithSuffixes');
  assert.equal(prom.without_scope_info, true);
  assert.equal(prom.add_metric_suffixes, undefined, 'add_metric_suffixes is ignored when translation_strategy is set');
  assert.ok(!prom.resource_to_telemetry_conversion?.enabled, 'resource attributes stay on target_info');
  assert.equal(prom.namespace, undefined, 'a namespace would prefix every name');
}

test('config.yaml: otlp -> memory_limiter -> batch -> prometheus, with agentmeter-compatible naming', () => {
  const cfg = load('config.yaml');
  assertWired(cfg, ['prometheus']);
  assert.match(cfg.exporters.prometheus.endpoint, /:8889$/);
});

test('config-remote-write.yaml: also prometheusremotewrite, suffixes on, target_info kept', () => {
  const cfg = load('config-remote-write.yaml');
  assertWired(cfg, ['prometheus', 'prometheusremotewrite']);
  const rw = cfg.exporters.prometheusremotewrite;
  assert.equal(rw.add_metric_suffixes, true);
  assert.equal(rw.target_info.enabled, true);
  assert.equal(rw.resource_to_telemetry_conversion.enabled, false);
  assert.match(rw.endpoint, /^\$\{env:[A-Z_]+\}$/);
});

test('prometheus.yml for the Collector path passes promtool check config (rules included), honor_labels on', () => {
  const r = spawnSync(PROMTOOL_BIN, ['check', 'config', 'prometheus.yml'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /SUCCESS: 2 rule files found/);
  const cfg = load('prometheus.yml');
  assert.equal(cfg.scrape_configs[0].honor_labels, true);
});

// The Collector's UnderscoreEscapingWithSuffixes translation (pkg/translator/prometheus):
// invalid characters -> `_`; the unit's Prometheus word appended unless already the
// suffix (`{...}` annotations dropped; `1` -> `ratio` on gauges only); `_total` on
// monotonic sums.
const UNIT = { s: 'seconds', ms: 'milliseconds', By: 'bytes', KiBy: 'kibibytes', '%': 'percent' };
function collectorName(d) {
  let name = d.name.replace(/[^A-Za-z0-9_:]/g, '_').replace(/__+/g, '_');
  const unit = d.unit.replace(/\{[^}]*\}/g, '');
  const word = unit === '1' ? (d.kind === 'gauge' ? 'ratio' : '') : UNIT[unit] ?? '';
  if (word && !name.endsWith(`_${word}`)) name += `_${word}`;
  if (d.kind === 'counter') name += '_total';
  return name;
}

test('every catalogue name is what the Collector produces from the OTLP name and unit', () => {
  const mismatches = Object.values(CATALOGUE)
    .map((d) => [d.name, collectorName(d), d.prometheus])
    .filter(([, got, want]) => got !== want);
  assert.deepEqual(mismatches, []);
  assert.equal(collectorName({ name: 'x.latency', unit: 'ms', kind: 'histogram' }), 'x_latency_milliseconds');
});
