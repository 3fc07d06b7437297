// Bug found by the fuzz test (test/fuzz): a resource attribute with an empty key (e.g.
// start({ resourceAttributes: { '': 'x' } })) wrote `target_info{="x"} 1`, which does not
// parse, so Prometheus rejected the whole scrape. Empty keys are now skipped, as they are
// for metric attributes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync, targetInfo } from '@agentmeter/core';
import { promtoolCheckMetrics } from '@agentmeter/test-utils/prometheus';

test('an empty resource attribute key is skipped', async () => {
  assert.equal(targetInfo({ '': 'x' }), '');
  assert.equal(targetInfo({ '': 'x', 'service.name': 's' }), '# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info{service_name="s"} 1\n');
  const reg = new Registry();
  reg.getMeter('t').createCounter('e.events').add(1);
  const text = await serializeAsync(reg, { resource: { '': 'x', 'service.name': 's' } });
  const check = promtoolCheckMetrics(text);
  assert.ok(check.ok, check.output + text);
});
