// Issue 5.4: shutdown twice, flush after shutdown, recording after shutdown and a start
// after a shutdown are all safe (no throw, no hang, no unhandled rejection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, getHandle } from '@agentmeter/sdk';
import { startOtlpReceiver, captureDiagnostics } from './lib.mjs';

const unhandled = [];
process.on('unhandledRejection', (e) => unhandled.push(e));
captureDiagnostics();

const within = (p, ms, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what} did not settle in ${ms} ms`)), ms).unref())]);

test('shutdown twice (concurrently and sequentially), flush after shutdown, record after shutdown', async () => {
  const rx = await startOtlpReceiver('ok');
  const h = start({ port: 0, instrumentations: ['http'], cost: false, otlp: { endpoint: rx.url, intervalMillis: 3_600_000 } });
  const { url } = await h.ready;
  const counter = h.meter.createCounter('shut.events');
  counter.add(1);
  assert.equal((await fetch(url)).status, 200);
  const a = h.shutdown();
  const b = h.shutdown();
  assert.equal(a, b, 'concurrent shutdowns share one promise');
  await within(Promise.all([a, b]), 5000, 'shutdown');
  await within(h.shutdown(), 1000, 'third shutdown');
  await within(h.forceFlush(), 2000, 'flush after shutdown');
  assert.doesNotThrow(() => counter.add(1));
  assert.match(await h.metrics(), /^shut_events_total 2$/m, 'the registry still serialises');
  await assert.rejects(fetch(url), 'the metrics server is closed');
  assert.equal(getHandle(), undefined);
  // the final export happened once, at the first shutdown
  assert.equal(rx.requests.length, 1);
  await rx.close();
  // a new start after a shutdown works
  const h2 = start({ port: 0, instrumentations: [], cost: false });
  assert.notEqual(h2, h);
  const r2 = await h2.ready;
  assert.equal((await fetch(r2.url)).status, 200);
  await h2.shutdown();
  await h2.shutdown();
  assert.deepEqual(unhandled, []);
});

test('a disabled handle: shutdown and flush twice are no-ops', async () => {
  const h = start({ enabled: false });
  await h.shutdown();
  await h.shutdown();
  await h.forceFlush();
  assert.equal(await h.metrics(), '');
  assert.deepEqual(unhandled, []);
});
