import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dc from 'node:diagnostics_channel';
import { Registry, serialize, serializeAsync, RegistryMetricProducer, prometheusName } from '@agentmeter/core';
import { DIAGNOSTIC_CHANNEL, resetDiagnostics, setDiagnosticWarnings } from '@agentmeter/api';
import { count, parse, samples, sum, types, value } from '@agentmeter/test-utils/exposition';

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

// ---- Registry behaviour through the serialized exposition: the series cap and its overflow
// series, observable callbacks that fail, every instrument kind.

const OVERFLOW = { otel_metric_overflow: 'true' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Diagnostics published while fn runs (deduplication state reset first). */
async function diagnosticsOf(fn) {
  const list = [];
  const on = (d) => list.push(d);
  resetDiagnostics();
  dc.subscribe(DIAGNOSTIC_CHANNEL, on);
  try {
    await fn();
  } finally {
    dc.unsubscribe(DIAGNOSTIC_CHANNEL, on);
  }
  return { list, of: (code) => list.filter((d) => d.code === code) };
}

test('series cap: limit - 1 attribute sets get their own series, every later one goes to the one overflow series', async () => {
  const L = 5;
  const N = 50;
  const r = new Registry({ cardinalityLimit: L });
  const c = r.getMeter('t').createCounter('capped');
  let recorded = 0;
  let beyond = 0;
  const diags = await diagnosticsOf(() => {
    for (let i = 0; i < L - 1; i++) {
      c.add(i + 1, { user: `u${i}` });
      recorded += i + 1;
    }
    const below = parse(serialize(r));
    assert.equal(count(below, 'capped_total'), L - 1, 'one series per attribute set below the cap');
    assert.equal(count(below, 'capped_total', OVERFLOW), 0, 'no overflow series below the cap');
    for (let i = L - 1; i < N; i++) {
      c.add(2, { user: `u${i}` });
      recorded += 2;
      beyond += 2;
    }
    c.add(10, { user: 'u0' }); // an attribute set seen before the cap keeps its series
    recorded += 10;
  });
  const s = parse(serialize(r));
  assert.equal(count(s, 'capped_total'), L, 'exactly the limit, the overflow series included');
  assert.equal(count(s, 'capped_total', OVERFLOW), 1);
  assert.equal(value(s, 'capped_total', OVERFLOW, { exact: true }), beyond, 'the overflow series carries only otel_metric_overflow="true"');
  assert.equal(value(s, 'capped_total', { user: 'u0' }, { exact: true }), 11);
  for (let i = 1; i < L - 1; i++) assert.equal(value(s, 'capped_total', { user: `u${i}` }, { exact: true }), i + 1);
  assert.equal(value(s, 'capped_total', { user: `u${L - 1}` }), undefined, 'the first attribute set past the cap has no series of its own');
  assert.equal(sum(s, 'capped_total'), recorded, 'nothing recorded is lost');
  assert.equal(r.get('capped').store.size, L);
  const cap = diags.of('AGENTMETER_CARDINALITY_LIMIT');
  assert.equal(cap.length, 1, 'one diagnostic when the cap is reached');
  assert.match(cap[0].message, /"capped" reached its cardinality limit of 5 series/);
});

test('series cap: per-metric limits, histograms overflow with their buckets, the cap never resets across collections', async () => {
  const r = new Registry({ cardinalityLimit: 10, cardinalityLimits: { 'small.latency': 3 } });
  const m = r.getMeter('t');
  const h = m.createHistogram('small.latency', { advice: { explicitBucketBoundaries: [1, 10] } });
  const other = m.createCounter('other');
  const ROUNDS = 3;
  const PER_ROUND = 20;
  const values = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < PER_ROUND; i++) {
      const v = i % 2 ? 0.5 : 5;
      values.push(v);
      h.record(v, { k: `r${round}-${i}` });
      other.add(1, { k: `r${round}-${i}` });
    }
    await serializeAsync(r);
  }
  const s = parse(await serializeAsync(r));
  assert.equal(count(s, 'small_latency_count'), 3, 'the per-metric limit');
  assert.equal(count(s, 'other_total'), 10, 'the registry-wide limit for the others');
  // the first limit - 1 attribute sets (in recording order) have series; the rest overflowed
  const overflowed = values.slice(3 - 1);
  assert.equal(value(s, 'small_latency_count', OVERFLOW, { exact: true }), overflowed.length);
  assert.equal(value(s, 'small_latency_sum', OVERFLOW, { exact: true }), overflowed.reduce((a, v) => a + v, 0));
  for (const le of [1, 10]) assert.equal(value(s, 'small_latency_bucket', { ...OVERFLOW, le: String(le) }), overflowed.filter((v) => v <= le).length, `le=${le}`);
  assert.equal(value(s, 'small_latency_bucket', { ...OVERFLOW, le: '+Inf' }), overflowed.length);
  assert.equal(value(s, 'other_total', OVERFLOW, { exact: true }), ROUNDS * PER_ROUND - (10 - 1));
  assert.equal(sum(s, 'small_latency_count'), values.length);
});

