import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Registry, serializeAsync } from '@agentmeter/core';
import { RuntimeInstrumentation, startRuntimeMetrics } from '@agentmeter/instrumentation-runtime';
import { value as sample } from '@agentmeter/test-utils/exposition';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const busy = (ms) => {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
};

test('process metrics are plausible; CPU time grows with work; utilization within [0, 1]', async (t) => {
  const registry = new Registry();
  const runtime = new RuntimeInstrumentation({ meterProvider: registry });
  t.after(() => runtime.stop());
  const first = await serializeAsync(registry);
  assert.ok(sample(first, 'process_uptime_seconds') > 0);
  assert.ok(sample(first, 'process_memory_usage_bytes') > 10e6, 'rss above 10 MB');
  const used = sample(first, 'v8js_memory_heap_used_bytes', { v8js_heap_space_name: 'old_space' });
  const limit = sample(first, 'v8js_memory_heap_limit_bytes', { v8js_heap_space_name: 'old_space' });
  assert.ok(used > 0 && limit >= used, `old_space used ${used} limit ${limit}`);
  const user1 = sample(first, 'process_cpu_time_seconds_total', { cpu_mode: 'user' });
  assert.ok(user1 > 0);

  // Burn 200 ms of user CPU (not wall time: the suite runs files in parallel on 2 cores).
  const cpu0 = process.cpuUsage().user;
  const deadline = Date.now() + 5000;
  while (process.cpuUsage().user - cpu0 < 200_000 && Date.now() < deadline) busy(5);
  const second = await serializeAsync(registry);
  const user2 = sample(second, 'process_cpu_time_seconds_total', { cpu_mode: 'user' });
  assert.ok(user2 - user1 >= 0.15, `user CPU grew by ${user2 - user1}s after 200 ms of CPU work`);
  for (const mode of ['user', 'system']) {
    const u = sample(second, 'process_cpu_utilization_ratio', { cpu_mode: mode });
    assert.ok(u >= 0 && u <= 1, `${mode} utilization ${u}`);
  }
  const userUtil = sample(second, 'process_cpu_utilization_ratio', { cpu_mode: 'user' });
  assert.ok(userUtil > 0.2 / (await import('node:os')).availableParallelism(), `busy interval utilization ${userUtil}`);
  // and after an idle interval, utilization falls
  await sleep(200);
  const idle = sample(await serializeAsync(registry), 'process_cpu_utilization_ratio', { cpu_mode: 'user' });
  assert.ok(idle < userUtil, `idle ${idle} < busy ${userUtil}`);
});

test('event-loop delay: p99 and max reflect a 50 ms block, then reset after the collection', async (t) => {
  const registry = new Registry();
  // a 10 ms sampler: the tick due during the block is 40-50 ms late
  const runtime = new RuntimeInstrumentation({ meterProvider: registry, eventLoopDelayResolutionMs: 10 });
  t.after(() => runtime.stop());
  await sleep(50);
  await serializeAsync(registry); // reset
  await sleep(30);
  busy(50);
  await sleep(30);
  const text = await serializeAsync(registry);
  const p99 = sample(text, 'nodejs_eventloop_delay_p99_seconds');
  const max = sample(text, 'nodejs_eventloop_delay_max_seconds');
  const min = sample(text, 'nodejs_eventloop_delay_min_seconds');
  const mean = sample(text, 'nodejs_eventloop_delay_mean_seconds');
  assert.ok(p99 > 0.04, `p99 ${p99}`);
  assert.ok(max >= p99 && max < 1, `max ${max}`);
  assert.ok(min > 0 && min <= mean && mean <= max, `min ${min} mean ${mean}`);
  assert.ok(sample(text, 'nodejs_eventloop_delay_p50_seconds') <= sample(text, 'nodejs_eventloop_delay_p90_seconds'));
  await sleep(100);
  const after = sample(await serializeAsync(registry), 'nodejs_eventloop_delay_max_seconds');
  assert.ok(after < 0.04, `after the reset, max ${after} no longer includes the block`);
});

test('v8js.gc.duration counts a forced major GC (child with --expose-gc); start() twice records once', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', 'child.mjs', 'gc'], { cwd: fixtures, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const major = sample(r.stdout, 'v8js_gc_duration_seconds_count', { v8js_gc_type: 'major' });
  assert.equal(major, 1, r.stdout.split('\n').filter((l) => l.includes('gc_duration_seconds_count')).join('\n'));
  assert.ok(sample(r.stdout, 'v8js_gc_duration_seconds_sum', { v8js_gc_type: 'major' }) > 0);
});

test('stop() leaves nothing running: the child exits on its own, no runtime series left', () => {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['child.mjs', 'stop'], { cwd: fixtures, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, `child did not exit by itself (signal ${r.signal}): ${r.stderr}`);
  assert.ok(Date.now() - t0 < 15_000);
  const { left, resources } = JSON.parse(r.stdout);
  assert.deepEqual(left, []);
  assert.ok(!resources.includes('Timeout'), `active resources after stop: ${resources}`);
});

test('setMeterProvider moves the metrics to the new provider; stop/start is idempotent', async () => {
  const a = new Registry();
  const b = new Registry();
  const runtime = new RuntimeInstrumentation({ meterProvider: a });
  assert.ok(runtime.isEnabled());
  assert.ok(sample(await serializeAsync(a), 'process_uptime_seconds') > 0);
  runtime.setMeterProvider(b);
  assert.equal(sample(await serializeAsync(a), 'process_uptime_seconds'), undefined, 'the old provider no longer observes');
  assert.ok(sample(await serializeAsync(b), 'process_uptime_seconds') > 0);
  runtime.stop();
  runtime.stop();
  assert.ok(!runtime.isEnabled());
  assert.equal(sample(await serializeAsync(b), 'process_uptime_seconds'), undefined);
  runtime.start(a);
  assert.ok(sample(await serializeAsync(a), 'process_uptime_seconds') > 0);
  runtime.stop();
  const stop = startRuntimeMetrics({ meterProvider: b });
  assert.ok(sample(await serializeAsync(b), 'process_memory_usage_bytes') > 0);
  stop();
  assert.equal(sample(await serializeAsync(b), 'process_memory_usage_bytes'), undefined);
});

test('enabled: false constructs without starting', async () => {
  const registry = new Registry();
  const runtime = new RuntimeInstrumentation({ meterProvider: registry, enabled: false });
  assert.ok(!runtime.isEnabled());
  assert.equal(sample(await serializeAsync(registry), 'process_uptime_seconds'), undefined);
  runtime.enable();
  assert.ok(sample(await serializeAsync(registry), 'process_uptime_seconds') > 0);
  runtime.disable();
});
