// CommonJS consumers: require() of the HTTP instrumentation, via the global provider.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { metrics } = require('@opentelemetry/api');
const { HttpInstrumentation } = require('@agentmeter/instrumentation-http');
const { PACKAGE_NAME } = require('../dist/version.js');
const { Registry, serializeAsync } = require('@agentmeter/core');

test('require() works and the global MeterProvider is used by default', async () => {
  assert.equal(PACKAGE_NAME, '@agentmeter/instrumentation-http');
  const registry = new Registry();
  metrics.setGlobalMeterProvider(registry);
  const inst = new HttpInstrumentation();
  const server = http.createServer((_req, res) => res.end());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  await fetch(`http://127.0.0.1:${server.address().port}/`);
  await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => server.close(r));
  const text = await serializeAsync(registry);
  assert.match(text, /^http_server_request_duration_seconds_count\{[^}]*http_request_method="GET"[^}]*\} 1$/m);
  inst.disable();
  metrics.disable();
});