test('series cap on an observable: the cap applies to each collection, the overflow series keeps the last overflowing observation', async () => {
  const r = new Registry({ cardinalityLimit: 4 });
  let n = 7;
  r.getMeter('t')
    .createObservableGauge('queue.depth')
    .addCallback((o) => {
      for (let i = 0; i < n; i++) o.observe(i * 10, { queue: `q${i}` });
    });
  let s = parse(await serializeAsync(r));
  assert.equal(count(s, 'queue_depth'), 4);
  assert.deepEqual(
    samples(s, 'queue_depth').filter((x) => !x.labels.otel_metric_overflow).map((x) => x.labels.queue),
    ['q0', 'q1', 'q2'],
  );
  assert.equal(value(s, 'queue_depth', OVERFLOW, { exact: true }), (n - 1) * 10);
  n = 2; // observables are re-observed at each collection: back under the cap, no overflow series
  s = parse(await serializeAsync(r));
  assert.equal(count(s, 'queue_depth'), 2);
  assert.equal(count(s, 'queue_depth', OVERFLOW), 0);
});

test('observable callbacks that throw, reject, hang or observe bad values do not stop the rest of the collection', async () => {
  const r = new Registry({ callbackTimeoutMillis: 50 });
  const m = r.getMeter('t');
  let throwsCalls = 0;
  m.createObservableGauge('obs.throws').addCallback((o) => {
    throwsCalls++;
    o.observe(1, { when: 'before-throw' });
    throw new Error('boom');
  });
  m.createObservableGauge('obs.rejects').addCallback(async () => {
    throw new Error('async boom');
  });
  m.createObservableGauge('obs.late').addCallback(async (o) => {
    await sleep(150);
    o.observe(9);
  });
  const BAD = [NaN, Infinity, -Infinity, -1, '5', null, {}];
  m.createObservableCounter('obs.mixed').addCallback((o) => {
    for (const v of BAD) o.observe(v, { v: String(v) });
    o.observe(3, { v: 'good' });
  });
  m.createObservableUpDownCounter('obs.updown').addCallback((o) => o.observe(-4, { k: 'a' }));
  const batched = m.createObservableGauge('obs.batched');
  m.addBatchObservableCallback(() => {
    throw new Error('batch boom');
  }, [batched]);
  m.addBatchObservableCallback((b) => b.observe(batched, 6), [batched]);
  const c = m.createCounter('sync.requests');
  c.add(2);
  let text;
  const diags = await diagnosticsOf(async () => {
    text = await serializeAsync(r);
  });
  const s = parse(text);
  const t = types(text);
  assert.equal(value(s, 'sync_requests_total'), 2, 'synchronous instruments are exported');
  assert.equal(value(s, 'obs_updown', { k: 'a' }, { exact: true }), -4);
  assert.equal(value(s, 'obs_batched'), 6, 'a failing batch callback does not stop another one');
  assert.equal(value(s, 'obs_throws', { when: 'before-throw' }), 1, 'observations made before the throw are kept');
  assert.deepEqual(samples(s, 'obs_mixed_total'), [{ name: 'obs_mixed_total', labels: { v: 'good' }, value: 3 }], 'bad values dropped, the good one kept');
  assert.equal(t.has('obs_rejects'), false, 'a rejecting callback exports no family');
  assert.equal(t.has('obs_late'), false, 'a callback past the timeout exports nothing');
  const failed = diags.of('AGENTMETER_CALLBACK_FAILED').map((d) => d.message);
  for (const what of ['obs.throws', 'obs.rejects', 'batch']) assert.ok(failed.some((msg) => msg.includes(`"${what}"`)), `${what}: ${failed.join('; ')}`);
  assert.equal(diags.of('AGENTMETER_CALLBACK_TIMEOUT').length, 1);
  const invalid = diags.of('AGENTMETER_INVALID_VALUE').map((d) => d.message);
  assert.ok(invalid.length >= 1 && invalid.every((msg) => msg.includes('"obs.mixed"')), invalid.join('; '));
  // the late callback settles after the collection: its observation is ignored
  await sleep(200);
  assert.equal(types(serialize(r)).has('obs_late'), false, 'an observation after the timeout is not recorded');
  // the next collection runs every callback again and still exports the rest
  const again = parse(await serializeAsync(r));
  assert.equal(throwsCalls, 2);
  assert.equal(value(again, 'obs_batched'), 6);
  assert.equal(value(again, 'sync_requests_total'), 2);
});

