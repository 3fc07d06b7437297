// Issue 5.3: a hard per-metric cardinality limit (default 2000, configurable per metric)
// with overflow into one otel_metric_overflow="true" series, which never resets on
// collection (the OpenTelemetry SDK's resets each collection: 50,000 churned values
// exported 39,981 series). 100,000 distinct values: the limit holds exactly, and the heap
// after GC stays bounded. Model and provider names taken from requests are bounded too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CARDINALITY_LIMIT, Registry, serializeAsync } from '@agentmeter/core';
import { runNode } from '@agentmeter/test-utils/proc';

const fixture = (f) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));
const MB = 1024 * 1024;

test('the default limit is 2000 series per metric, including the overflow series', async () => {
  assert.equal(DEFAULT_CARDINALITY_LIMIT, 2000);
  const reg = new Registry({ cardinalityLimits: { 'per.metric': 7 } });
  const m = reg.getMeter('t');
  const a = m.createCounter('default.metric');
  const b = m.createCounter('per.metric');
  for (let i = 0; i < 5000; i++) {
    a.add(1, { id: i });
    b.add(1, { id: i });
  }
  assert.equal(reg.get('default.metric').store.size, 2000);
  assert.equal(reg.get('per.metric').store.size, 7);
  const text = await serializeAsync(reg);
  assert.match(text, /^per_metric_total\{otel_metric_overflow="true"\} 4994$/m);
  // an attribute set already seen keeps its own series after the limit is reached
  b.add(10, { id: 0 });
  assert.match(await serializeAsync(reg), /^per_metric_total\{id="0"\} 11$/m);
  assert.throws(() => new Registry({ cardinalityLimits: { x: 1 } }), /cardinalityLimits\["x"\]/);
});

test('100,000 distinct values: the limit holds exactly and the heap after GC is bounded', async () => {
  const r = await runNode(['--expose-gc', fixture('churn-child.mjs')], { env: { CHURN_N: '100000' }, timeout: 55_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  const L = out.limit;
  assert.deepEqual(out.series, { requests: L, latency: L, small: 100, llmDuration: L, llmTokens: L });
  assert.deepEqual(out.store, { requests: L, small: 100 });
  assert.equal(out.overflow.requests, 1);
  // everything beyond the first L-1 attribute sets landed in the overflow series, nothing lost
  assert.equal(out.overflow.requestsValue, out.n - (L - 1));
  assert.equal(out.overflow.smallValue, out.n - 99);
  assert.equal(out.overflow.llmDurationCount, out.n - (L - 1));
  assert.equal(out.total.requests, out.n);
  // Heap: filling every store to its limit costs F bytes (5 metrics x 2000 series, incl.
  // histogram bucket arrays). If series were kept beyond the limit, the next 98,000 values
  // would cost about 49 x F. The bound allows 25% of F (room for the lookup trie, itself
  // capped at 4 x limit branches per metric, and GC noise): a leak of even 1 in 200
  // values would exceed it.
  const { beforeSeries, atLimit, after10k, afterAll } = out.heap;
  const fill = atLimit - beforeSeries;
  const growth = afterAll - atLimit;
  console.log(`heap: fill ${(fill / MB).toFixed(1)} MB for ${L} series x 5 metrics; +${(growth / MB).toFixed(2)} MB after ${out.n - L} more values; 10k->100k ${((afterAll - after10k) / MB).toFixed(2)} MB`);
  assert.ok(fill > 0);
  assert.ok(growth < 0.25 * fill, `heap grew ${growth} bytes after the limit (fill cost ${fill})`);
  // from 10,000 to 100,000 values (the trie is full by then) the heap does not grow at all
  assert.ok(afterAll - after10k < 1 * MB, `10k -> 100k: ${afterAll - after10k} bytes`);
});

test('model and provider names from requests (real openai client, preload) fold into the overflow series', async () => {
  const r = await runNode(['--import', '@agentmeter/sdk/register', fixture('openai-model-churn.mjs')], {
    env: { AGENTMETER_METRICS_PORT: '0', AGENTMETER_CARDINALITY_LIMIT: '20', MODELS: '60', NODE_NO_WARNINGS: '1' },
    timeout: 55_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.equal(out.durationSeries, 20);
  assert.equal(out.tokenSeries, 20);
  assert.equal(out.totalCount, 60);
  assert.equal(out.overflowCount, 60 - 19);
});
