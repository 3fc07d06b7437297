// Bug found by the issue-5 work: two instruments whose Prometheus families overlap made
// promtool (and Prometheus's metadata parsing) reject the whole exposition:
// - a histogram `lat` writes lat_bucket / lat_sum / lat_count, and a gauge or counter
//   named `lat_count` wrote a second family with the same sample name;
// - an instrument named `target_info` duplicated the resource's target_info family.
// The first family registered wins; the later one is left out of the Prometheus
// exposition (still exported over OTLP) with one AGENTMETER_NAME_CONFLICT diagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync, serialize } from '@agentmeter/core';
import { promtoolCheckMetrics } from '@agentmeter/test-utils/prometheus';
import { captureDiagnostics } from './lib.mjs';
import { sampleLines } from '@agentmeter/test-utils/exposition';

const diags = captureDiagnostics();

test('histogram suffix families and target_info never collide', async () => {
  diags.reset();
  const reg = new Registry();
  const m = reg.getMeter('t');
  m.createHistogram('lat').record(1, { a: 'b' });
  m.createGauge('lat_count').record(7, { a: 'b' });
  m.createGauge('lat.sum').record(7, { a: 'b' });
  m.createUpDownCounter('lat_bucket').add(7, { a: 'b' });
  m.createGauge('target_info').record(1, { a: 'b' });
  m.createGauge('fine').record(2);
  // the other way round: a gauge first, then a histogram whose _count it would shadow
  m.createGauge('req_count').record(3);
  m.createHistogram('req').record(1);
  for (const text of [await serializeAsync(reg, { resource: { 'service.name': 's' } }), serialize(reg, { resource: { 'service.name': 's' } })]) {
    const check = promtoolCheckMetrics(text);
    // parses (status 0, or 3 = lint only); the one lint left is about the name the test chose
    const problems = check.problems.filter((p) => !/^(lat_count|lat_sum|lat_bucket|req_count) non-histogram and non-summary metrics should not have "_\w+" suffix$/.test(p));
    assert.ok((check.status === 0 || check.status === 3) && problems.length === 0, check.output + '\n' + text);
    const lines = sampleLines(text);
    assert.equal(lines.filter((l) => l.startsWith('lat_count{')).length, 1, text);
    assert.match(text, /^lat_count\{a="b"\} 1$/m);
    assert.match(text, /^target_info\{service_name="s"\} 1$/m);
    assert.doesNotMatch(text, /^target_info\{a="b"\}/m);
    assert.match(text, /^fine 2$/m);
    assert.match(text, /^req_count 3$/m);
    assert.doesNotMatch(text, /^req_bucket/m);
    assert.equal(new Set(lines.map((l) => l.split(' ')[0])).size, lines.length, 'no duplicate series');
  }
  const conflicts = diags.list.filter((d) => d.code === 'AGENTMETER_NAME_CONFLICT');
  assert.equal(conflicts.length, 5, JSON.stringify(diags.list));
});

test('without a resource, an instrument named target_info is exposed', async () => {
  const reg = new Registry();
  reg.getMeter('t').createGauge('target_info').record(1, { a: 'b' });
  const text = await serializeAsync(reg);
  assert.match(text, /^target_info\{a="b"\} 1$/m);
  assert.ok(promtoolCheckMetrics(text).ok);
});