test('every instrument kind, through the Prometheus text: names, TYPE and values', async () => {
  const r = new Registry();
  const m = r.getMeter('kinds');
  const counter = m.createCounter('k.requests', { unit: '{request}', description: 'Requests served.' });
  counter.add(1, { route: '/a' });
  counter.add(2.5, { route: '/a' });
  counter.add(4, { route: '/b' });
  counter.add(-1, { route: '/a' }); // a counter only goes up: dropped
  const updown = m.createUpDownCounter('k.inflight', { unit: '{request}' });
  updown.add(3);
  updown.add(-5);
  const BOUNDS = [0.1, 1, 10];
  const VALUES = [0.05, 0.1, 0.5, 1, 2, 20];
  const hist = m.createHistogram('k.latency', { unit: 's', advice: { explicitBucketBoundaries: BOUNDS } });
  for (const v of VALUES) hist.record(v, { op: 'x' });
  const gauge = m.createGauge('k.level');
  gauge.record(20);
  gauge.record(-3.5);
  let cpu = 1.25;
  m.createObservableCounter('k.cpu.time', { unit: 's' }).addCallback((o) => o.observe(cpu));
  m.createObservableUpDownCounter('k.connections').addCallback((o) => o.observe(-1, { pool: 'p' }));
  m.createObservableGauge('k.queue').addCallback((o) => {
    o.observe(7, { q: 'a' });
    o.observe(8, { q: 'b' });
  });
  const text = await serializeAsync(r);
  const s = parse(text);
  const t = types(text);

  assert.equal(t.get('k_requests_total'), 'counter');
  assert.match(text, /^# HELP k_requests_total Requests served\.$/m);
  assert.equal(value(s, 'k_requests_total', { route: '/a' }, { exact: true }), 3.5);
  assert.equal(value(s, 'k_requests_total', { route: '/b' }, { exact: true }), 4);
  assert.equal(count(s, 'k_requests_total'), 2);

  assert.equal(t.get('k_inflight'), 'gauge', 'an up-down counter is a Prometheus gauge');
  assert.equal(value(s, 'k_inflight', {}, { exact: true }), -2);

  assert.equal(t.get('k_latency_seconds'), 'histogram');
  const buckets = samples(s, 'k_latency_seconds_bucket', { op: 'x' });
  assert.deepEqual(
    buckets.map((b) => b.labels.le),
    [...BOUNDS.map(String), '+Inf'],
    'the explicit boundaries, then +Inf',
  );
  for (const b of buckets) {
    const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
    assert.equal(b.value, VALUES.filter((v) => v <= le).length, `le=${b.labels.le} is cumulative and inclusive`);
  }
  assert.equal(value(s, 'k_latency_seconds_count', { op: 'x' }), VALUES.length);
  assert.equal(value(s, 'k_latency_seconds_sum', { op: 'x' }), VALUES.reduce((a, v) => a + v, 0));

  assert.equal(t.get('k_level'), 'gauge');
  assert.equal(value(s, 'k_level'), -3.5, 'a gauge keeps the last value');

  assert.equal(t.get('k_cpu_time_seconds_total'), 'counter', 'an observable counter is a counter with unit and _total');
  assert.equal(value(s, 'k_cpu_time_seconds_total'), 1.25);
  assert.equal(t.get('k_connections'), 'gauge');
  assert.equal(value(s, 'k_connections', { pool: 'p' }), -1, 'an observable up-down counter may be negative');
  assert.equal(t.get('k_queue'), 'gauge');
  assert.deepEqual(
    samples(s, 'k_queue').map((x) => [x.labels.q, x.value]),
    [
      ['a', 7],
      ['b', 8],
    ],
  );

  // observable instruments report what the callback observes now, not a running total
  cpu = 2;
  const again = parse(await serializeAsync(r));
  assert.equal(value(again, 'k_cpu_time_seconds_total'), 2);
  assert.equal(value(again, 'k_requests_total', { route: '/a' }), 3.5, 'synchronous counters are cumulative across collections');
});
