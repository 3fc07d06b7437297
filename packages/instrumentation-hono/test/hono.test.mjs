// Hono route templates: basePath(), app.all() at a path, app.on(), middleware at a
// path prefix (not a route); real Hono on @hono/node-server after start().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { start } from '@agentmeter/sdk';

const agentmeter = start({ metricsServer: false, instrumentations: ['http', 'hono'] });
const require = createRequire(import.meta.url);
const { Hono } = require('hono');
const { serve } = require('@hono/node-server');

test('basePath, app.all, app.on, and /admin/* middleware that is not a route', async () => {
  const app = new Hono().basePath('/v2');
  const seen = [];
  app.use('/admin/*', async (c, next) => {
    seen.push(c.req.path);
    await next();
  });
  app.all('/any/:id', (c) => c.text('any'));
  app.on(['GET', 'PUT'], '/both/:id', (c) => c.text('both'));
  app.get('/admin/stats', (c) => c.text('stats'));
  const server = await new Promise((r) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => r(s));
  });
  const base = `http://127.0.0.1:${server.address().port}`;
  const statuses = [];
  for (const [method, p] of [['GET', '/v2/any/1'], ['POST', '/v2/any/2'], ['PUT', '/v2/both/3'], ['GET', '/v2/admin/stats'], ['GET', '/v2/admin/nothing'], ['GET', '/any/1']]) {
    const r = await fetch(base + p, { method });
    await r.arrayBuffer();
    statuses.push(r.status);
  }
  server.close();
  assert.deepEqual(statuses, [200, 200, 200, 200, 404, 404]);
  assert.deepEqual(seen, ['/v2/admin/stats', '/v2/admin/nothing']);
  const text = await agentmeter.metrics();
  const n = (labels) => Number(new RegExp(`^http_server_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1]);
  const rest = 'network_protocol_version="1.1",url_scheme="http"';
  assert.equal(n(`http_request_method="GET",http_response_status_code="200",http_route="/v2/any/:id",${rest}`), 1);
  assert.equal(n(`http_request_method="POST",http_response_status_code="200",http_route="/v2/any/:id",${rest}`), 1);
  assert.equal(n(`http_request_method="PUT",http_response_status_code="200",http_route="/v2/both/:id",${rest}`), 1);
  assert.equal(n(`http_request_method="GET",http_response_status_code="200",http_route="/v2/admin/stats",${rest}`), 1);
  assert.equal(n(`http_request_method="GET",http_response_status_code="404",${rest}`), 2);
  assert.doesNotMatch(text, /http_route="\/v2\/admin\/\*"/);
});
