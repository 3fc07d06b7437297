import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
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

test('server attributes: route and status each their own series, HTTP/1.0, an aborted request once with error.type, active back to 0; two instances each record every request', async (t) => {
  const { setHttpRoute } = await import('@agentmeter/api');
  const a = new Registry();
  const b = new Registry();
  const ma = new HttpDiagnosticsMetrics(a, { client: false, undici: false });
  const mb = new HttpDiagnosticsMetrics(b, { client: false, undici: false });
  ma.enable();
  mb.enable();
  t.after(() => { ma.disable(); mb.disable(); });
  let aborted;
  const gotAborted = new Promise((r) => { aborted = r; });
  const { base, close } = await serve((req, res) => {
    if (req.url.startsWith('/users/')) setHttpRoute(req, '/users/:id');
    if (req.url === '/hang') { res.on('close', aborted); res.writeHead(200); res.write('partial'); return; }
    res.statusCode = req.url.endsWith('/404') ? 404 : 200;
    res.end('ok');
  });
  t.after(close);
  for (const p of ['/users/1', '/users/2', '/users/404', '/plain', '/plain']) assert.ok((await get(base + p)) > 0);
  // HTTP/1.0, written by hand
  await new Promise((resolve, reject) => {
    const s = net.connect(new URL(base).port, '127.0.0.1', () => s.end('GET /plain HTTP/1.0\r\n\r\n'));
    s.on('data', () => {}).on('close', resolve).on('error', reject);
  });
  // a client that goes away before the response ends
  const req = http.get(`${base}/hang`, (res) => { res.once('data', () => req.destroy()); });
  req.on('error', () => {});
  await gotAborted;
  await settle();
  for (const reg of [a, b]) {
    const text = await serializeAsync(reg);
    const n = (labels, opts) => value(text, 'http_server_request_duration_seconds_count', labels, opts);
    const base11 = { http_request_method: 'GET', url_scheme: 'http', network_protocol_version: '1.1' };
    assert.equal(n({ ...base11, http_route: '/users/:id', http_response_status_code: '200' }, { exact: true }), 2);
    assert.equal(n({ ...base11, http_route: '/users/:id', http_response_status_code: '404' }, { exact: true }), 1);
    assert.equal(n({ ...base11, http_response_status_code: '200' }, { exact: true }), 2, '/plain twice, without http.route');
    assert.equal(n({ ...base11, network_protocol_version: '1.0', http_response_status_code: '200' }, { exact: true }), 1);
    assert.equal(n({ ...base11, http_response_status_code: '200', error_type: 'aborted' }, { exact: true }), 1);
    assert.equal(sum(text, 'http_server_request_duration_seconds_count'), 7);
    assert.equal(sum(text, 'http_server_active_requests'), 0);
  }
});

test('the cache of attribute objects is bounded: 5,000 distinct routes are all recorded, at most 4,096 attribute objects kept', async (t) => {
  const dc = await import('node:diagnostics_channel');
  const { EventEmitter } = await import('node:events');
  const { HTTP_ROUTE } = await import('@agentmeter/api');
  const registry = new Registry();
  const m = new HttpDiagnosticsMetrics(registry, { client: false, undici: false });
  m.enable();
  t.after(() => m.disable());
  // node:http's own message shape, published on its channel (5,000 real requests would only be slower)
  const start = dc.channel('http.server.request.start');
  for (let i = 0; i < 5000; i++) {
    const request = { method: 'GET', httpVersionMajor: 1, httpVersionMinor: 1, socket: {}, [HTTP_ROUTE]: `/r${i}` };
    const response = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true });
    start.publish({ request, response, socket: {}, server: undefined });
    response.emit('close');
    response.emit('close'); // a second 'close' records nothing
  }
  const text = await serializeAsync(registry);
  assert.equal(sum(text, 'http_server_request_duration_seconds_count'), 5000);
  assert.equal(sum(text, 'http_server_active_requests'), 0);
  assert.ok(m.cachedServerAttrs <= 4096, `kept ${m.cachedServerAttrs}`);
});
