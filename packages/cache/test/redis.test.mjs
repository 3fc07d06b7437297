// A real redis-server and a real ioredis client. Fails (does not skip) when redis-server
// is missing, unless AGENTMETER_SKIP_REDIS=1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { metrics } from '@opentelemetry/api';
import Redis from 'ioredis';
import { Registry, serializeAsync } from '@agentmeter/core';
import { setDiagnosticWarnings } from '@agentmeter/api';
import { instrumentCache, cacheStats } from '@agentmeter/cache';
import { REDIS_BIN, startRedis } from '@agentmeter/test-utils/redis';

setDiagnosticWarnings(false);
const registry = new Registry();
metrics.setGlobalMeterProvider(registry);
const skip = process.env.AGENTMETER_SKIP_REDIS === '1';
let server;
let client;

before(async () => {
  if (skip) return;
  try {
    server = await startRedis();
  } catch (e) {
    assert.fail(`${e.message} (set AGENTMETER_SKIP_REDIS=1 to skip; REDIS_SERVER=${REDIS_BIN})`);
  }
  client = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 50 ? null : 50) });
  client.on('error', () => {}); // connection refused while the server starts
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      client.disconnect();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

after(async () => {
  if (client) client.disconnect();
  if (server) await server.stop();
});

test('ioredis: async get/set/del return the same promises and record hits, misses, sets, deletes', { skip }, async () => {
  instrumentCache(client, {
    name: 'redis',
    sizeOf: async (c) => Number(/used_memory:(\d+)/.exec(await c.info('memory'))[1]),
  });
  const p = client.set('user:1', 'alice');
  assert.ok(p instanceof Promise);
  assert.equal(await p, 'OK');
  assert.equal(await client.get('user:1'), 'alice');
  assert.equal(await client.get('user:2'), null);
  assert.equal(await client.get('user:1'), 'alice');
  assert.equal(await client.del('user:1'), 1);
  assert.equal(await client.get('user:1'), null);
  // callback style still works
  const viaCb = await new Promise((resolve, reject) => client.get('nope', (err, v) => (err ? reject(err) : resolve(v))));
  assert.equal(viaCb, null);
  // other commands untouched
  assert.equal(await client.incr('counter'), 1);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(cacheStats('redis'), { gets: 5, hits: 2, misses: 3, sets: 1, deletes: 1, hitRatio: 0.4 });
  const text = await serializeAsync(registry);
  assert.match(text, /^cache_operations_total\{cache_name="redis",cache_operation="get",cache_result="hit"\} 2$/m);
  assert.match(text, /^cache_operations_total\{cache_name="redis",cache_operation="get",cache_result="miss"\} 3$/m);
  assert.match(text, /^cache_operations_total\{cache_name="redis",cache_operation="set"\} 1$/m);
  assert.match(text, /^cache_operations_total\{cache_name="redis",cache_operation="delete"\} 1$/m);
  assert.match(text, /^cache_hit_ratio\{cache_name="redis"\} 0\.4$/m);
  const size = Number(/^cache_size_bytes\{cache_name="redis"\} (\d+)$/m.exec(text)?.[1]);
  assert.ok(size > 100_000, `redis used_memory ${size}`);
});

test('ioredis: a failing command rejects exactly as before and is not counted', { skip }, async () => {
  await client.set('a-list', 'x');
  await client.lpush('real-list', 'v');
  // GET on a list is a WRONGTYPE error from the server
  await assert.rejects(client.get('real-list'), /WRONGTYPE/);
  await new Promise((r) => setImmediate(r));
  assert.equal(cacheStats('redis').gets, 5);
});
