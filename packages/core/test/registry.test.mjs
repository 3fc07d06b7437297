import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serialize, serializeAsync, RegistryMetricProducer, prometheusName } from '@agentmeter/core';
import { setDiagnosticWarnings } from '@agentmeter/api';

setDiagnosticWarnings(false);

test('prometheus names follow the OTel compatibility rules', () => {
  assert.equal(prometheusName('http.server.request.duration', 's', 'histogram', false), 'http_server_request_duration_seconds');
  assert.equal(prometheusName('cache.operations', '{operation}', 'counter', true), 'cache_operations_total');
  assert.equal(prometheusName('cache.hit_ratio', '1', 'gauge', false), 'cache_hit_ratio');
  assert.equal(prometheusName('cache.size', 'By', 'gauge', false), 'cache_size_bytes');
  assert.equal(prometheusName('gen_ai.client.token.usage', '{token}', 'histogram', false), 'gen_ai_client_token_usage');
  assert.equal(prometheusName('process.cpu.utilization', '1', 'gauge', false), 'process_cpu_utilization_ratio');
  assert.equal(prometheusName('net.io', 'By/s', 'gauge', false), 'net_io_bytes_per_second');
  assert.equal(prometheusName('requests_total', '', 'counter', true), 'requests_total');
});

test('counter, histogram and gauge serialise with units, _total and sorted labels', async () => {
  const r = new Registry();
  const m = r.getMeter('t');
  m.createCounter('cache.operations', { unit: '{operation}' }).add(2, { 'cache.result': 'hit', 'cache.name': 'c' });
  m.createHistogram('http.server.request.duration', { unit: 's' }).record(0.3, { 'http.request.method': 'GET' });
  m.createObservableGauge('cache.hit_ratio', { unit: '1' }).addCallback((o) => o.observe(0.25, { 'cache.name': 'c' }));
  const text = await serializeAsync(r, { resource: { 'service.name': 'svc' } });
  assert.match(text, /^cache_operations_total\{cache_name="c",cache_result="hit"\} 2$/m);
  assert.match(text, /^http_server_request_duration_seconds_bucket\{http_request_method="GET",le="0\.25"\} 0$/m);
  assert.match(text, /^http_server_request_duration_seconds_bucket\{http_request_method="GET",le="0\.5"\} 1$/m);
  assert.match(text, /^http_server_request_duration_seconds_bucket\{http_request_method="GET",le="\+Inf"\} 1$/m);
  assert.match(text, /^http_server_request_duration_seconds_count\{http_request_method="GET"\} 1$/m);
  assert.match(text, /^cache_hit_ratio\{cache_name="c"\} 0\.25$/m);
  assert.match(text, /^target_info\{service_name="svc"\} 1$/m);
  assert.doesNotMatch(text, /otel_scope_name/);
});

test('attribute order does not split a series', () => {
  const r = new Registry();
  const c = r.getMeter('t').createCounter('c');
  c.add(1, { a: 'x', b: 'y' });
  c.add(1, { b: 'y', a: 'x' });
  c.add(1, { a: 'x', b: 'y', u: undefined });
  assert.equal(r.get('c').store.size, 1);
  assert.match(serialize(r), /^c_total\{a="x",b="y"\} 3$/m);
});

test('catalogue buckets apply to catalogue histograms', () => {
  const r = new Registry();
  r.getMeter('t').createHistogram('gen_ai.client.operation.duration', { unit: 's' }).record(1);
  const text = serialize(r);
  assert.match(text, /le="0\.01"/);
  assert.match(text, /le="81\.92"/);
});

test('hard cardinality cap holds across collections and overflows into one series', async () => {
  const r = new Registry({ cardinalityLimit: 100 });
  const c = r.getMeter('t').createCounter('churn');
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 1000; i++) c.add(1, { user: `u${round}-${i}` });
    await serializeAsync(r);
  }
  assert.equal(r.get('churn').store.size, 100);
  const text = serialize(r);
  assert.match(text, /^churn_total\{otel_metric_overflow="true"\} 4901$/m);
});

