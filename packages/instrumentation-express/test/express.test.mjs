// Route templates for the shapes Express apps use, with a real Express 5 app loaded after
// start() (the instrumentation patches the router as it loads) and real requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { samples } from '@agentmeter/test-utils/exposition';
import { start } from '@agentmeter/sdk';

const agentmeter = start({ metricsServer: false, instrumentations: ['http', 'express'] });
const require = createRequire(import.meta.url);
const express = require('express');

async function routesOf(app, paths) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const statuses = [];
  try {
    for (const p of paths) {
      const r = await fetch(`http://127.0.0.1:${server.address().port}${p}`);
      await r.arrayBuffer();
      statuses.push(r.status);
    }
  } finally {
    server.close();
  }
  const text = await agentmeter.metrics();
  const out = {};
  for (const { labels, value } of samples(text, 'http_server_request_duration_seconds_count')) {
    const k = `${labels.http_response_status_code} ${labels.http_route ?? '(none)'}`;
    out[k] = (out[k] ?? 0) + value;
  }
  return { statuses, out };
}

test('arrays, regular expressions, route(), sub-apps, trailing-slash mounts, "/" routes, mounted error middleware', async () => {
  const before = (await routesOf(express(), [])).out;
  const app = express();
  app.get(['/a', '/b'], (req, res) => res.send('ab'));
  app.get(/^\/re\/\d+$/, (req, res) => res.send('re'));
  app
    .route('/r/:id')
    .get((req, res) => res.send('get'))
    .post((req, res) => res.send('post'));
  const sub = express();
  sub.get('/x/:y', (req, res) => res.send('sub'));
  app.use('/sub', sub);
  const v1 = express.Router();
  v1.get('/', (req, res) => res.send('v1 root'));
  v1.get('/things/:id', (req, res, next) => next(new Error('bad thing')));
  app.use('/v1/', v1);
  app.use('/v1', (err, req, res, next) => res.status(502).send('mounted error handler'));
  const { statuses, out } = await routesOf(app, ['/a', '/b', '/re/12', '/re/13', '/r/1', '/sub/x/2', '/sub/x/3', '/v1', '/v1/things/9', '/nope', '/sub/nope']);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 502, 404, 404]);
  const delta = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v > 0));
  assert.deepEqual(delta, {
    '200 /a,/b': 2,
    '200 /^\\/re\\/\\d+$/': 2, // the label value /^\/re\/\d+$/ (escaped as \\ in the exposition)
    '200 /r/:id': 1,
    '200 /sub/x/:y': 2,
    '200 /v1': 1,
    '502 /v1/things/:id': 1,
    '404 (none)': 2,
  });
});

test('wrapped layers keep the shape route-listing tools read (a mounted router\'s stack)', () => {
  const app = express();
  const api = express.Router();
  api.get('/items/:id', (req, res) => res.send('x'));
  app.use('/api', api);
  const sub = express();
  app.use('/sub', sub);
  const stack = app.router?.stack ?? app._router.stack;
  const apiLayer = stack.find((l) => l.handle.stack === api.stack);
  assert.ok(apiLayer, 'the /api layer still exposes the router stack');
  assert.equal(apiLayer.handle.stack[0].route.path, '/items/:id');
  assert.ok(stack.some((l) => l.handle.length === 3 && typeof l.handle.stack === 'object'));
});
