// Koa's matched route through the accessor on Koa's context prototype: set by a real
// @koa/router (prefix, nested router), readable as before, and removed again by disable().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { KoaInstrumentation } from '@agentmeter/instrumentation-koa';
import { HTTP_ROUTE } from '@agentmeter/api';

const require = createRequire(import.meta.url);
const instrumentation = new KoaInstrumentation(); // enabled: patches koa/lib/context.js as Koa loads
const Koa = require('koa');
const Router = require('@koa/router');
const contextProto = require('koa/lib/context.js');

test('ctx._matchedRoute still reads back, and the template lands on Node request', async () => {
  const app = new Koa();
  const seen = [];
  const inner = new Router();
  inner.get('/:itemId', (ctx) => {
    seen.push([ctx._matchedRoute, ctx.req[HTTP_ROUTE]]);
    ctx.body = 'ok';
  });
  const outer = new Router({ prefix: '/api' });
  outer.use('/orgs/:orgId/items', inner.routes());
  app.use(outer.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const get = async (p) => {
    const r = await fetch(`http://127.0.0.1:${server.address().port}${p}`);
    await r.arrayBuffer();
    return r.status;
  };
  assert.equal(await get('/api/orgs/1/items/2'), 200);
  assert.equal(await get('/nope'), 404);
  server.close();
  assert.deepEqual(seen, [['/api/orgs/:orgId/items/:itemId', '/api/orgs/:orgId/items/:itemId']]);
  assert.ok(Object.getOwnPropertyDescriptor(contextProto, '_matchedRoute')?.set);
  instrumentation.disable();
  assert.equal(Object.getOwnPropertyDescriptor(contextProto, '_matchedRoute'), undefined);
  const ctx = Object.create(contextProto);
  ctx._matchedRoute = '/plain';
  assert.equal(ctx._matchedRoute, '/plain');
});
