import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from '@agentmeter/sdk';
import { recordLlmCall } from '@agentmeter/llm';
import { setDiagnosticWarnings } from '@agentmeter/api';

setDiagnosticWarnings(false);

test('start() prices every call through its cost tracker, exposed on the handle', async () => {
  const h = start({ port: 0, instrumentations: [], prices: { 'my-model': { provider: 'acme', input: 1, output: 2 } } });
  try {
    recordLlmCall({ provider: 'acme', requestModel: 'my-model', durationSeconds: 0.5, inputTokens: 1_000_000, outputTokens: 500_000 });
    recordLlmCall({ provider: 'acme', requestModel: 'unpriced-model', durationSeconds: 0.5, inputTokens: 10, outputTokens: 10 });
    const totals = h.costTracker.totals();
    assert.equal(totals.unpricedCalls, 1);
    assert.ok(Math.abs(totals.usd - 2) < 1e-9, `usd ${totals.usd}`);
    const text = await h.metrics();
    assert.match(text, /^gen_ai_client_cost_sum\{gen_ai_operation_name="chat",gen_ai_provider_name="acme",gen_ai_request_model="my-model"\} 2$/m);
    assert.match(text, /^gen_ai_client_cost_unpriced_calls_total\{[^}]*gen_ai_request_model="unpriced-model"\} 1$/m);
    assert.doesNotMatch(text, /gen_ai_client_cost_count\{[^}]*unpriced-model/);
  } finally {
    await h.shutdown();
  }
});

test('a bad price override fails start() naming the setting', () => {
  assert.throws(() => start({ port: 0, instrumentations: [], prices: { 'my-model': { input: -1 } } }), /prices/);
  assert.throws(() => start({ port: 0, instrumentations: [], env: { AGENTMETER_PRICES_FILE: '/nonexistent/prices.json' } }), /prices|PRICES/);
});
