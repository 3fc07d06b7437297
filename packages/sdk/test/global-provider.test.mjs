// Issue 18: start() and the preloads do not load @opentelemetry/api (~50 files); agentmeter's
// MeterProvider becomes the global one when the API is first used, whoever uses it (CJS,
// ESM, before or after setting another global), and is registered at once when the API's
// globals already exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLines as run, withEsmApp } from './lib/child.mjs';

const API_LOADED = `Object.keys(require.cache).some((k) => k.includes('/@opentelemetry/api/'))`;

// an app metric recorded through the API's global provider, read back from agentmeter's exposition
const RECORD_AND_READ = `
const { metrics } = require('@opentelemetry/api');
console.log('loaded ' + ${API_LOADED});
metrics.getMeter('app').createCounter('app.widgets').add(3, { kind: 'a' });
require('@agentmeter/sdk').getHandle().metrics().then((t) => console.log('recorded ' + /^app_widgets_total\\{[^}]*kind="a"[^}]*\\} 3$/m.test(t)));
`;

test('--require: the API is not loaded at start; a CommonJS app using it records into agentmeter', () => {
  const { out } = run(['--require', '@agentmeter/sdk/register', '-e', `console.log('start ' + ${API_LOADED});` + RECORD_AND_READ]);
  assert.equal(out.start, 'false', 'at start');
  assert.equal(out.loaded, 'true');
  assert.equal(out.recorded, 'true');
});

test('ESM app under --require and under --import: the global provider is agentmeter\'s', () => {
  const source = `console.log('start ' + ${API_LOADED});
const { metrics } = await import('@opentelemetry/api');
metrics.getMeter('app').createHistogram('app.latency', { unit: 's' }).record(0.2);
const t = await require('@agentmeter/sdk').getHandle().metrics();
console.log('recorded ' + /^app_latency_seconds_count(\\{[^}]*\\})? 1$/m.test(t));
`;
  withEsmApp(source, (app) => {
    for (const flag of ['--require', '--import']) {
      const { out } = run([flag, '@agentmeter/sdk/register', app]);
      assert.equal(out.start, 'false', `${flag}: the API is not loaded at start`);
      assert.equal(out.recorded, 'true', `${flag}: recorded through the ESM API`);
    }
  });
});

test('an app that sets a global tracer provider first still gets agentmeter as the global MeterProvider', () => {
  const { out, stderr } = run([
    '--require',
    '@agentmeter/sdk/register',
    '-e',
    `const api = require('@opentelemetry/api');
console.log('tracer ' + api.trace.setGlobalTracerProvider(new (class { getTracer() { return api.trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 }); } })()));
console.log('same ' + (api.metrics.getMeterProvider() === require('@agentmeter/sdk').getHandle().meterProvider));`,
  ]);
  assert.equal(out.tracer, 'true');
  assert.equal(out.same, 'true', stderr);
  assert.doesNotMatch(stderr, /AGENTMETER_GLOBAL_PROVIDER/);
});

test('start() after another global MeterProvider was registered: one warning, agentmeter records its own', () => {
  const { out, stderr } = run([
    '-e',
    `const api = require('@opentelemetry/api');
const other = { getMeter: () => api.createNoopMeter() };
api.metrics.setGlobalMeterProvider(other);
const h = require('@agentmeter/sdk').start({ port: 0 });
console.log('kept ' + (api.metrics.getMeterProvider() === other));
h.shutdown();`,
  ]);
  assert.equal(out.kept, 'true');
  assert.equal(stderr.match(/AGENTMETER_GLOBAL_PROVIDER/g)?.length, 1, stderr);
});

test('shutdown before anything used the API leaves no trace in the global slot; a second start() registers', () => {
  const { out } = run([
    '-e',
    `const key = Symbol.for('opentelemetry.js.api.1');
const { start } = require('@agentmeter/sdk');
const h1 = start({ port: 0, instrumentations: [] });
console.log('pending ' + Object.getOwnPropertySymbols(globalThis).includes(key));
h1.shutdown().then(() => {
  console.log('cleared ' + !Object.getOwnPropertySymbols(globalThis).includes(key));
  const h2 = start({ port: 0, instrumentations: [] });
  console.log('second ' + (require('@opentelemetry/api').metrics.getMeterProvider() === h2.meterProvider));
  console.log('api ' + ${API_LOADED});
  return h2.shutdown();
});`,
  ]);
  assert.equal(out.pending, 'true');
  assert.equal(out.cleared, 'true');
  assert.equal(out.second, 'true');
  assert.equal(out.api, 'true');
});
