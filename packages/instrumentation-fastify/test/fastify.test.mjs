// Fastify's route hook next to the app's own hooks, prefixes, and an instance created
// before the instrumentation was on, with a real Fastify 5 app and real requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { samples } from '@agentmeter/test-utils/exposition';

const require = createRequire(import.meta.url);
const fastify = require('fastify');
const early = fastify(); // before start(): instrumentInstance() adds the hook
const { start } = await import('@agentmeter/sdk');
const agentmeter = start({ metricsServer: false, instrumentations: ['http', 'fastify'] });
const { FastifyInstrumentation } = require('@agentmeter/instrumentation-fastify');

async function counts(app, paths) {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const statuses = [];
  for (const p of paths) {
    const r = await fetch(`http://127.0.0.1:${app.server.address().port}${p}`);
    await r.arrayBuffer();
    statuses.push(r.status);
  }
  await app.close();
  const out = {};
  for (const { labels, value } of samples(await agentmeter.metrics(), 'http_server_request_duration_seconds_count')) {
    const k = `${labels.http_response_status_code} ${labels.http_route ?? '(none)'}`;
    out[k] = (out[k] ?? 0) + value;
  }
  return { statuses, out };
}

test("the app's own onRequest hooks (one, an array, async) still run, an auth rejection keeps the route", async () => {
  const app = fastify();
  const ran = [];
  app.get('/one/:id', { onRequest: (req, reply, done) => (ran.push('one'), done()) }, async () => 'one');
  app.get('/many/:id', { onRequest: [async () => void ran.push('a'), (req, reply, done) => (ran.push('b'), done())] }, async () => 'many');
  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (req, reply) => reply.code(401).send('no'));
      admin.get('/users/:id', async () => 'secret');
    },
    { prefix: '/admin' },
  );
  const { statuses, out } = await counts(app, ['/one/1', '/many/2', '/admin/users/3', '/missing']);
  assert.deepEqual(statuses, [200, 200, 401, 404]);
  assert.deepEqual(ran, ['one', 'a', 'b']);
  assert.equal(out['200 /one/:id'], 1, JSON.stringify(out));
  assert.equal(out['200 /many/:id'], 1);
  assert.equal(out['401 /admin/users/:id'], 1, JSON.stringify(out));
  assert.equal(out['404 (none)'], 1);
});

test('an instance created before the instrumentation was enabled: instrumentInstance()', async () => {
  new FastifyInstrumentation({ enabled: false }).instrumentInstance(early);
  early.get('/early/:id', async () => 'early');
  const { out } = await counts(early, ['/early/1', '/early/2']);
  assert.equal(out['200 /early/:id'], 2);
});
