// CommonJS consumers: require() of the runtime instrumentation, via the global provider.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { metrics } = require('@opentelemetry/api');
const { RuntimeInstrumentation } = require('@agentmeter/instrumentation-runtime');
const { PACKAGE_NAME } = require('../dist/version.js');
const { Registry, serializeAsync } = require('@agentmeter/core');

test('require() works and the global MeterProvider is used by default', async () => {
  assert.equal(PACKAGE_NAME, '@agentmeter/instrumentation-runtime');
  const registry = new Registry();
  metrics.setGlobalMeterProvider(registry);
  const runtime = new RuntimeInstrumentation();
  const text = await serializeAsync(registry);
  assert.match(text, /^process_uptime_seconds \d/m);
  assert.match(text, /^process_cpu_time_seconds_total\{cpu_mode="user"\} \d/m);
  assert.match(text, /^# TYPE process_memory_usage_bytes gauge$/m);
  runtime.stop();
  metrics.disable();
});
