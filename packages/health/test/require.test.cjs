const { test } = require('node:test');
const assert = require('node:assert/strict');

test('@agentmeter/health loads with require', () => {
  const h = require('@agentmeter/health');
  for (const name of ['setProviderHealth', 'setCircuitBreakerState', 'removeProvider', 'instrumentOpossumBreaker', 'runHealthChecks', 'ProviderHealth']) {
    assert.equal(typeof h[name], 'function', name);
  }
  const ph = new h.ProviderHealth();
  ph.setCircuitBreakerState('x', 'half_open');
  assert.equal(ph.getCircuitBreakerState('x'), 2);
});