test('NaN, Infinity, negatives and non-numbers are dropped, never exported', () => {
  const r = new Registry();
  const m = r.getMeter('t');
  const c = m.createCounter('c');
  const h = m.createHistogram('h');
  for (const v of [NaN, Infinity, -Infinity, -1, '5', null, undefined, {}]) {
    c.add(v);
    h.record(v);
  }
  c.add(1);
  h.record(2);
  const text = serialize(r);
  assert.match(text, /^c_total 1$/m);
  assert.match(text, /^h_sum 2$/m);
  assert.doesNotMatch(text, /NaN|Inf\b(?!")/);
});

test('a throwing or hanging observable callback does not stop the others', async () => {
  const r = new Registry({ callbackTimeoutMillis: 50 });
  const m = r.getMeter('t');
  m.createObservableGauge('bad').addCallback(() => {
    throw new Error('boom');
  });
  m.createObservableGauge('hang').addCallback(() => new Promise(() => {}));
  m.createObservableGauge('good').addCallback((o) => o.observe(7));
  const text = await serializeAsync(r);
  assert.match(text, /^good 7$/m);
});

test('MetricProducer exposes the registry to OpenTelemetry readers', async () => {
  const r = new Registry();
  const m = r.getMeter('scope-a', '1.0.0');
  m.createCounter('c').add(3, { k: 'v' });
  m.createHistogram('h', { advice: { explicitBucketBoundaries: [1, 2] } }).record(1.5);
  const { resourceMetrics } = await new RegistryMetricProducer(r).collect();
  const metrics = resourceMetrics.scopeMetrics[0].metrics;
  assert.equal(resourceMetrics.scopeMetrics[0].scope.name, 'scope-a');
  const c = metrics.find((x) => x.descriptor.name === 'c');
  assert.equal(c.dataPoints[0].value, 3);
  assert.equal(c.isMonotonic, true);
  const h = metrics.find((x) => x.descriptor.name === 'h');
  assert.deepEqual(h.dataPoints[0].value.buckets, { boundaries: [1, 2], counts: [0, 1, 0] });
});

test('invalid configuration fails loudly naming the setting', () => {
  assert.throws(() => new Registry({ cardinalityLimit: 0 }), /cardinalityLimit/);
  assert.throws(() => new Registry({ buckets: { x: [2, 1] } }), /buckets\["x"\]/);
});

test('the producer uses sdk-metrics enum values without loading sdk-metrics at start-up', async () => {
  const sm = await import('@opentelemetry/sdk-metrics');
  const r = new Registry();
  const m = r.getMeter('s');
  m.createCounter('c').add(1);
  m.createUpDownCounter('u').add(1);
  m.createHistogram('h').record(1);
  m.createGauge('g').record(1);
  const { resourceMetrics } = await new RegistryMetricProducer(r).collect();
  const by = Object.fromEntries(resourceMetrics.scopeMetrics[0].metrics.map((x) => [x.descriptor.name, x]));
  assert.equal(by.c.dataPointType, sm.DataPointType.SUM);
  assert.equal(by.c.aggregationTemporality, sm.AggregationTemporality.CUMULATIVE);
  assert.equal(by.c.descriptor.type, sm.InstrumentType.COUNTER);
  assert.equal(by.u.descriptor.type, sm.InstrumentType.UP_DOWN_COUNTER);
  assert.equal(by.h.dataPointType, sm.DataPointType.HISTOGRAM);
  assert.equal(by.g.dataPointType, sm.DataPointType.GAUGE);
  const { spawnSync } = await import('node:child_process');
  const out = spawnSync(process.execPath, ['-e', 'require("@agentmeter/core"); console.log(Object.keys(require.cache).some((k) => k.includes("sdk-metrics")))'], { encoding: 'utf8' });
  assert.equal(out.stdout.trim(), 'false');
});
