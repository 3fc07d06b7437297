import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CATALOGUE } from '@agentmeter/semconv';

test('docs/metrics.md is generated from the semconv catalogue and up to date', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-metrics-doc.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('every metric of the shared design catalogue is implemented in semconv', () => {
  const design = readFileSync(new URL('../../shared/design/metrics.md', import.meta.url), 'utf8');
  const names = [...design.matchAll(/^\| (gen_ai\.[a-z_.]+|cache\.[a-z_.]+|websocket\.[a-z_.]+|http\.[a-z_.]+|db\.client\.operation\.duration) \|/gm)].map((m) => m[1]);
  assert.ok(names.length >= 20, `parsed ${names.length} names`);
  for (const n of names) assert.ok(CATALOGUE[n], `${n} missing from CATALOGUE`);
  for (const n of ['db.client.connection.count', 'db.client.connection.max', 'db.client.connection.pending_requests', 'process.cpu.utilization', 'process.memory.usage', 'process.uptime'])
    assert.ok(CATALOGUE[n], `${n} missing`);
  for (const [otel, prom] of [...design.matchAll(/^\| ([a-z_.]+) \| [^|]+ \| ([a-z_]+?)(?:_\*)? \|/gm)].map((m) => [m[1], m[2]])) {
    if (CATALOGUE[otel]) assert.equal(CATALOGUE[otel].prometheus, prom, `${otel} Prometheus name`);
  }
});
