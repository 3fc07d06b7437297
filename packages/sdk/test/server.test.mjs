import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, makeAuthorizer, isLoopback } from '@agentmeter/sdk';

test('authorizer: bearer and basic, constant-time, wrong lengths never throw', () => {
  const auth = makeAuthorizer('s3cret-token', 'user:pa:ss');
  assert.equal(auth('Bearer s3cret-token'), true);
  assert.equal(auth('bearer s3cret-token'), true);
  for (const h of [undefined, '', 'Bearer', 'Bearer s', 'Bearer s3cret-tokeX', 'Bearer s3cret-token-longer', 'Token s3cret-token', 'Basic !!!', `Basic ${Buffer.from('user:wrong').toString('base64')}`])
    assert.equal(auth(h), false, String(h));
  assert.equal(auth(`Basic ${Buffer.from('user:pa:ss').toString('base64')}`), true);
  assert.equal(makeAuthorizer(undefined, undefined)(undefined), true);
});

test('isLoopback', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '10.0.0.1', '::']) assert.ok(!isLoopback(h), h);
});

test('metrics server: 405 for POST, 404 elsewhere, /health, HEAD, query string ignored', async () => {
  const h = start({ port: 0, instrumentations: [], serviceName: 'srv' });
  const { url } = await h.ready;
  const base = url.replace(/\/metrics$/, '');
  assert.equal((await fetch(url, { method: 'POST' })).status, 405);
  assert.equal((await fetch(`${base}/nope`)).status, 404);
  assert.equal((await fetch(`${base}/health`)).status, 200);
  const head = await fetch(url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  const q = await fetch(`${url}?name[]=x`);
  assert.equal(q.status, 200);
  assert.match(await q.text(), /service_name="srv"/);
  await h.shutdown();
});

test('start() twice returns the running instance', async () => {
  const a = start({ port: 0, instrumentations: [] });
  const b = start({ port: 0, instrumentations: [] });
  assert.equal(a, b);
  await a.shutdown();
  const c = start({ port: 0, instrumentations: [] });
  assert.notEqual(c, a);
  await c.shutdown();
});

test('a large registry is streamed in chunks and arrives whole', async () => {
  const h = start({ port: 0, instrumentations: [], cardinalityLimit: 50_000 });
  const c = h.meter.createCounter('big.series');
  for (let i = 0; i < 30_000; i++) c.add(i + 1, { id: `s${i}` });
  const { url } = await h.ready;
  const r = await fetch(url);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-length'), null); // chunked
  const text = await r.text();
  const lines = text.split('\n').filter((l) => l.startsWith('big_series_total{'));
  assert.equal(lines.length, 30_000);
  assert.match(text, /^big_series_total\{id="s29999"\} 30000$/m);
  const small = await fetch(url.replace('/metrics', '/health'));
  assert.equal(small.status, 200);
  await h.shutdown();
});
