import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from '@agentmeter/sdk';
import { recordLlmCall } from '@agentmeter/llm';
import { setDiagnosticWarnings } from '@agentmeter/api';
import { runLines } from './lib/child.mjs';

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

// Issue 18: with the shipped prices, @agentmeter/cost loads with the first GenAI call (which it
// records, once) or the first read of handle.costTracker, not at start.
test('shipped prices: the cost tracker loads with the first call and records it once', () => {
  const app = `
const loaded = () => Object.keys(require.cache).some((k) => /\\/cost\\/dist\\/tracker\\.js$/.test(k));
console.log('start ' + loaded());
const { recordLlmCall } = require('@agentmeter/llm');
recordLlmCall({ provider: 'openai', requestModel: 'gpt-4o-mini', durationSeconds: 0.1, inputTokens: 1000000, outputTokens: 0 });
console.log('call ' + loaded());
recordLlmCall({ provider: 'openai', requestModel: 'gpt-4o-mini', durationSeconds: 0.1, inputTokens: 1000000, outputTokens: 0 });
const h = require('@agentmeter/sdk').getHandle();
const t = h.costTracker.totals();
console.log('calls ' + t.calls + ' ' + (Math.abs(t.usd - 2 * h.costTracker.prices.resolve('gpt-4o-mini').price.input) < 1e-9));
h.metrics().then((m) => console.log('count ' + /^gen_ai_client_cost_count\\{[^}]*gpt-4o-mini[^}]*\\} 2$/m.test(m)));
`;
  const { out } = runLines(['--require', '@agentmeter/sdk/register', '-e', app]);
  assert.equal(out.start, 'false');
  assert.equal(out.call, 'true');
  assert.equal(out.calls, '2 true');
  assert.equal(out.count, 'true');
});
