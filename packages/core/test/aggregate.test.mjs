// Issue 12: merging the registries of several processes into one exposition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Registry, SnapshotAggregator, serializeMerged, snapshotRegistry, WORKER_LABEL } from '@agentmeter/core';

async function member(calls, { gauge, active, cpu } = {}) {
  const r = new Registry();
  const m = r.getMeter('t');
  const c = m.createCounter('jobs', { unit: '{job}' });
  const h = m.createHistogram('job.duration', { unit: 's', advice: { explicitBucketBoundaries: [1, 2] } });
  for (let i = 0; i < calls; i++) {
    c.add(1, { kind: 'a' });
    h.record(i % 3, { kind: 'a' });
  }
  if (gauge !== undefined) m.createGauge('queue.depth').record(gauge);
  if (active !== undefined) m.createUpDownCounter('active').add(active);
  if (cpu !== undefined) m.createObservableCounter('process.cpu.time', { unit: 's' }).addCallback((o) => o.observe(cpu));
  return snapshotRegistry(r);
}

async function text(merged) {
  let out = '';
  for await (const c of serializeMerged(merged, { resource: { 'service.name': 'x' } })) out += c;
  return out;
}

test('counters, up-down counters and histograms are summed; gauges and process.* metrics are kept per worker', async () => {
  const agg = new SnapshotAggregator();
  const a = await member(4, { gauge: 3, active: 2, cpu: 1.5 });
  const b = await member(3, { gauge: 5, active: 1, cpu: 0.5 });
  const t = await text(agg.merge([{ worker: '0', snapshot: a }, { worker: '1', snapshot: b }]));
  assert.match(t, /^jobs_total\{kind="a"\} 7$/m);
  assert.match(t, /^job_duration_seconds_count\{kind="a"\} 7$/m);
  assert.match(t, /^job_duration_seconds_bucket\{kind="a",le="\+Inf"\} 7$/m);
  assert.match(t, /^active 3$/m);
  assert.match(t, new RegExp(`^queue_depth\\{${WORKER_LABEL}="0"\\} 3$`, 'm'));
  assert.match(t, new RegExp(`^queue_depth\\{${WORKER_LABEL}="1"\\} 5$`, 'm'));
  assert.match(t, new RegExp(`^process_cpu_time_seconds_total\\{${WORKER_LABEL}="1"\\} 0.5$`, 'm'));
  assert.match(t, /^target_info\{service_name="x"\} 1$/m);
  const lint = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: t, encoding: 'utf8' });
  if (!lint.error) assert.ok(lint.status === 0 || lint.status === 3, lint.stdout + lint.stderr);
});

test('a retired member keeps its counters and histograms (no decrease), loses its gauges and up-down counters', async () => {
  const agg = new SnapshotAggregator();
  const a = await member(4, { gauge: 3, active: 2, cpu: 1.5 });
  const b = await member(3, { gauge: 5, active: 1, cpu: 0.5 });
  agg.retire({ worker: '1', snapshot: b });
  const fresh = await member(1, { gauge: 9, active: 0, cpu: 0.25 }); // the replacement of worker 1
  const t = await text(agg.merge([{ worker: '0', snapshot: a }, { worker: '1', snapshot: fresh }]));
  assert.match(t, /^jobs_total\{kind="a"\} 8$/m);
  assert.match(t, /^job_duration_seconds_count\{kind="a"\} 8$/m);
  assert.match(t, /^active 2$/m);
  assert.match(t, new RegExp(`^queue_depth\\{${WORKER_LABEL}="1"\\} 9$`, 'm'));
  assert.match(t, new RegExp(`^process_cpu_time_seconds_total\\{${WORKER_LABEL}="1"\\} 0.75$`, 'm'), 'per-worker counters continue too');
});

test('the retired state survives a hand-over to another aggregator', async () => {
  const agg = new SnapshotAggregator();
  agg.retire({ worker: '1', snapshot: await member(3, { cpu: 0.5 }) });
  const next = new SnapshotAggregator();
  next.importRetired(JSON.parse(JSON.stringify(agg.exportRetired())));
  assert.equal(next.retiredSeries, agg.retiredSeries);
  const t = await text(next.merge([{ worker: '1', snapshot: await member(2, { cpu: 0.25 }) }]));
  assert.match(t, /^jobs_total\{kind="a"\} 5$/m);
  assert.match(t, new RegExp(`^process_cpu_time_seconds_total\\{${WORKER_LABEL}="1"\\} 0.75$`, 'm'));
});

test('a family whose type differs between members is left out for that member, with a diagnostic', async () => {
  const r1 = new Registry();
  r1.getMeter('t').createCounter('x').add(1);
  const r2 = new Registry();
  r2.getMeter('t').createHistogram('x').record(1);
  const t = await text(new SnapshotAggregator().merge([{ worker: '0', snapshot: await snapshotRegistry(r1) }, { worker: '1', snapshot: await snapshotRegistry(r2) }]));
  assert.match(t, /^x_total 1$/m);
  assert.doesNotMatch(t, /^x_bucket/m);
});

test('a malformed snapshot (from another process) is skipped, never thrown', async () => {
  const agg = new SnapshotAggregator();
  const good = await member(2);
  const bad = { families: [null, { name: 1 }, { name: 'jobs', kind: 'counter', prom: 'jobs_total', header: '', perWorker: false, series: [[1, 2], ['x'], 'y', ['kind="b"', 'NaN']] }] };
  agg.retire({ worker: '9', snapshot: bad });
  const t = await text(await agg.mergeAsync([{ worker: '0', snapshot: good }, { worker: '1', snapshot: bad }]));
  assert.match(t, /^jobs_total\{kind="a"\} 2$/m);
});
