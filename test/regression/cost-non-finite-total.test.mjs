// Regression: a usage event with absurd token counts (Number.MAX_VALUE) priced to
// Infinity and made CostTracker.totals().usd Infinity for the process's life.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, serializeAsync } from '@agentmeter/core';
import { CostTracker } from '@agentmeter/cost';
import { captureDiagnostics } from './lib.mjs';
import { poisonedLines } from '@agentmeter/test-utils/exposition';

test('a call whose cost is not finite is dropped with one diagnostic; totals stay finite', async () => {
  const diags = captureDiagnostics();
  const registry = new Registry();
  const tracker = new CostTracker({ meterProvider: registry });
  tracker.record({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4o', inputTokens: 1000, outputTokens: 100 });
  const before = tracker.totals().usd;
  assert.ok(before > 0 && Number.isFinite(before));
  for (let i = 0; i < 3; i++) {
    const r = tracker.record({ operation: 'chat', provider: 'openai', requestModel: 'gpt-4o', inputTokens: Number.MAX_VALUE, outputTokens: Number.MAX_VALUE });
    assert.equal(r.priced, false);
  }
  assert.equal(tracker.totals().usd, before);
  assert.equal(tracker.totals().calls, 1);
  assert.equal(diags.count('AGENTMETER_INVALID_VALUE', /not a finite number/), 1);
  assert.deepEqual(poisonedLines(await serializeAsync(registry)), []);
  diags.stop();
});
