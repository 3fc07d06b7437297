// The sdk and core from CommonJS: named exports, start/shutdown, and no ESM-only surprise.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { start, resolveConfig, ConfigError } = require('@agentmeter/sdk');
const { Registry, serialize } = require('@agentmeter/core');
const { CATALOGUE } = require('@agentmeter/semconv');

test('require() gives named exports that work', async () => {
  assert.equal(typeof start, 'function');
  assert.equal(typeof resolveConfig, 'function');
  assert.ok(new ConfigError('x', 'y') instanceof Error);
  assert.ok(CATALOGUE['gen_ai.client.token.usage']);
  const r = new Registry();
  r.getMeter('m').createCounter('requests', { unit: '{request}' }).add(2);
  assert.match(serialize(r), /^requests_total 2$/m);
  const h = start({ port: 0, instrumentations: [] });
  const { url } = await h.ready;
  const text = await (await fetch(url)).text();
  assert.match(text, /^target_info\{/m);
  await h.shutdown();
  await h.shutdown(); // twice is safe
});
