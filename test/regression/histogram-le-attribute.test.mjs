// Bug found by the issue-5 work: an attribute named `le` on a histogram produced a second
// `le` label on _bucket lines and a non-float `le` on _sum/_count, so Prometheus rejected
// the whole scrape (and promtool lints `le` / `quantile` on any other metric). Those
// attributes are now exposed as `key_le` / `key_quantile`, merged deterministically with
// an attribute that is already called `key_le`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync } from '@agentmeter/core';
import { promtoolCheckMetrics } from '@agentmeter/test-utils/prometheus';
import { labelNames, sampleLines } from '@agentmeter/test-utils/exposition';

test('attributes named le / quantile keep the exposition valid', async () => {
  const reg = new Registry();
  const m = reg.getMeter('t');
  const h = m.createHistogram('job.latency', { unit: 's' });
  h.record(0.3, { le: 'user-value', route: '/a' });
  h.record(0.4, { le: 'user-value', route: '/a', key_le: 'other' });
  h.record(0.4, { quantile: '0.5' });
  m.createCounter('job.done').add(1, { le: 'x', quantile: 'y' });
  m.createGauge('job.level').record(1, { le: 'x' });
  const text = await serializeAsync(reg);
  const check = promtoolCheckMetrics(text);
  assert.ok(check.ok, check.output + '\n' + text);
  for (const l of sampleLines(text)) {
    const names = labelNames(l);
    assert.equal(new Set(names).size, names.length, `duplicate label in ${l}`);
  }
  assert.match(text, /^job_latency_seconds_count\{key_le="user-value",route="\/a"\} 1$/m);
  assert.match(text, /^job_latency_seconds_count\{key_le="other;user-value",route="\/a"\} 1$/m);
  assert.match(text, /^job_latency_seconds_bucket\{key_le="user-value",route="\/a",le="5"\} 1$/m);
  assert.match(text, /^job_latency_seconds_count\{key_quantile="0\.5"\} 1$/m);
  assert.match(text, /^job_done_total\{key_le="x",key_quantile="y"\} 1$/m);
  assert.match(text, /^job_level\{key_le="x"\} 1$/m);
});
