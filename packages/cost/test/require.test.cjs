const { test } = require('node:test');
const assert = require('node:assert/strict');

test('@agentmeter/cost loads with require, ships prices.json', () => {
  const cost = require('@agentmeter/cost');
  for (const name of ['CostTracker', 'PriceBook', 'estimateMonthlyCost', 'formatMonthlyEstimate', 'runCostEstimateCli', 'shippedPriceTable']) {
    assert.equal(typeof cost[name], 'function', name);
  }
  const table = require('@agentmeter/cost/prices.json');
  assert.equal(table.currency, 'USD');
  assert.equal(table.models['gpt-4o-mini'].input, 0.15);
  const e = cost.estimateMonthlyCost({ model: 'gpt-4o-mini', requestsPerDay: 10, inputTokens: 1000, outputTokens: 0 });
  assert.ok(Math.abs(e.monthlyCost - 10 * 30 * 0.00015) < 1e-12);
});
