import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { Registry, serializeAsync } from '@agentmeter/core';
import { HttpInstrumentation } from '@agentmeter/instrumentation-http';
import { HttpDiagnosticsMetrics } from '@agentmeter/instrumentation-http/metrics';
import { value, sum } from '@agentmeter/test-utils/exposition';

async function serve(handler = (req, res) => { res.statusCode = req.url === '/boom' ? 503 : 200; res.end('ok'); }) {
  const server = http.createServer(handler);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject);
  });
}

// the server's 'close' (which records) may come a tick after the client has its response
const settle = () => new Promise((r) => setTimeout(r, 20));

test('the index exports the InstrumentationBase class only; the light class is at /metrics', async () => {
  const index = await import('@agentmeter/instrumentation-http');
  assert.deepEqual(Object.keys(index).filter((k) => !['default', '__esModule', 'module.exports'].includes(k)).sort(), ['HttpInstrumentation']);
  assert.equal(typeof HttpDiagnosticsMetrics, 'function');
});

test('HttpInstrumentation: server duration (status, error.type), active requests back to 0, node:http and fetch client durations', async (t) => {
  const registry = new Registry();
  const inst = new HttpInstrumentation({ meterProvider: registry });
  t.after(() => inst.disable());
  assert.equal(inst.isEnabled(), true);
  const { base, close } = await serve();
  t.after(close);
  assert.equal(await get(`${base}/ok`), 200);
  assert.equal((await fetch(`${base}/boom`)).status, 503);
  await settle();
  const text = await serializeAsync(registry);
  assert.equal(value(text, 'http_server_request_duration_seconds_count', { http_request_method: 'GET', http_response_status_code: '200' }), 1);
  assert.equal(value(text, 'http_server_request_duration_seconds_count', { http_response_status_code: '503', error_type: '503' }), 1);
  assert.equal(sum(text, 'http_server_active_requests'), 0);
  assert.equal(sum(text, 'http_client_request_duration_seconds_count'), 2, 'one node:http and one fetch request');
});

test('server, client and undici can each be turned off; ignoreServer; disable stops recording', async (t) => {
  const registry = new Registry();
  const inst = new HttpInstrumentation({ enabled: false, server: true, client: false, undici: false });
  inst.setMeterProvider(registry);
  assert.equal(inst.isEnabled(), false);
  inst.enable();
  inst.enable(); // idempotent: still one record per request
  const a = await serve();
  const b = await serve();
  t.after(a.close);
  t.after(b.close);
  inst.ignoreServer(b.server);
  await get(`${a.base}/`);
  await fetch(`${b.base}/`);
  await settle();
  let text = await serializeAsync(registry);
  assert.equal(sum(text, 'http_server_request_duration_seconds_count'), 1, 'the ignored server is not recorded');
  assert.equal(sum(text, 'http_client_request_duration_seconds_count'), 0, 'client and undici off');
  inst.disable();
  await get(`${a.base}/`);
  await settle();
  text = await serializeAsync(registry);
  assert.equal(sum(text, 'http_server_request_duration_seconds_count'), 1, 'nothing after disable()');
});

test('HttpDiagnosticsMetrics(provider, options): the API the sdk uses', async (t) => {
  const registry = new Registry();
  const m = new HttpDiagnosticsMetrics(registry, { server: true, client: true, undici: true });
  m.enable();
  t.after(() => m.disable());
  const { base, close } = await serve();
  t.after(close);
  await fetch(`${base}/x`);
  await settle();
  const text = await serializeAsync(registry);
  assert.equal(sum(text, 'http_server_request_duration_seconds_count'), 1);
  assert.equal(sum(text, 'http_client_request_duration_seconds_count'), 1);
});

test('the /metrics sub-path loads nothing of @opentelemetry/instrumentation', () => {
  const r = spawnSync(process.execPath, ['-e', `require('@agentmeter/instrumentation-http/metrics'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@opentelemetry/instrumentation'))))`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
});
