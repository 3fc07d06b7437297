// Regression: one flood of distinct diagnostics (unpriced model names taken from requests)
// used up the whole 1000-key diagnostics budget, silencing every later diagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { report } from '@agentmeter/api';
import { captureDiagnostics } from './lib.mjs';

test('a flood of one code is capped and announced; other codes still get through', () => {
  const diags = captureDiagnostics();
  diags.reset();
  for (let i = 0; i < 5000; i++) report('AGENTMETER_UNPRICED_MODEL', `openai\u0000model-${i}`, `no price for model-${i}`);
  const flood = diags.count('AGENTMETER_UNPRICED_MODEL');
  assert.ok(flood > 0 && flood <= 50, `flood diagnostics ${flood}`);
  assert.equal(diags.count('AGENTMETER_DIAGNOSTICS_SUPPRESSED', /AGENTMETER_UNPRICED_MODEL/), 1);
  report('AGENTMETER_CARDINALITY_LIMIT', 'some.metric', 'limit reached');
  assert.equal(diags.count('AGENTMETER_CARDINALITY_LIMIT'), 1);
  diags.stop();
});
